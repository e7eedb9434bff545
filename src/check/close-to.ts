/**
 * Numbers are compared with a tolerance, never as printed strings (course style, "Exercises and tests" 4).
 * Works on numbers and on (nested) arrays or typed arrays of numbers, and fails with node:assert's
 * AssertionError, so the check table shows expected vs actual like any other assertion.
 */
import { AssertionError } from "assert";
import { checkLang, localize, type CheckLang, type Text } from "./lang";

export interface Tolerance {
  /** Absolute tolerance (default 1e-6). */
  atol?: number;
  /** Relative tolerance, times |expected| (default 1e-5). */
  rtol?: number;
}

type Numeric = number | ArrayLike<unknown>;

/** `message` says what the numbers mean: one text, or `{ en, ko }` for both editions. */
export function closeTo(actual: unknown, expected: Numeric, tolerance: Tolerance = {}, message?: Text): void {
  const atol = tolerance.atol ?? 1e-6;
  const rtol = tolerance.rtol ?? 1e-5;
  const lang = checkLang();
  const problem = compare(actual, expected, atol, rtol, "", WORDS[lang]);
  if (problem !== null) {
    const note = message === undefined ? "" : localize(message, lang);
    throw new AssertionError({ actual, expected, operator: "closeTo", message: `${problem} (atol ${atol}, rtol ${rtol})${note ? `; ${note}` : ""}` });
  }
}

interface Words {
  notNumber: (at: string, got: string) => string;
  value: (expected: number, at: string, got: number) => string;
  notArray: (length: number, at: string, got: string) => string;
  length: (expected: number, at: string, got: number) => string;
}

const WORDS: Record<CheckLang, Words> = {
  en: {
    notNumber: (at, got) => `expected a number${at ? ` at ${at}` : ""}, got ${got}`,
    value: (expected, at, got) => `expected ${expected}${at ? ` at ${at}` : ""}, got ${got}`,
    notArray: (length, at, got) => `expected an array of length ${length}${at ? ` at ${at}` : ""}, got ${got}`,
    length: (expected, at, got) => `expected length ${expected}${at ? ` at ${at}` : ""}, got length ${got}`,
  },
  // Labels rather than sentences, so no particle has to agree with a number or a type name.
  ko: {
    notNumber: (at, got) => `${at ? `${at} 위치에 ` : ""}숫자가 와야 해요. 실제 타입: ${got}`,
    value: (expected, at, got) => `${at ? `${at} 위치의 ` : ""}기댓값: ${expected}, 실제로 나온 값: ${got}`,
    notArray: (length, at, got) => `${at ? `${at} 위치에 ` : ""}길이 ${length}인 배열이 와야 해요. 실제 타입: ${got}`,
    length: (expected, at, got) => `${at ? `${at} 위치의 ` : ""}기대한 길이: ${expected}, 실제 길이: ${got}`,
  },
};

function compare(actual: unknown, expected: unknown, atol: number, rtol: number, at: string, w: Words): string | null {
  if (typeof expected === "number") {
    if (typeof actual !== "number") return w.notNumber(at, typeof actual);
    if (Number.isNaN(expected) && Number.isNaN(actual)) return null;
    if (!(Math.abs(actual - expected) <= atol + rtol * Math.abs(expected))) {
      return w.value(expected, at, actual);
    }
    return null;
  }
  const exp = expected as ArrayLike<unknown>;
  if (actual === null || typeof actual !== "object" || typeof (actual as ArrayLike<unknown>).length !== "number") {
    return w.notArray(exp.length, at, actual === null ? "null" : typeof actual);
  }
  const act = actual as ArrayLike<unknown>;
  if (act.length !== exp.length) return w.length(exp.length, at, act.length);
  for (let i = 0; i < exp.length; i++) {
    const problem = compare(act[i], exp[i], atol, rtol, `${at}[${i}]`, w);
    if (problem !== null) return problem;
  }
  return null;
}
