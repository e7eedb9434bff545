/**
 * Reference implementations for tests, and delegation detection.
 *
 * A question that asks students to re-implement a bertlab function (the 80/10/10 rule, LayerNorm, ...)
 * compares their function with bertlab's. Calling bertlab's function from the answer would pass such a
 * test without any understanding, so a test cell asks for its references like this:
 *
 *   const lib = referenceLibrary("q2", { without: ["maskTokens"] });
 *   ... lib.maskTokens(ids, vocab, new lib.Random(1)) ...
 *
 * `lib` is bertlab with every function marked as a reference call. While q2's tests run, a call to
 * `maskTokens` that does not come from a reference call (that is, from the student's code, directly or
 * through another bertlab function) throws a DelegationError: "q2 must be solved without calling
 * `maskTokens`". The detection works by replacing each exported bertlab function, in the module that
 * defines it, with a guard that checks the current question's list; outside a question's tests the
 * guards only pass the call on.
 *
 * While grading, the grader's harness installs the guards and freezes bertlab's modules before any
 * student code runs (see lockdown.ts), and a question's reference library is handed out once, only
 * while the grader has that question's test cell open, so student code cannot use it to bypass the guards.
 */
import type * as Bertlab from "../index";
import * as registry from "./registry";

/** Thrown by a guarded bertlab function that the running question must not call. */
export class DelegationError extends Error {
  constructor(readonly gradeId: string, readonly functionName: string) {
    super(`${gradeId} must be solved without calling \`${functionName}\``);
    this.name = "DelegationError";
  }
}

const apply = Reflect.apply;
const toSource = Function.prototype.toString;

/** Functions (not classes) are what a question may re-implement; classes are passed through. */
export function isPlainFunction(value: unknown): value is (...args: unknown[]) => unknown {
  if (typeof value !== "function") return false;
  let text = "";
  try {
    text = apply(toSource, value, []) as string;
  } catch {
    return false;
  }
  return !/^class\b/.test(text);
}

interface GuardState {
  /** The question whose tests are running, and the functions they forbid; null outside tests. */
  active: { gradeId: string; names: ReadonlySet<string> } | null;
  /** > 0 while a reference call (from a test) is on the stack. */
  depth: number;
}

const state: GuardState = { active: null, depth: 0 };
/** guard -> the function it replaced */
const originals = new WeakMap<object, (...args: unknown[]) => unknown>();
/** Functions each question's tests forbid, from referenceLibrary(gradeId, { without }). */
const forbidden = new Map<string, Set<string>>();

function guard(name: string, fn: (...args: unknown[]) => unknown): (...args: unknown[]) => unknown {
  const guarded = function (this: unknown, ...args: unknown[]): unknown {
    const active = state.active;
    if (active !== null && state.depth === 0 && active.names.has(name)) throw new DelegationError(active.gradeId, name);
    return apply(fn, this, args);
  };
  Object.defineProperty(guarded, "name", { value: fn.name });
  Object.defineProperty(guarded, "length", { value: fn.length });
  originals.set(guarded, fn);
  return guarded;
}

/**
 * Replaces the exported functions of one bertlab module's exports object by guards (idempotent).
 * Only own, writable data properties are replaced: re-exports are getters that read the defining
 * module's property, so they see the guard too.
 */
export function guardExports(exports: Record<string, unknown>): void {
  for (const key of Object.keys(exports)) {
    const d = Object.getOwnPropertyDescriptor(exports, key);
    if (!d || !("value" in d) || !d.writable || !isPlainFunction(d.value) || originals.has(d.value)) continue;
    try {
      exports[key] = guard(key, d.value);
    } catch {
      // a frozen exports object: leave it
    }
  }
}

/** The function a guard stands for (the value itself when it is no guard). */
export function original<T>(value: T): T {
  return ((typeof value === "function" && originals.get(value as object)) || value) as T;
}

function asReference(fn: (...args: unknown[]) => unknown): (...args: unknown[]) => unknown {
  const ref = function (this: unknown, ...args: unknown[]): unknown {
    state.depth++;
    try {
      return apply(fn, this, args);
    } finally {
      state.depth--;
    }
  };
  Object.defineProperty(ref, "name", { value: fn.name });
  return ref;
}

let library: typeof Bertlab | null = null;

/** Installs the guards on every loaded bertlab module (self-check mode; the grader does it when arming). */
function guardLoadedModules(): void {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const path = require("path") as typeof import("path");
  const root = path.resolve(__dirname, "..") + path.sep;
  const check = path.join(root, "check") + path.sep;
  for (const [file, mod] of Object.entries(require.cache)) {
    if (!mod || !file.startsWith(root) || file.startsWith(check) || !mod.loaded) continue;
    guardExports(mod.exports as Record<string, unknown>);
  }
}

function referenceView(): typeof Bertlab {
  if (library) return library;
  if (!registry.isGrading()) guardLoadedModules();
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const lib = require("../index") as Record<string, unknown>;
  const view: Record<string, unknown> = {};
  for (const key of Object.keys(lib)) {
    const value = original(lib[key]);
    view[key] = isPlainFunction(value) ? asReference(value) : value;
  }
  library = Object.freeze(view) as unknown as typeof Bertlab;
  return library;
}

/**
 * bertlab for a question's tests: every function marked as a reference call, so tests may call what
 * the student must not. `without` lists the bertlab functions the student's code must not call while
 * this question's tests run (usually the one the tests compare against).
 */
export function referenceLibrary(gradeId: string, options: { without?: readonly string[] } = {}): typeof Bertlab {
  if (typeof gradeId !== "string" || gradeId === "") throw new TypeError("referenceLibrary(gradeId): gradeId must be the question's grade_id, e.g. \"q2\"");
  if (registry.isGrading()) {
    // Only the grader's restored test cell gets it: the question must be open and not yet registered.
    if (registry.openQuestion() !== gradeId) throw new Error(`referenceLibrary("${gradeId}") is only available to ${gradeId}'s test cell`);
    if (forbidden.has(gradeId)) throw new Error(`referenceLibrary("${gradeId}") was already handed out for this question`);
  }
  const view = referenceView();
  const names = new Set<string>();
  for (const name of options.without ?? []) {
    if (!isPlainFunction((view as unknown as Record<string, unknown>)[name])) throw new Error(`referenceLibrary("${gradeId}"): bertlab has no function named "${name}"`);
    names.add(name);
  }
  forbidden.set(gradeId, names);
  return view;
}

/** Runs `body` (a question's tests) with that question's forbidden functions in force. */
export async function withForbidden<T>(gradeId: string, body: () => Promise<T>): Promise<T> {
  const names = forbidden.get(gradeId);
  if (!names || names.size === 0) return body();
  const previous = state.active;
  state.active = { gradeId, names };
  state.depth = 0;
  try {
    return await body();
  } finally {
    state.active = previous;
  }
}

/** For the grader's arming: guards go on bertlab modules as they finish loading. */
export const guards = { guardExports };
