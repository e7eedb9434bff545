/** Where the tslab kernel lives: bertlab's own dependency, so the runner works from any folder. */
import path from "node:path";

export function tslabBin(): string {
  // Resolved from this file, not from the caller's cwd: `npx bertlab run` may be started anywhere.
  const pkg = require.resolve("tslab/package.json", { paths: [__dirname] });
  return path.join(path.dirname(pkg), "bin", "tslab");
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
