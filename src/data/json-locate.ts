/**
 * JSON.parse says what is wrong but not reliably where (V8 often gives neither line nor
 * position), and never where an array element starts. This small scanner walks the same
 * grammar to answer both, for error messages only: it runs after something went wrong.
 */

export interface JsonPosition {
  line: number;
  column: number;
}

export interface JsonScan {
  /** The first syntax error, if any. */
  error?: JsonPosition & { message: string };
  /** For a top-level object: member name -> start line of each element of its array value. */
  elementLines: Map<string, number[]>;
}

class ScanError extends Error {
  constructor(readonly position: number, message: string) {
    super(message);
  }
}

export function scanJson(text: string): JsonScan {
  const newlines: number[] = [];
  for (let i = 0; i < text.length; i++) if (text[i] === "\n") newlines.push(i);
  const positionOf = (offset: number): JsonPosition => {
    let lo = 0;
    let hi = newlines.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (newlines[mid] < offset) lo = mid + 1;
      else hi = mid;
    }
    return { line: lo + 1, column: offset - (lo === 0 ? 0 : newlines[lo - 1] + 1) + 1 };
  };

  const elementLines = new Map<string, number[]>();
  let i = 0;
  const ws = () => {
    while (i < text.length && " \t\r\n".includes(text[i])) i++;
  };
  const fail = (message: string): never => {
    throw new ScanError(i, message);
  };
  const describe = () => (i >= text.length ? "end of input" : `character ${JSON.stringify(text[i])}`);

  const string = (): string => {
    const start = i++;
    while (i < text.length && text[i] !== '"') {
      if (text[i] === "\\") {
        i++;
        if (!'"\\/bfnrtu'.includes(text[i] ?? "")) fail("invalid escape in string");
      } else if (text.charCodeAt(i) < 0x20) {
        fail("unescaped control character (e.g. a newline) in string");
      }
      i++;
    }
    if (i >= text.length) throw new ScanError(start, "unterminated string");
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };

  const value = (depth: number, elements?: number[]): void => {
    ws();
    const c = text[i];
    if (c === "{") return object(depth);
    if (c === "[") return array(depth, elements);
    if (c === '"') {
      string();
      return;
    }
    const number = /-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;
    number.lastIndex = i;
    if (number.test(text)) {
      i = number.lastIndex;
      return;
    }
    for (const literal of ["true", "false", "null"]) {
      if (text.startsWith(literal, i)) {
        i += literal.length;
        return;
      }
    }
    fail(`unexpected ${describe()}, expected a value`);
  };

  const array = (depth: number, elements?: number[]): void => {
    i++;
    ws();
    if (text[i] === "]") {
      i++;
      return;
    }
    for (;;) {
      ws();
      elements?.push(positionOf(i).line);
      value(depth + 1);
      ws();
      if (text[i] === ",") i++;
      else if (text[i] === "]") {
        i++;
        return;
      } else fail(`unexpected ${describe()} in array, expected "," or "]"`);
    }
  };

  const object = (depth: number): void => {
    i++;
    ws();
    if (text[i] === "}") {
      i++;
      return;
    }
    for (;;) {
      ws();
      if (text[i] !== '"') fail(`unexpected ${describe()}, expected a quoted member name`);
      const key = string();
      ws();
      if (text[i] !== ":") fail(`unexpected ${describe()}, expected ":" after member name`);
      i++;
      let elements: number[] | undefined;
      if (depth === 0) elementLines.set(key, (elements = []));
      value(depth + 1, elements);
      ws();
      if (text[i] === ",") i++;
      else if (text[i] === "}") {
        i++;
        return;
      } else fail(`unexpected ${describe()} in object, expected "," or "}"`);
    }
  };

  try {
    value(0);
    ws();
    if (i < text.length) fail(`unexpected ${describe()} after the JSON value`);
    return { elementLines };
  } catch (error) {
    if (!(error instanceof ScanError)) throw error;
    return { elementLines, error: { ...positionOf(error.position), message: error.message } };
  }
}
