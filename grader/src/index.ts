/** bertlab-grader: assign, validate, grade and give feedback on bertlab's tslab exercise notebooks. */
export const GRADER_VERSION = "0.1.0";
export { assign, checkSource, releaseNotebook, graderTestSource, SOLUTION_STUB, type Question, type AssignResult } from "./assign";
export { computeChecksum, isLocked, isTestCell, nbgraderMeta, type NbgraderMeta } from "./nbgrader";
export { restore, type GradedCell, type Restored } from "./restore";
export { executeGraded, readResults, RESULTS_MIME, type ExecuteOutcome, type QuestionOutcome, type TestOutcome } from "./execute";
export { scoreOutcome, type GradeRow, type GradeStatus } from "./score";
export { Gradebook, type SubmissionRecord, type StoredCell } from "./gradebook";
export { toCsv, writeCsv, CSV_HEADER } from "./report";
export { writeFeedback, studentPage, classPage } from "./feedback";
export { kernelSandbox, chooseMode, bwrapAvailable, type SandboxMode, type SandboxPolicy } from "./sandbox";
export { readSubmissions, parseShard, inShard, type Submission } from "./submissions";
export { merge } from "./merge";
export { grade, loadAssignment, harnessPath, type GradeOptions, type GradeSummary } from "./grade";
export { validate } from "./validate";
export { main } from "./cli";
