/**
 * Downloading one file from the Hugging Face Hub into the shared cache: HEAD for the commit, ETag
 * and size, then a GET that resumes with `Range` after a dropped connection, a size check, and a
 * content check when the ETag is a hash (sha256 for LFS files, git's blob sha1 for small ones).
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { createProgress } from "../progress";
import { cachedFile, HubOptions, hubEndpoint, hubOffline, linkSnapshot, repoFolder, writeRef } from "./cache";

export class HubError extends Error {
  /** True when the file does not exist (HTTP 404) or, offline, is not in the cache. */
  readonly missing: boolean;
  constructor(message: string, readonly status?: number, missing = status === 404) {
    super(message);
    this.name = "HubError";
    this.missing = missing;
  }
}

interface FileMetadata {
  commit: string;
  etag: string;
  size: number;
  /** Where the GET goes (LFS files redirect to a CDN). */
  downloadUrl: string;
}

function fileUrl(endpoint: string, repoId: string, revision: string, filename: string): string {
  const file = filename.split("/").map(encodeURIComponent).join("/");
  return `${endpoint}/${repoId}/resolve/${encodeURIComponent(revision)}/${file}`;
}

function headers(opts: HubOptions, extra: Record<string, string> = {}): Record<string, string> {
  const token = opts.token ?? process.env.HF_TOKEN;
  return { "user-agent": "bertlab", ...(token ? { authorization: `Bearer ${token}` } : {}), ...extra };
}

function normaliseEtag(etag: string | null): string | undefined {
  return etag ? etag.replace(/^W\//, "").replace(/^"|"$/g, "") : undefined;
}

function describeFailure(status: number, errorCode: string | null, repoId: string, filename: string, revision: string, url: string): string {
  const where = `${repoId}/${filename} at revision "${revision}"`;
  if (status === 404) {
    if (errorCode === "RepoNotFound") return `Hugging Face Hub: repo "${repoId}" not found (HTTP 404 from ${url})`;
    if (errorCode === "RevisionNotFound") return `Hugging Face Hub: repo "${repoId}" has no revision "${revision}" (HTTP 404 from ${url})`;
    return `Hugging Face Hub: repo "${repoId}" has no file "${filename}" at revision "${revision}" (HTTP 404 from ${url})`;
  }
  if (status === 401 || status === 403) return `Hugging Face Hub: access to ${where} denied (HTTP ${status}); gated or private repos need HF_TOKEN`;
  return `Hugging Face Hub: HTTP ${status} for ${where} (${url})`;
}

async function fetchMetadata(repoId: string, filename: string, revision: string, opts: HubOptions): Promise<FileMetadata> {
  let url = fileUrl(hubEndpoint(opts), repoId, revision, filename);
  for (let hop = 0; hop < 5; hop++) {
    const res = await fetch(url, { method: "HEAD", redirect: "manual", headers: headers(opts, { "accept-encoding": "identity" }) });
    const location = res.headers.get("location");
    const linkedEtag = res.headers.get("x-linked-etag");
    // A redirect to another host is the LFS CDN: the Hub already told us etag and size; stop here.
    if (res.status >= 300 && res.status < 400 && location && !linkedEtag) {
      url = new URL(location, url).toString();
      continue;
    }
    if (!res.ok && !(res.status >= 300 && res.status < 400)) {
      throw new HubError(describeFailure(res.status, res.headers.get("x-error-code"), repoId, filename, revision, url), res.status);
    }
    const etag = normaliseEtag(linkedEtag ?? res.headers.get("etag"));
    const size = Number(res.headers.get("x-linked-size") ?? res.headers.get("content-length"));
    if (!etag) throw new HubError(`Hugging Face Hub: no ETag for ${repoId}/${filename} from ${url}; cannot cache it`);
    if (!Number.isSafeInteger(size) || size < 0) throw new HubError(`Hugging Face Hub: no file size for ${repoId}/${filename} from ${url}`);
    const commit = res.headers.get("x-repo-commit") ?? revision;
    return { commit, etag, size, downloadUrl: location ? new URL(location, url).toString() : url };
  }
  throw new HubError(`Hugging Face Hub: too many redirects for ${repoId}/${filename}`);
}

/** A stalled connection (no bytes for this long) counts as dropped, and is resumed. */
const IDLE_TIMEOUT_MS = 60_000;

/** Appends the rest of the file to `partial`, resuming from its current size. Throws if the connection drops. */
async function downloadOnce(meta: FileMetadata, partial: string, opts: HubOptions, onBytes: (n: number) => void): Promise<void> {
  let start = fs.existsSync(partial) ? fs.statSync(partial).size : 0;
  if (start > meta.size) {
    fs.truncateSync(partial, 0);
    start = 0;
  }
  if (start === meta.size) return;
  const abort = new AbortController();
  let idle = setTimeout(() => abort.abort(new Error(`no data for ${IDLE_TIMEOUT_MS / 1000} s`)), IDLE_TIMEOUT_MS);
  const touch = () => {
    clearTimeout(idle);
    idle = setTimeout(() => abort.abort(new Error(`no data for ${IDLE_TIMEOUT_MS / 1000} s`)), IDLE_TIMEOUT_MS);
  };
  try {
    // identity encoding: byte ranges must refer to the file itself, not to a compressed stream.
    const extra: Record<string, string> = { "accept-encoding": "identity", ...(start > 0 ? { range: `bytes=${start}-` } : {}) };
    const res = await fetch(meta.downloadUrl, { headers: headers(opts, extra), signal: abort.signal });
    if (res.status === 200 && start > 0) {
      fs.truncateSync(partial, 0); // the server ignored Range: start over
      start = 0;
    } else if (res.status !== 200 && res.status !== 206) {
      throw new HubError(`Hugging Face Hub: HTTP ${res.status} while downloading ${meta.downloadUrl}`, res.status);
    }
    onBytes(start);
    if (!res.body) throw new Error(`empty response body from ${meta.downloadUrl}`);
    const fd = fs.openSync(partial, start > 0 ? "a" : "w");
    let written = start;
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        touch();
        fs.writeSync(fd, chunk);
        written += chunk.length;
        onBytes(written);
      }
    } finally {
      fs.closeSync(fd);
    }
  } finally {
    clearTimeout(idle);
  }
}

async function fileHash(file: string, algorithm: "sha256" | "sha1", prefix?: string): Promise<string> {
  const hash = crypto.createHash(algorithm);
  if (prefix) hash.update(prefix);
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/** Checks what the ETag promises: sha256 of the content (LFS), or git's blob sha1. */
async function verifyContent(file: string, meta: FileMetadata, label: string): Promise<void> {
  const size = fs.statSync(file).size;
  if (size !== meta.size) throw new HubError(`download of ${label} is ${size} bytes but the Hub announced ${meta.size}`);
  let actual: string | undefined;
  if (/^[0-9a-f]{64}$/.test(meta.etag)) actual = await fileHash(file, "sha256");
  else if (/^[0-9a-f]{40}$/.test(meta.etag)) actual = await fileHash(file, "sha1", `blob ${size}\0`);
  if (actual !== undefined && actual !== meta.etag) {
    throw new HubError(`download of ${label} is corrupt: its hash is ${actual} but the Hub's ETag is ${meta.etag}`);
  }
}

/**
 * The local path of `filename` from Hub repo `repoId`, downloading it into the cache if needed.
 * Offline (option or HF_HUB_OFFLINE) or when the Hub cannot be reached, a cached copy is used.
 */
export async function resolveHubFile(repoId: string, filename: string, opts: HubOptions = {}): Promise<string> {
  const revision = opts.revision ?? "main";
  const label = `${repoId}/${filename}`;
  if (hubOffline(opts)) {
    const cached = cachedFile(repoId, filename, opts);
    if (cached) return cached;
    throw new HubError(`offline mode: ${label} (revision "${revision}") is not in the cache at ${repoFolder(repoId, opts)}`, undefined, true);
  }
  let meta: FileMetadata;
  try {
    meta = await fetchMetadata(repoId, filename, revision, opts);
  } catch (error) {
    if (error instanceof HubError) throw error;
    // The Hub is unreachable: fall back to the cache, as huggingface_hub does.
    const cached = cachedFile(repoId, filename, opts);
    if (cached) return cached;
    const cause = (error as Error & { cause?: Error }).cause?.message ?? (error as Error).message;
    throw new HubError(`cannot reach the Hugging Face Hub at ${hubEndpoint(opts)} for ${label} (${cause}) and it is not in the cache`, undefined, true);
  }
  const folder = repoFolder(repoId, opts);
  const blob = path.join(folder, "blobs", meta.etag);
  writeRef(folder, revision, meta.commit);
  if (fs.existsSync(blob) && fs.statSync(blob).size === meta.size) return linkSnapshot(folder, meta.commit, filename, blob);

  fs.mkdirSync(path.dirname(blob), { recursive: true });
  const partial = `${blob}.incomplete`;
  const progress = createProgress({ label, total: meta.size, unit: "B", mode: opts.progress === false ? "silent" : undefined });
  const maxRetries = opts.maxRetries ?? 5;
  for (let attempt = 0; ; attempt++) {
    try {
      await downloadOnce(meta, partial, opts, (n) => progress.update(n));
      break;
    } catch (error) {
      if (error instanceof HubError || attempt >= maxRetries) {
        progress.finish("failed");
        const reason = (error as Error & { cause?: Error }).cause?.message ?? (error as Error).message;
        throw error instanceof HubError ? error : new HubError(`download of ${label} failed after ${attempt + 1} attempts: ${reason}`);
      }
      await new Promise((r) => setTimeout(r, Math.min(2000, 100 * 2 ** attempt)));
    }
  }
  try {
    await verifyContent(partial, meta, label);
  } catch (error) {
    fs.rmSync(partial, { force: true });
    progress.finish("failed");
    throw error;
  }
  fs.renameSync(partial, blob);
  progress.finish();
  return linkSnapshot(folder, meta.commit, filename, blob);
}
