/** bertlab-grader: assign, validate, grade and give feedback on bertlab's tslab exercise notebooks. */
export const GRADER_VERSION = "0.1.0";
export { assign, checkSource, releaseNotebook, graderTestSource, SOLUTION_STUB, type Question, type AssignResult } from "./assign";
export { computeChecksum, isLocked, isTestCell, nbgraderMeta, type NbgraderMeta } from "./nbgrader";
export { restore, type GradedCell, type Restored } from "./restore";
export { executeGraded, readResults, RESULTS_MIME, type ExecuteOutcome, type QuestionOutcome, type TestOutcome } from "./execute";
export { scoreOutcome, creditOf, GRADE_STATUSES, type GradeRow, type GradeStatus, type Adjustment, type Credit } from "./score";
export { Gradebook, type SubmissionRecord, type StoredCell, type Student, type StoredAdjustment } from "./gradebook";
export { toCsv, writeCsv, cleanText, CSV_HEADER } from "./report";
export { writeFeedback, studentPage, studentPageName, classPage } from "./feedback";
export { classTotals, exportCsv, writeExport, EXPORT_FORMATS, type ExportFormat, type ClassTotals, type StudentTotal } from "./export";
export { override, startManualServer, manualItems, manualPage, currentUser, type ManualItem, type ManualServer, type OverrideRequest } from "./manual";
export { readAssignmentSpec, readRoster, latePenalty, parseTimestamp, selectNotebooks, type AssignmentSpec, type LatePolicy, type RosterEntry } from "./spec";
export { kernelSandbox, chooseMode, bwrapAvailable, type SandboxMode, type SandboxPolicy } from "./sandbox";
export { readSubmissions, parseShard, inShard, studentId, studentNameProblem, type Submission, type SkippedSubmission } from "./submissions";
export { merge } from "./merge";
export { grade, loadAssignment, manualQuestions, parseOnly, harnessPath, type GradeOptions, type GradeSummary, type Assignment, type AssignmentNotebook } from "./grade";
export { validate } from "./validate";
export { main } from "./cli";
