/**
 * Where test cells register their tests: one suite per nbgrader grade_id.
 *
 * A test cell calls `describe("q1", () => { it(...); ... })`. Registering a suite again
 * replaces it, so re-running a test cell in JupyterLab never doubles its tests.
 * While grading, only the grade_id the grader opened may register (see grading.ts), so
 * student code cannot add, replace or remove tests of a question.
 */
import type { Text } from "./lang";

export type TestFn = () => void | Promise<void>;

export interface TestCase {
  /** "describe title > ... > it title", without the grade_id. */
  name: string;
  fn: TestFn;
  /** Registered between `// BEGIN HIDDEN TESTS` and `// END HIDDEN TESTS` (grader only). */
  hidden: boolean;
  /** What the student should try next if this test fails: one text, or `{ en, ko }` for both editions. */
  hint?: Text;
}

export interface Suite {
  gradeId: string;
  tests: TestCase[];
}

interface Gate {
  /** null: anyone may register (self-check); otherwise the only grade_id accepted now. */
  open: string | null;
  grading: boolean;
}

const suites = new Map<string, Suite>();
const gate: Gate = { open: null, grading: false };

/** The describe() currently collecting tests, with its title path. */
let current: { suite: Suite; path: string[]; hidden: boolean } | null = null;

export function describe(title: string, body: () => void): void {
  if (typeof title !== "string" || title.length === 0) throw new TypeError("describe(title, body): title must be a non-empty string");
  if (typeof body !== "function") throw new TypeError(`describe("${title}", body): body must be a function`);
  if (current) {
    // Nested describe: only extends the title path.
    const outer = current;
    current = { suite: outer.suite, path: [...outer.path, title], hidden: outer.hidden };
    try {
      body();
    } finally {
      current = outer;
    }
    return;
  }
  if (gate.grading && gate.open !== title) return; // not this question's test cell: ignored while grading
  const suite: Suite = { gradeId: title, tests: [] };
  current = { suite, path: [], hidden: false };
  try {
    body();
  } finally {
    current = null;
  }
  suites.set(title, suite);
  if (gate.grading) gate.open = null; // one registration per opened question
}

export function it(title: string, fn: TestFn, hint?: Text): void {
  if (!current) throw new Error(`it("${title}") must be called inside describe("<grade_id>", () => { ... })`);
  if (typeof fn !== "function") throw new TypeError(`it("${title}", fn): fn must be a function`);
  current.suite.tests.push({ name: [...current.path, title].join(" > "), fn, hidden: current.hidden, hint });
}

/** Called where `// BEGIN HIDDEN TESTS` / `// END HIDDEN TESTS` stood in the grader's copy of a test cell. */
export function markHidden(on: boolean): void {
  if (current) current.hidden = on;
}

export function suite(gradeId: string): Suite | undefined {
  return suites.get(gradeId);
}

export function registeredIds(): string[] {
  return [...suites.keys()];
}

export interface RegistryGate {
  enterGrading(): void;
  open(gradeId: string): void;
  close(): void;
}

let gateTaken = false;

/**
 * Hands the registry's controls to the grader's preamble, once per kernel. The grader runs
 * its preamble before any student cell, so a student calling this later only gets an error.
 */
export function takeGate(): RegistryGate {
  if (gateTaken) throw new Error("the check registry is already controlled by the grader");
  gateTaken = true;
  return gateControls;
}

const gateControls: RegistryGate = {
  enterGrading(): void {
    gate.grading = true;
    gate.open = null;
    suites.clear();
  },
  open(gradeId: string): void {
    gate.open = gradeId;
    suites.delete(gradeId);
  },
  close(): void {
    gate.open = null;
  },
};

/** While grading: the question whose test cell the grader has opened and that has not registered yet. */
export function openQuestion(): string | null {
  return gate.open;
}

export function isGrading(): boolean {
  return gate.grading;
}
