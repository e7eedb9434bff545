/**
 * Finding and signalling the kernel's node process, which a wrapper (bwrap, a sandbox script)
 * may hide behind another pid.
 */
import { readdirSync, readFileSync } from "node:fs";

export function killQuietly(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(pid, signal);
    return true;
  } catch {
    return false; // already gone
  }
}

/**
 * Under a wrapper the spawned process is not node. The kernel is the process whose command line
 * starts with this node binary and names this kernel's connection file (unique per kernel);
 * /proc shows it with its host pid even inside a pid namespace. A wrapper that execs node is found
 * too (same pid). Linux only; elsewhere the wrapper gets the signals.
 */
export function findNodePid(configFile: string): number | undefined {
  let entries: string[];
  try {
    entries = readdirSync("/proc").filter((e) => /^\d+$/.test(e));
  } catch {
    return undefined;
  }
  for (const entry of entries) {
    const pid = Number(entry);
    try {
      const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
      if (argv[0] === process.execPath && argv.includes(configFile)) return pid;
    } catch {
      // exited meanwhile, or not ours to read
    }
  }
  return undefined;
}
