/**
 * The notebook runner: real tslab kernels driven over the Jupyter protocol, no Python or Jupyter server needed.
 * `Kernel` runs cells one by one; `runNotebook` runs a whole .ipynb. zeromq loads only when a kernel starts.
 */
export { Kernel, KernelStartError, type CellStatus, type ExecuteOptions, type ExecuteResult, type KernelOptions } from "./kernel";
export { runNotebook, type CellRun, type NotebookRun, type RunOptions } from "./run-notebook";
