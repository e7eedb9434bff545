/**
 * What the grader's preamble locks, besides the harness's own modules (grading.ts), so that test cells
 * keep their own tools whatever a student's cell does first:
 *
 * - **Built-in methods tests use** (Array.prototype.every, Object.keys, Math.abs, ...) become read-only:
 *   a student cell that sets `Array.prototype.every = () => true` changes nothing.
 * - **TypeScript's emit helpers.** tslab runs cells as sloppy-mode functions, where TypeScript's
 *   `var __importDefault = (this && this.__importDefault) || function ...` reads the helper from the
 *   global object. A global `__importDefault` planted by a student would hand every later
 *   `import assert from "node:assert"` a fake; the preamble pins these globals to `undefined`.
 * - **Modules tests import** (bertlab, TensorFlow.js, bertlab/check): as each finishes loading, its
 *   entry in `require.cache` is pinned and its exports are frozen, so neither `require.cache[...] = ...`
 *   nor `require("bertlab/dist/...").maskTokens = fake` reaches a test cell's `import`. bertlab's
 *   functions get their delegation guards (reference.ts) just before freezing.
 */
import { guardExports } from "./reference";

type Dict = Record<string | symbol, unknown>;

/**
 * Built-ins whose methods tests (and node:assert) call. Not Object.prototype, Error.prototype or all of
 * Function.prototype: older compiled libraries assign `X.prototype.toString = ...`, which fails once the
 * inherited property is read-only (JavaScript's "override mistake").
 */
function intrinsics(): Array<[object, ReadonlyArray<string | symbol> | null]> {
  return [
    [Array.prototype, null], [Array, null],
    [Object, null],
    [String.prototype, null], [String, null],
    [Number, null],
    [Map.prototype, null], [Set.prototype, null],
    // Math.random stays writable: tests that train a model (exercise 06) seed tfjs's unseeded draws by
    // swapping it for a seeded stream while they train.
    [Math, Reflect.ownKeys(Math).filter((k) => k !== "random")], [Reflect, null], [JSON, null],
    [Function.prototype, ["call", "apply", "bind"]],
    [Object.getPrototypeOf(Float32Array.prototype) as object, null],
    [Promise.prototype, ["then", "catch", "finally"]],
  ];
}

/** Makes every existing method of the built-ins read-only and not reconfigurable. New properties may still be added. */
export function lockIntrinsics(): void {
  for (const [target, only] of intrinsics()) {
    for (const key of only ?? Reflect.ownKeys(target)) {
      if (key === "constructor" || key === "prototype") continue;
      const d = Object.getOwnPropertyDescriptor(target, key);
      if (!d || !d.configurable) continue;
      if ("value" in d) {
        if (typeof d.value !== "function") continue;
        try {
          Object.defineProperty(target, key, { value: d.value, writable: false, configurable: false, enumerable: d.enumerable });
        } catch {
          // leave what refuses
        }
      } else {
        try {
          Object.defineProperty(target, key, { get: d.get, set: d.set, configurable: false, enumerable: d.enumerable });
        } catch {
          // leave what refuses
        }
      }
    }
  }
}

const TS_HELPERS = [
  "__extends", "__assign", "__rest", "__decorate", "__param", "__metadata", "__awaiter", "__generator", "__exportStar",
  "__values", "__read", "__spread", "__spreadArrays", "__spreadArray", "__await", "__asyncGenerator", "__asyncDelegator",
  "__asyncValues", "__makeTemplateObject", "__importStar", "__importDefault", "__classPrivateFieldGet",
  "__classPrivateFieldSet", "__classPrivateFieldIn", "__createBinding", "__setModuleDefault", "__esDecorate",
  "__runInitializers", "__propKey", "__setFunctionName", "__addDisposableResource", "__disposeResources",
];

/** Pins TypeScript's helper names on the global object to undefined, so cells always use their own inline helpers. */
export function lockTsHelpers(): void {
  const g = globalThis as unknown as Dict;
  for (const name of TS_HELPERS) {
    const d = Object.getOwnPropertyDescriptor(g, name);
    if (d && !d.configurable) continue;
    Object.defineProperty(g, name, { value: undefined, writable: false, configurable: false, enumerable: false });
  }
}

interface CachedModule {
  loaded: boolean;
  exports: unknown;
}

/** A namespace object (tf.layers, tf.losses, ...): a plain object whose values are all functions. */
function isNamespace(value: unknown): value is Dict {
  if (!value || typeof value !== "object" || Object.isFrozen(value)) return false;
  const proto = Object.getPrototypeOf(value);
  if (proto !== null && proto !== Object.prototype) return false;
  const keys = Object.keys(value);
  return keys.length > 0 && keys.every((k) => typeof (value as Dict)[k] === "function");
}

export interface ModuleSeal {
  /** Seals every module that has finished loading since the last call. */
  sealLoaded(): void;
}

/**
 * Pins and freezes modules under `bertlabRoot` (guarding bertlab's functions first) and TensorFlow.js's
 * packages. `cache` is Node's require.cache.
 */
export function moduleSeal(cache: Record<string, CachedModule | undefined>, bertlabRoot: string, sep: string): ModuleSeal {
  const sealed = new Set<string>();
  const check = `${bertlabRoot}dist${sep}check${sep}`;
  const tfjs = `${sep}node_modules${sep}@tensorflow${sep}`;
  let seen = -1;
  return {
    sealLoaded(): void {
      const files = Object.keys(cache);
      if (files.length === seen) return;
      let pending = false;
      for (const file of files) {
        if (sealed.has(file)) continue;
        const ours = file.startsWith(bertlabRoot) && !file.includes(`${sep}node_modules${sep}`);
        const tf = file.includes(tfjs);
        if (!ours && !tf) {
          sealed.add(file);
          continue;
        }
        const mod = cache[file];
        if (!mod) continue;
        if (!mod.loaded) {
          pending = true; // still loading (a require cycle): next time
          continue;
        }
        sealed.add(file);
        const exports = mod.exports as Dict;
        if (exports && (typeof exports === "object" || typeof exports === "function")) {
          if (ours && !file.startsWith(check)) guardExports(exports as Record<string, unknown>);
          if (tf) for (const key of Object.keys(exports)) if (isNamespace(exports[key])) Object.freeze(exports[key]);
          Object.freeze(exports);
        }
        try {
          Object.freeze(mod);
          Object.defineProperty(cache, file, { value: mod, writable: false, configurable: false, enumerable: true });
        } catch {
          // leave what refuses
        }
      }
      seen = pending ? -1 : files.length;
    },
  };
}
