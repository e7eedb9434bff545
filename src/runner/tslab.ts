/** Where the tslab kernel lives: bertlab's own dependency, so the runner works from any folder. */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

export function tslabBin(): string {
  // Resolved from this file, not from the caller's cwd: `npx bertlab run` may be started anywhere.
  const pkg = require.resolve("tslab/package.json", { paths: [__dirname] });
  return path.join(path.dirname(pkg), "bin", "tslab");
}

/** The line patched files start with; the same as MARKER in scripts/patch-tslab.js. */
export const TSLAB_PATCH_MARKER = "// bertlab-tslab-patch 3";
let patchChecked = false;

/**
 * bertlab's fixes to tslab (patches/README.md) are applied by `npm install`. A checkout whose install skipped
 * them (--ignore-scripts) gets them here, once per process, if the patch and its applier are found beside this
 * package; otherwise one warning says how to apply them. Never throws: an unpatched kernel still runs.
 */
export function ensureTslabPatched(): void {
  if (patchChecked) return;
  patchChecked = true;
  try {
    const jupyter = path.join(path.dirname(tslabBin()), "..", "dist", "jupyter.js");
    if (readFileSync(jupyter, "utf8").includes(TSLAB_PATCH_MARKER)) return;
    for (let dir = __dirname, i = 0; i < 5; i++, dir = path.dirname(dir)) {
      const applier = path.join(dir, "scripts", "patch-tslab.js");
      if (existsSync(applier)) {
        // eslint-disable-next-line @typescript-eslint/no-var-requires
        require(applier).applyTslabPatch();
        return;
      }
    }
    process.stderr.write("bertlab: tslab is not patched, so long live output can crash the kernel; run `npm install` (or `node scripts/patch-tslab.js`) in the bertlab checkout\n");
  } catch (e) {
    process.stderr.write(`bertlab: could not patch tslab (${(e as Error).message}); kernels run unpatched\n`);
  }
}

/**
 * Preloaded into the kernel (`node --require`): a kernel whose runner died without cleaning up
 * (SIGKILL, OOM) would otherwise live forever holding its ports. When the parent changes, exit.
 */
export const ORPHAN_GUARD = `// Written by bertlab's notebook runner: exits this kernel once the runner that started it is gone.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid === parent) return;
  // The runner cannot remove its temporary folder any more; try (a sandbox may forbid it).
  try { require("fs").rmSync(__dirname, { recursive: true, force: true }); } catch {}
  process.exit(0);
}, 1000).unref();
`;
