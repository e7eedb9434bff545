/**
 * The grader's side of the harness, run inside the student's kernel by code the grader adds:
 *
 *   preamble (before any student cell):  require(<this file>).arm("<key>")
 *   first line of each test cell:        require(<this file>).open("q1", "<token>");
 *   last line of each test cell:         await require(<this file>).grade("q1", "<token>");
 *
 * The key travels only in the preamble, before any student code exists to observe it. Results leave
 * the kernel as one display output of type RESULTS_MIME, signed with HMAC-SHA256 under that key, so
 * printing "PASSED", faking mocha output or emitting a results display from student code changes
 * nothing. Later grader code carries only one-time tokens, HMAC(key, "open:q1") and the like: student
 * code that hooks a built-in to read incoming cell code can learn a token, but not the key, and a
 * token used by anyone else makes the grader's own call fail, which the grader scores as an error.
 *
 * arm() also captures pristine references and freezes the modules tests rely on (node:assert, the
 * check harness, Node's module loader, vm, JSON, tslab's code hand-off), limits native addons and
 * signals, so student code that runs later cannot swap them. See grader/README.md, "What the sandbox
 * protects".
 */
import { createHmac } from "crypto";
import * as registry from "./registry";
import { runTests, type TestResult } from "./run";
import { withForbidden } from "./reference";
import { lockIntrinsics, lockTsHelpers, moduleSeal } from "./lockdown";

export const RESULTS_MIME = "application/vnd.bertlab.results+json";

export interface GradePayload {
  v: 1;
  gradeId: string;
  seq: number;
  /** False when the question's test cell registered no tests (it failed before describe ran). */
  registered: boolean;
  tests: TestResult[];
}

interface Armed {
  seq: number;
  gate: registry.RegistryGate;
  /** HMAC-SHA256 under the run's key, through references captured before student code ran. */
  sign: (text: string) => string;
  used: Set<string>;
  stringify: typeof JSON.stringify;
  raw: (contentType: string, data: string) => void;
}

/** The one-time token the grader sends for `action` on `gradeId`; both sides derive it from the key. */
export function callToken(key: string, action: "open" | "grade", gradeId: string): string {
  return createHmac("sha256", key).update(`${action}:${gradeId}`).digest("hex");
}

let armed: Armed | null = null;

function freeze(target: unknown): void {
  try {
    if (target && (typeof target === "object" || typeof target === "function")) Object.freeze(target);
  } catch {
    // an exotic object that refuses freezing: leave it
  }
}

/** Locks down the kernel and keeps the run's key. Must be the first code the kernel runs. */
export function arm(key: string): void {
  if (armed) throw new Error("the grading harness is already armed");
  if (typeof key !== "string" || key.length < 32) throw new Error("arm(key): key must be a string of 32+ characters");
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const tslab = require("tslab") as { display: { raw(contentType: string, data: string): void } };
  const display = tslab.display;
  const raw = display.raw.bind(display);
  const gate = registry.takeGate();
  gate.enterGrading();
  const probe = createHmac("sha256", "probe");
  const hmacProto = Object.getPrototypeOf(probe) as { update: (data: string) => unknown; digest: (encoding: "hex") => string };
  const { update, digest } = hmacProto;
  const apply = Reflect.apply;
  const sign = (text: string): string => {
    const h = createHmac("sha256", key);
    apply(update, h, [text]);
    return apply(digest, h, ["hex"]) as string;
  };
  armed = { seq: 0, gate, sign, used: new Set(), stringify: JSON.stringify, raw };

  // Modules whose replacement would let student code change what tests see.
  /* eslint-disable @typescript-eslint/no-var-requires */
  const assert = require("assert");
  freeze(assert);
  freeze(assert.strict);
  freeze(require("assert/strict"));
  freeze(assert.AssertionError);
  freeze(assert.AssertionError.prototype);
  freeze(require("vm"));
  freeze(JSON); // tslab parses every incoming message with JSON.parse: no peeking at later grader code
  const Module = require("module");
  // Test cells import their own tools (assert, check, bertlab, tfjs). Pin each module as it finishes
  // loading, so a student cell can neither swap a require.cache entry nor an export (lockdown.ts).
  const path = require("path") as typeof import("path");
  const seal = moduleSeal(Module._cache, require("fs").realpathSync(path.resolve(__dirname, "..", "..")) + path.sep, path.sep);
  const load = Module._load as (...args: unknown[]) => unknown;
  Module._load = function (this: unknown, ...args: unknown[]): unknown {
    const loaded = apply(load, this, args);
    seal.sealLoaded();
    return loaded;
  };
  freeze(Module.prototype);
  freeze(Module);
  freeze(require("./registry"));
  freeze(require("./run"));
  freeze(require("./close-to"));
  freeze(require("./index"));
  freeze(require("./grading"));
  freeze(require("./reference"));
  freeze(require("./lockdown"));
  freeze(require("./lang"));
  /* eslint-enable @typescript-eslint/no-var-requires */
  lockIntrinsics();
  lockTsHelpers();
  seal.sealLoaded();
  // Native addons run outside the permission model (tslab's zeromq is already loaded): from now on only
  // bertlab's own (its GEMM kernel), which students cannot replace since they may write only their working copy.
  const fs = require("fs") as typeof import("fs");
  const realpath = fs.realpathSync.bind(fs);
  const bertlabRoot = realpath(require("path").resolve(__dirname, "..", "..")) + require("path").sep;
  const proc = process as unknown as { dlopen: (module: object, filename: string, flags?: number) => void; _kill: (pid: number, signal: number) => number };
  const dlopen = proc.dlopen.bind(process);
  const guardedDlopen = (module: object, filename: string, flags?: number): void => {
    let real = "";
    try {
      real = realpath(String(filename));
    } catch {
      // unreadable: refused below
    }
    if (!real.startsWith(bertlabRoot)) throw new Error("loading native addons is disabled while grading");
    return flags === undefined ? dlopen(module, real) : dlopen(module, real, flags);
  };
  Object.defineProperty(process, "dlopen", { value: guardedDlopen, writable: false, configurable: false });
  // Signals only to itself: without a PID namespace the grader and other kernels run as the same user.
  // process.kill calls process._kill, so guarding _kill guards both.
  const rawKill = proc._kill.bind(process);
  const ownPid = process.pid;
  const guardedKill = (pid: number, signal: number): number => {
    if (pid !== ownPid) throw new Error("process.kill: only this kernel's own process may be signalled while grading");
    return rawKill(pid, signal);
  };
  Object.defineProperty(process, "_kill", { value: guardedKill, writable: false, configurable: false });
  // tslab hands each cell `require` through this global; pin it so cells keep tslab's own.
  const g = globalThis as { __tslab__?: object };
  if (g.__tslab__) {
    const handoff = g.__tslab__;
    freeze(handoff);
    Object.defineProperty(globalThis, "__tslab__", { value: handoff, writable: false, configurable: false, enumerable: false });
  }
}

function spend(action: "open" | "grade", gradeId: string, token: string): Armed {
  if (!armed) throw new Error("not the grader");
  const expected = armed.sign(`${action}:${gradeId}`);
  // `===` on strings, not a method call a student could have patched.
  if (token !== expected) throw new Error("not the grader");
  if (armed.used.has(expected)) throw new Error(`the grader's ${action} token for ${gradeId} was already used: someone else called it`);
  armed.used.add(expected);
  return armed;
}

/** Lets exactly the next describe(gradeId) register, i.e. the restored test cell's. */
export function open(gradeId: string, token: string): void {
  spend("open", gradeId, token).gate.open(gradeId);
}

/** Runs the question's tests right after its test cell and emits the signed results. */
export async function grade(gradeId: string, token: string): Promise<void> {
  const state = spend("grade", gradeId, token);
  state.gate.close();
  const suite = registry.suite(gradeId);
  // Snapshot: tests that call student code cannot change the list being run.
  const tests = suite ? suite.tests.slice() : [];
  // The functions this question's tests compare against may not be called by the student's code.
  const results = await withForbidden(gradeId, () => runTests(tests, undefined, gradeId));
  state.seq += 1;
  const payload: GradePayload = { v: 1, gradeId, seq: state.seq, registered: suite !== undefined, tests: results };
  const body = state.stringify(payload);
  const mac = state.sign(body);
  state.raw(RESULTS_MIME, state.stringify({ payload: body, mac }));
}
