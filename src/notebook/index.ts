/** nbformat v4 notebooks: types, validation and file IO, shared by the runner, the grader and the tests. */
export * from "./nbformat";
export { NotebookFormatError, parseNotebook } from "./validate";
export { formatNotebook, readNotebook, writeNotebook } from "./io";
