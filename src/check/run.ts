/**
 * Runs a question's tests and turns each failure into a message a student can act on:
 * what was expected, what their code gave, and what to try next. Never a stack trace:
 * tracebacks confuse beginners and reveal test internals (otter-grader#419).
 */
import { inspect } from "util";
import type { TestCase } from "./registry";
import { checkLang, localize, type CheckLang, type Text } from "./lang";

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
  checkLang,
};

/** The messages' language, resolved through the reference captured at load (see lang.ts). */
function lang(): CheckLang {
  return pristine.checkLang();
}

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
      outcome = describeFailure(error, test.hint, lang());
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
  constructor(readonly testName: string, readonly ms: number) {
    super(`"${testName}" did not finish within ${ms / 1000} s`);
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

/** Korean: what the expected value is, as a label, so no particle has to agree with an arbitrary value. */
const OPERATOR_WORDS_KO: Record<string, string> = {
  strictEqual: "기댓값(정확히 같아야 해요)",
  deepStrictEqual: "기댓값(내용이 모두 같아야 해요)",
  equal: "기댓값(같아야 해요)",
  deepEqual: "기댓값(내용이 모두 같아야 해요)",
  notStrictEqual: "나오면 안 되는 값",
  notDeepStrictEqual: "나오면 안 되는 값(내용 비교)",
  "==": "기댓값(같아야 해요)",
  closeTo: "기댓값(허용 오차 안에서 같아야 해요)",
};

/** The harness's own words, in both languages. `Next:` starts the line that says what to try. */
const WORDS = {
  en: {
    next: "Next: ",
    trueCondition: (actual: string) => `expected a true condition, got ${actual}`,
    compare: (words: string, expected: string, actual: string) => `expected ${words} ${expected}, got ${actual}`,
    defaultFailed: "compare your result with the expected value, fix your code, re-run its cell, then run this check again.",
    delegation: (gradeId: string, fn: string) => `${gradeId} must be solved without calling \`${fn}\``,
    delegationNext: "write the steps yourself; this question's tests compare your function with that one.",
    notImplementedNext: 'replace the `throw new Error("not implemented")` line with your solution and re-run that cell.',
    timeout: (name: string, seconds: number) => `"${name}" did not finish within ${seconds} s`,
    timeoutNext: "look for a loop that never ends or a promise that never resolves.",
    threw: (text: string) => `your code threw ${text}`,
    defaultError: "run your function on the test's input in a cell of its own to see where it fails.",
    threwNonError: (value: string) => `your code threw a non-Error value: ${value}`,
  },
  ko: {
    next: "다음 단계: ",
    trueCondition: (actual: string) => `조건이 참이어야 하는데, 실제로 나온 값: ${actual}`,
    compare: (words: string, expected: string, actual: string) => `${words}: ${expected}, 실제로 나온 값: ${actual}`,
    defaultFailed: "결과를 기댓값과 비교해 코드를 고친 다음, 그 셀을 다시 실행하고 이 검사도 다시 실행해 보세요.",
    delegation: (gradeId: string, fn: string) => `${gradeId} 문제는 \`${fn}\` 함수를 호출하지 않고 풀어야 해요`,
    delegationNext: "단계를 직접 작성해 보세요. 이 문제의 테스트는 여러분의 함수를 바로 그 함수와 비교해요.",
    notImplementedNext: '`throw new Error("not implemented")` 줄을 여러분의 풀이로 바꾸고 그 셀을 다시 실행해 보세요.',
    timeout: (name: string, seconds: number) => `"${name}" 테스트가 ${seconds}초 안에 끝나지 않았어요`,
    timeoutNext: "끝나지 않는 반복문이나 끝내 resolve되지 않는 프로미스(promise)가 있는지 찾아보세요.",
    threw: (text: string) => `코드에서 예외가 발생했어요: ${text}`,
    defaultError: "테스트의 입력으로 함수를 별도의 셀에서 실행해 보고, 어디에서 실패하는지 확인해 보세요.",
    threwNonError: (value: string) => `코드가 Error가 아닌 값을 던졌어요: ${value}`,
  },
} as const;

/**
 * Turns what a test threw into the message check() shows: expected vs actual, then a `Next:` line with the
 * test's hint (or a general one), in `language` (default: the edition's, see lang.ts).
 */
export function describeFailure(error: unknown, hint?: Text, language: CheckLang = lang()): { status: TestStatus; message: string } {
  const w = WORDS[language];
  const hintText = hint === undefined ? undefined : localize(hint, language);
  if (isAssertion(error)) {
    const lines: string[] = [];
    if (!error.generatedMessage && error.message) lines.push(firstLine(error.message));
    if (error.operator === "fail" || error.operator === "ok" || error.operator === "==" && error.expected === true) {
      if (error.generatedMessage) lines.push(w.trueCondition(show(error.actual)));
    } else if (error.operator === "throws" || error.operator === "rejects" || error.operator === "doesNotThrow") {
      if (error.generatedMessage) lines.push(firstLine(error.message));
    } else if (error.operator === "closeTo" && !error.generatedMessage) {
      // closeTo's own message already says expected vs actual, and where in an array they differ.
    } else {
      const words = language === "ko" ? OPERATOR_WORDS_KO[error.operator ?? ""] ?? "기댓값" : OPERATOR_WORDS[error.operator ?? ""] ?? "to be";
      lines.push(w.compare(words, show(error.expected), show(error.actual)));
    }
    lines.push(`${w.next}${hintText ?? w.defaultFailed}`);
    return { status: "failed", message: lines.join("\n") };
  }
  if (pristine.isError(error) && error.name === "DelegationError") {
    const d = error as Error & { gradeId?: unknown; functionName?: unknown };
    const first = typeof d.gradeId === "string" && typeof d.functionName === "string" ? w.delegation(d.gradeId, d.functionName) : firstLine(error.message);
    return { status: "failed", message: `${first}\n${w.next}${w.delegationNext}` };
  }
  if (pristine.isError(error)) {
    const text = `${error.name}: ${firstLine(error.message)}`;
    if (error.message === "not implemented") {
      return { status: "failed", message: `${text}\n${w.next}${w.notImplementedNext}` };
    }
    if (error instanceof TestTimeout) {
      return { status: "failed", message: `${error.name}: ${w.timeout(error.testName, error.ms / 1000)}\n${w.next}${w.timeoutNext}` };
    }
    return { status: "error", message: `${w.threw(text)}\n${w.next}${hintText ?? w.defaultError}` };
  }
  return { status: "error", message: w.threwNonError(show(error)) };
}

function firstLine(text: string): string {
  const line = String(text).split("\n")[0];
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}
