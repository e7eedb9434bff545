/**
 * A data file that cannot be read as an intent dataset. The message always starts
 * with `file:line:` (or `file:` when the problem has no line) so editors can jump to it.
 */
export class DataFormatError extends Error {
  readonly file: string;
  readonly line: number | undefined;
  readonly reason: string;

  constructor(file: string, line: number | undefined, reason: string) {
    super(line === undefined ? `${file}: ${reason}` : `${file}:${line}: ${reason}`);
    this.name = "DataFormatError";
    this.file = file;
    this.line = line;
    this.reason = reason;
  }
}
