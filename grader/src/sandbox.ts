/**
 * How a submission's kernel is confined. Two layers, the second optional:
 *
 * 1. Node's permission model (always): the kernel may read only node_modules (minus native
 *    packages it has no business loading), the bertlab library, instructor-listed data folders,
 *    its own connection-file folder and its working copy; it may write only its working copy.
 *    No child processes, no worker threads.
 * 2. bubblewrap (when `bwrap` is installed and works): a private /tmp, the gradebook folder, the
 *    assignment source and the other submissions replaced by empty tmpfs mounts, its own PID
 *    namespace. This also covers native code (tslab needs --allow-addons for zeromq), which the
 *    permission model cannot see.
 *
 * Memory: V8's heap is capped with --max-old-space-size and everything else (Buffers, wasm)
 * with RLIMIT_DATA, so a memory bomb ends that kernel, not the machine.
 *
 * The runner writes each kernel's connection file into a fresh temporary folder it names itself,
 * so our wrapper script (below) reads that folder off the command line and grants exactly it.
 */
import { spawnSync } from "child_process";
import { chmodSync, existsSync, lstatSync, readdirSync, realpathSync, writeFileSync } from "fs";
import os from "os";
import path from "path";

export type SandboxMode = "bwrap" | "node" | "none";

export interface SandboxPolicy {
  mode: SandboxMode;
  /** Heap cap for V8, MiB. */
  heapMb: number;
  /** Cap on the data segment (all private writable memory), MiB. */
  dataMb: number;
  /** Extra folders the kernel may read (course data, models). */
  readPaths: string[];
  /** Folders that must be invisible to the kernel (gradebook, assignment source, submissions). */
  hidePaths: string[];
}

export interface KernelSandbox {
  cwd: string;
  /** HOME and TMPDIR point into the working copy: the only place the kernel may write. */
  env: Record<string, string>;
  nodeArgs: string[];
  wrapper: string[];
  describe: string;
}

let bwrapWorks: boolean | null = null;

/** True when bubblewrap is installed and can create namespaces here (containers often forbid it). */
export function bwrapAvailable(): boolean {
  if (bwrapWorks === null) {
    const probe = spawnSync("bwrap", ["--ro-bind", "/", "/", "--unshare-pid", "--die-with-parent", "--", "/bin/true"], { stdio: "ignore", timeout: 10_000 });
    bwrapWorks = probe.status === 0;
  }
  return bwrapWorks;
}

export function chooseMode(requested: SandboxMode | "auto"): SandboxMode {
  if (requested !== "auto") {
    if (requested === "bwrap" && !bwrapAvailable()) throw new Error("--sandbox bwrap: bubblewrap is not installed or cannot create namespaces here (apt-get install bubblewrap)");
    return requested;
  }
  return bwrapAvailable() ? "bwrap" : "node";
}

/** Where tslab, bertlab and their dependencies live, as real paths. */
export function libraryRoots(): { nodeModules: string; bertlab: string } {
  const tslabPkg = realpathSync(require.resolve("tslab/package.json", { paths: [__dirname] }));
  const nodeModules = path.dirname(path.dirname(tslabPkg));
  const bertlabPkg = realpathSync(require.resolve("bertlab/package.json", { paths: [__dirname] }));
  return { nodeModules, bertlab: path.dirname(bertlabPkg) };
}

// sh, not node: it must run before the kernel's node exists. Arguments:
//   <mode> <data-limit-KiB> <workdir> <hidden-paths, ":"-separated> <exposed-paths, ":"-separated>
//   -- <node> <node args...> --config-path <file>
// Exposed paths are readable folders (node_modules, the library, data/) that lie under /tmp: the
// sandbox's private /tmp would hide them, so they are bound back read-only before the hidden ones are emptied.
const WRAPPER_SCRIPT = `#!/bin/sh
# Written by bertlab-grader: starts one tslab kernel inside the grading sandbox.
mode="$1"; datakb="$2"; work="$3"; hide="$4"; expose="$5"; shift 5
[ "$1" = "--" ] && shift
node="$1"; shift
for last in "$@"; do :; done
rt=$(dirname "$last")
ulimit -d "$datakb" 2>/dev/null || ulimit -v "$datakb"
if [ "$mode" = "bwrap" ]; then
  set -- --die-with-parent --unshare-pid --unshare-ipc --unshare-uts --ro-bind / / --dev /dev --proc /proc --tmpfs /tmp \\
    $(IFS=:; for e in $expose; do [ -e "$e" ] && printf -- '--ro-bind %s %s ' "$e" "$e"; done) \\
    $(IFS=:; for h in $hide; do if [ -d "$h" ]; then printf -- '--tmpfs %s ' "$h"; elif [ -f "$h" ]; then printf -- '--ro-bind /dev/null %s ' "$h"; fi; done) \\
    --ro-bind "$rt" "$rt" --bind "$work" "$work" --chdir "$work" -- "$node" --allow-fs-read="$rt" "$@"
  # bwrap's --die-with-parent does not survive its privilege changes, and inside the PID namespace the
  # runner's orphan guard cannot see the grader: watch the grader from here and kill the sandbox if it dies.
  parent=$PPID
  trap '' INT
  bwrap "$@" &
  child=$!
  ( while kill -0 "$parent" 2>/dev/null && kill -0 "$child" 2>/dev/null; do sleep 1; done; kill -KILL "$child" 2>/dev/null ) &
  watchdog=$!
  wait "$child"
  code=$?
  kill "$watchdog" 2>/dev/null
  exit "$code"
fi
exec "$node" --allow-fs-read="$rt" "$@"
`;

/** Writes the wrapper script once per grading run. */
export function installWrapper(dir: string): string {
  const file = path.join(dir, "kernel-sandbox.sh");
  writeFileSync(file, WRAPPER_SCRIPT, "utf8");
  chmodSync(file, 0o755);
  return file;
}

function permissionArgs(policy: SandboxPolicy, work: string): string[] {
  const { nodeModules, bertlab } = libraryRoots();
  const reads = new Set<string>([work]);
  // All of node_modules: TypeScript resolves a package's own dependencies by looking in the node_modules
  // folders above it, and skips any folder it may not stat. Native packages in it (better-sqlite3...)
  // stay unusable: the grader's first cell disables loading addons.
  reads.add(nodeModules);
  reads.add("/etc/alpine-release"); // zeromq's loader probes it to tell musl from glibc
  reads.add(bertlab); // the library: its compiled code, its native GEMM addon, nothing secret
  for (const p of policy.readPaths) if (existsSync(p)) reads.add(realpathSync(p));
  return [
    "--experimental-permission",
    ...[...reads].map((p) => `--allow-fs-read=${p}`),
    `--allow-fs-write=${work}`,
    "--allow-addons", // zeromq, tslab's transport
    "--disable-warning=ExperimentalWarning",
    "--disable-warning=SecurityWarning", // the --allow-addons notice, on every start
  ];
}

/** Readable folders that a private /tmp would hide (a checkout under /tmp, as CI clones may be). */
function readableUnderTmp(policy: SandboxPolicy): string[] {
  const { nodeModules, bertlab } = libraryRoots();
  const tmp = realpathSync("/tmp");
  const readable = [nodeModules, bertlab, ...policy.readPaths.filter((p) => existsSync(p)).map((p) => realpathSync(p))];
  return readable.filter((p) => p === tmp || p.startsWith(tmp + path.sep));
}

/**
 * The kernel options for one submission whose working copy is `work` (created by the caller).
 * Checks that nothing readable contains a hidden path, so a mistyped --allow-read cannot expose the gradebook.
 */
export function kernelSandbox(policy: SandboxPolicy, wrapperScript: string, work: string): KernelSandbox {
  const memory = [`--max-old-space-size=${policy.heapMb}`];
  const env = { HOME: work, TMPDIR: work, XDG_CACHE_HOME: path.join(work, ".cache") };
  if (policy.mode === "none") return { cwd: work, env, nodeArgs: memory, wrapper: [], describe: "no sandbox (--sandbox none)" };
  const hidden = policy.hidePaths.filter((p) => existsSync(p)).map((p) => realpathSync(p));
  for (const readable of policy.readPaths.filter((p) => existsSync(p)).map((p) => realpathSync(p))) {
    for (const h of hidden) {
      if (h === readable || h.startsWith(readable + path.sep)) throw new Error(`--allow-read ${readable} would expose ${h}, which grading must keep hidden`);
    }
  }
  const wrapper = ["/bin/sh", wrapperScript, policy.mode, String(policy.dataMb * 1024), work, hidden.join(":"), readableUnderTmp(policy).join(":"), "--"];
  return {
    cwd: work,
    env,
    nodeArgs: [...memory, ...permissionArgs(policy, work)],
    wrapper,
    describe: policy.mode === "bwrap" ? "bubblewrap + Node permission model" : "Node permission model (bubblewrap not available)",
  };
}

/**
 * Node checks permissions on the path as written, then the OS follows symlinks. The working copy's
 * node_modules link (and npm workspace links inside node_modules) therefore let `link/../x` reach
 * the folder above the link's target. With bubblewrap the hidden folders are empty mounts, so this
 * does not matter; with the permission model alone, it returns the hidden folders left readable.
 */
export function exposedByLinks(hidePaths: string[]): string[] {
  const { nodeModules } = libraryRoots();
  const roots = new Set<string>([path.dirname(nodeModules)]);
  for (const entry of readdirSync(nodeModules)) {
    const full = path.join(nodeModules, entry);
    try {
      if (lstatSync(full).isSymbolicLink()) roots.add(path.dirname(realpathSync(full)));
    } catch {
      // a dangling link exposes nothing
    }
  }
  return hidePaths.filter((h) => existsSync(h) && [...roots].some((r) => realpathSync(h).startsWith(r + path.sep)));
}

/** The course's data/ and models/ folders, next to node_modules: what exercise notebooks read. */
export function courseReadPaths(): string[] {
  const root = path.dirname(libraryRoots().nodeModules);
  return ["data", "models"].map((d) => path.join(root, d)).filter((d) => existsSync(d));
}

export function defaultPolicy(mode: SandboxMode): SandboxPolicy {
  const totalMb = Math.floor(os.totalmem() / 2 ** 20);
  return { mode, heapMb: Math.min(2048, Math.max(256, Math.floor(totalMb / 8))), dataMb: Math.min(4096, Math.max(1024, Math.floor(totalMb / 4))), readPaths: courseReadPaths(), hidePaths: [] };
}
