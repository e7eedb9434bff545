/**
 * Numbers are compared with a tolerance, never as printed strings (course style, "Exercises and tests" 4).
 * Works on numbers and on (nested) arrays or typed arrays of numbers, and fails with node:assert's
 * AssertionError, so the check table shows expected vs actual like any other assertion.
 */
import { AssertionError } from "assert";

export interface Tolerance {
  /** Absolute tolerance (default 1e-6). */
  atol?: number;
  /** Relative tolerance, times |expected| (default 1e-5). */
  rtol?: number;
}

type Numeric = number | ArrayLike<unknown>;

export function closeTo(actual: unknown, expected: Numeric, tolerance: Tolerance = {}, message?: string): void {
  const atol = tolerance.atol ?? 1e-6;
  const rtol = tolerance.rtol ?? 1e-5;
  const problem = compare(actual, expected, atol, rtol, "");
  if (problem !== null) {
    throw new AssertionError({ actual, expected, operator: "closeTo", message: `${problem} (atol ${atol}, rtol ${rtol})${message ? `; ${message}` : ""}` });
  }
}

function compare(actual: unknown, expected: unknown, atol: number, rtol: number, at: string): string | null {
  if (typeof expected === "number") {
    if (typeof actual !== "number") return `expected a number${where(at)}, got ${typeof actual}`;
    if (Number.isNaN(expected) && Number.isNaN(actual)) return null;
    if (!(Math.abs(actual - expected) <= atol + rtol * Math.abs(expected))) {
      return `expected ${expected}${where(at)}, got ${actual}`;
    }
    return null;
  }
  const exp = expected as ArrayLike<unknown>;
  if (actual === null || typeof actual !== "object" || typeof (actual as ArrayLike<unknown>).length !== "number") {
    return `expected an array of length ${exp.length}${where(at)}, got ${actual === null ? "null" : typeof actual}`;
  }
  const act = actual as ArrayLike<unknown>;
  if (act.length !== exp.length) return `expected length ${exp.length}${where(at)}, got length ${act.length}`;
  for (let i = 0; i < exp.length; i++) {
    const problem = compare(act[i], exp[i], atol, rtol, `${at}[${i}]`);
    if (problem !== null) return problem;
  }
  return null;
}

function where(at: string): string {
  return at ? ` at ${at}` : "";
}
