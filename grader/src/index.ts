export const GRADER_VERSION = "0.1.0";
