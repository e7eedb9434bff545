/**
 * Hugging Face's cache layout and environment variables, shared with Python's huggingface_hub so a
 * model downloaded by either is found by both:
 *
 *   {cache}/models--{org}--{name}/blobs/{etag}                  file contents, named by ETag
 *   {cache}/models--{org}--{name}/snapshots/{commit}/{file}     symlink to the blob
 *   {cache}/models--{org}--{name}/refs/{revision}               the commit a branch/tag pointed to
 *
 * {cache} is `cacheDir`, else HF_HUB_CACHE, else $HF_HOME/hub, else $XDG_CACHE_HOME/huggingface/hub,
 * else ~/.cache/huggingface/hub.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export interface HubOptions {
  /** Branch, tag or commit (default "main"). */
  revision?: string;
  /** Cache root, overriding HF_HUB_CACHE / HF_HOME. */
  cacheDir?: string;
  /** Hub URL, overriding HF_ENDPOINT (default https://huggingface.co). */
  endpoint?: string;
  /** Never touch the network; serve from the cache (also HF_HUB_OFFLINE=1). */
  offline?: boolean;
  /** Access token for gated/private repos (default HF_TOKEN). */
  token?: string;
  /** Show download progress (default true). */
  progress?: boolean;
  /** How many times a dropped download is resumed before giving up (default 5). */
  maxRetries?: number;
}

function truthy(v: string | undefined): boolean {
  return v !== undefined && ["1", "true", "yes", "on"].includes(v.trim().toLowerCase());
}

export function hubCacheDir(opts: HubOptions = {}): string {
  if (opts.cacheDir) return opts.cacheDir;
  const env = process.env;
  if (env.HF_HUB_CACHE) return env.HF_HUB_CACHE;
  if (env.HF_HOME) return path.join(env.HF_HOME, "hub");
  const xdg = env.XDG_CACHE_HOME ?? path.join(os.homedir(), ".cache");
  return path.join(xdg, "huggingface", "hub");
}

export function hubEndpoint(opts: HubOptions = {}): string {
  return (opts.endpoint ?? process.env.HF_ENDPOINT ?? "https://huggingface.co").replace(/\/+$/, "");
}

export function hubOffline(opts: HubOptions = {}): boolean {
  return opts.offline ?? truthy(process.env.HF_HUB_OFFLINE);
}

export function repoFolder(repoId: string, opts: HubOptions = {}): string {
  return path.join(hubCacheDir(opts), `models--${repoId.split("/").join("--")}`);
}

const COMMIT = /^[0-9a-f]{40}$/;

/** The cached copy of a file at a revision, if any. */
export function cachedFile(repoId: string, filename: string, opts: HubOptions = {}): string | undefined {
  const folder = repoFolder(repoId, opts);
  const revision = opts.revision ?? "main";
  let commit = revision;
  if (!COMMIT.test(revision)) {
    const ref = path.join(folder, "refs", revision);
    if (!fs.existsSync(ref)) return undefined;
    commit = fs.readFileSync(ref, "utf8").trim();
  }
  const file = path.join(folder, "snapshots", commit, filename);
  return fs.existsSync(file) ? file : undefined;
}

/** Points snapshots/{commit}/{filename} at the blob (a relative symlink, or a copy where links are not allowed). */
export function linkSnapshot(folder: string, commit: string, filename: string, blob: string): string {
  const pointer = path.join(folder, "snapshots", commit, filename);
  fs.mkdirSync(path.dirname(pointer), { recursive: true });
  fs.rmSync(pointer, { force: true });
  try {
    fs.symlinkSync(path.relative(path.dirname(pointer), blob), pointer);
  } catch {
    fs.copyFileSync(blob, pointer);
  }
  return pointer;
}

export function writeRef(folder: string, revision: string, commit: string): void {
  if (revision === commit) return;
  const ref = path.join(folder, "refs", revision);
  fs.mkdirSync(path.dirname(ref), { recursive: true });
  fs.writeFileSync(ref, commit);
}
