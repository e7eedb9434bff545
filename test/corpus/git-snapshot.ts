/**
 * Real git repositories laid out as local snapshots (FROM/OWNER+NAME/repo/.git), for the tests of the
 * code that reads them: corpus:build (test/corpus) and bench:finetune-scale's dataset (test/bench).
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

export const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: "test",
  GIT_AUTHOR_EMAIL: "test@example.com",
  GIT_COMMITTER_NAME: "test",
  GIT_COMMITTER_EMAIL: "test@example.com",
  GIT_AUTHOR_DATE: "2026-01-01T00:00:00Z",
  GIT_COMMITTER_DATE: "2026-01-01T00:00:00Z",
};

export function gitRun(dir: string, args: string[]): string {
  const r = spawnSync("git", args, { cwd: dir, env: GIT_ENV, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr}`);
  return r.stdout.trim();
}

/** Commits `files` to FROM/OWNER+NAME/repo (a fresh repository, or a new commit) and returns the commit id. */
export function commitRepo(from: string, repo: string, files: Record<string, string | Buffer>): string {
  const dir = path.join(from, repo.replace("/", "+"), "repo");
  if (!fs.existsSync(path.join(dir, ".git"))) {
    fs.mkdirSync(dir, { recursive: true });
    gitRun(dir, ["init", "-q"]);
  }
  for (const [p, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
    fs.writeFileSync(path.join(dir, p), content);
  }
  gitRun(dir, ["add", "-A"]);
  gitRun(dir, ["commit", "-q", "--allow-empty", "-m", "data"]);
  return gitRun(dir, ["rev-parse", "HEAD"]);
}
