/**
 * Runs a question's tests and turns each failure into a message a student can act on:
 * what was expected, what their code gave, and what to try next. Never a stack trace:
 * tracebacks confuse beginners and reveal test internals (otter-grader#419).
 */
import { inspect } from "util";
import type { TestCase } from "./registry";

export type TestStatus = "passed" | "failed" | "error";

export interface TestResult {
  name: string;
  hidden: boolean;
  status: TestStatus;
  /** Empty when passed. */
  message: string;
  ms: number;
}

// Captured when this module loads. While grading, that is in the grader's preamble cell,
// before any student code could replace them.
const pristine = {
  now: Date.now,
  setTimeout: globalThis.setTimeout,
  clearTimeout: globalThis.clearTimeout,
  then: Promise.prototype.then,
  apply: Reflect.apply,
  inspect,
  isError: (e: unknown): e is Error => e instanceof Error,
};

/** Per-test limit for async tests; a synchronous endless loop is stopped by the cell timeout instead. */
export const DEFAULT_TEST_TIMEOUT_MS = 10_000;

/**
 * Where the patched tslab kernel looks for what was running when a cell is interrupted (patches/README.md): its
 * KeyboardInterrupt line then names the question and the test instead of ending in tslab's own stack.
 */
const ACTIVITY = Symbol.for("tslab.activity");

function setActivity(text: string | undefined): void {
  (globalThis as Record<symbol, unknown>)[ACTIVITY] = text;
}

export async function runTests(tests: readonly TestCase[], timeoutMs = DEFAULT_TEST_TIMEOUT_MS, question?: string): Promise<TestResult[]> {
  const results: TestResult[] = [];
  for (const test of tests) {
    const start = pristine.now();
    let outcome: { status: TestStatus; message: string };
    // A hidden test's name is not shown to students, here as elsewhere.
    setActivity(`${question ? `${question}, ` : ""}${test.hidden ? "a hidden test" : `test "${test.name}"`} (look for an endless loop or a very slow step in the code it calls)`);
    try {
      const ret = test.fn();
      if (ret && typeof (ret as Promise<void>).then === "function") await settle(ret as Promise<void>, timeoutMs, test.name);
      outcome = { status: "passed", message: "" };
    } catch (error) {
      outcome = describeFailure(error, test.hint);
    }
    results.push({ name: test.name, hidden: test.hidden, ...outcome, ms: pristine.now() - start });
  }
  setActivity(undefined);
  return results;
}

/** Awaits a test's promise through the pristine `then`, with a timeout. */
function settle(promise: Promise<void>, timeoutMs: number, name: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const timer = pristine.setTimeout(() => reject(new TestTimeout(name, timeoutMs)), timeoutMs);
    pristine.apply(pristine.then, promise, [
      () => {
        pristine.clearTimeout(timer);
        resolve();
      },
      (error: unknown) => {
        pristine.clearTimeout(timer);
        reject(error);
      },
    ]);
  });
}

class TestTimeout extends Error {
  constructor(name: string, ms: number) {
    super(`"${name}" did not finish within ${ms / 1000} s`);
    this.name = "TestTimeout";
  }
}

interface AssertionLike {
  code: "ERR_ASSERTION";
  actual: unknown;
  expected: unknown;
  operator?: string;
  generatedMessage?: boolean;
  message: string;
}

function isAssertion(error: unknown): error is AssertionLike {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === "ERR_ASSERTION";
}

export function show(value: unknown): string {
  return pristine.inspect(value, { depth: 3, breakLength: Infinity, maxArrayLength: 12, maxStringLength: 200, compact: true });
}

const OPERATOR_WORDS: Record<string, string> = {
  strictEqual: "to be exactly",
  deepStrictEqual: "to deeply equal",
  equal: "to equal",
  deepEqual: "to deeply equal",
  notStrictEqual: "not to be",
  notDeepStrictEqual: "not to deeply equal",
  "==": "to equal",
  closeTo: "to be close to",
};

export function describeFailure(error: unknown, hint?: string): { status: TestStatus; message: string } {
  if (isAssertion(error)) {
    const lines: string[] = [];
    if (!error.generatedMessage && error.message) lines.push(firstLine(error.message));
    if (error.operator === "fail" || error.operator === "ok" || error.operator === "==" && error.expected === true) {
      if (error.generatedMessage) lines.push(`expected a true condition, got ${show(error.actual)}`);
    } else if (error.operator === "throws" || error.operator === "rejects" || error.operator === "doesNotThrow") {
      if (error.generatedMessage) lines.push(firstLine(error.message));
    } else if (error.operator === "closeTo" && !error.generatedMessage) {
      // closeTo's own message already says expected vs actual, and where in an array they differ.
    } else {
      const words = OPERATOR_WORDS[error.operator ?? ""] ?? "to be";
      lines.push(`expected ${words} ${show(error.expected)}, got ${show(error.actual)}`);
    }
    lines.push(`Next: ${hint ?? "compare your result with the expected value, fix your code, re-run its cell, then run this check again."}`);
    return { status: "failed", message: lines.join("\n") };
  }
  if (pristine.isError(error) && error.name === "DelegationError") {
    return { status: "failed", message: `${firstLine(error.message)}\nNext: write the steps yourself; this question's tests compare your function with that one.` };
  }
  if (pristine.isError(error)) {
    const text = `${error.name}: ${firstLine(error.message)}`;
    if (error.message === "not implemented") {
      return { status: "failed", message: `${text}\nNext: replace the \`throw new Error("not implemented")\` line with your solution and re-run that cell.` };
    }
    if (error instanceof TestTimeout) {
      return { status: "failed", message: `${text}\nNext: look for a loop that never ends or a promise that never resolves.` };
    }
    return { status: "error", message: `your code threw ${text}\nNext: ${hint ?? "run your function on the test's input in a cell of its own to see where it fails."}` };
  }
  return { status: "error", message: `your code threw a non-Error value: ${show(error)}` };
}

function firstLine(text: string): string {
  const line = String(text).split("\n")[0];
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}
