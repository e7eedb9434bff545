/**
 * The notebook runner: real tslab kernels driven over the Jupyter protocol, no Python or Jupyter server needed.
 * `Kernel` runs cells one by one; `runNotebook` runs a whole .ipynb. zeromq loads only when a kernel starts.
 */
export { DEFAULT_CELL_TIMEOUT_MS, Kernel, KernelStartError, type CellStatus, type ExecuteOptions, type ExecuteResult, type KernelOptions } from "./kernel";
export { cellTimeoutMs, describeCell, runNotebook, type CellRun, type NotebookRun, type RunOptions, type TimeoutOptions } from "./run-notebook";
