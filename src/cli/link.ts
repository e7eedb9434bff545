/**
 * `bertlab link [DIR]`: lets notebooks in a folder outside the course checkout import `bertlab` and `bertlab/check`.
 *
 * tslab compiles each cell with TypeScript's Node10 resolution from the notebook's folder, so a copy of an exercise
 * in ~/homework finds no `bertlab`. This writes DIR/node_modules/bertlab as a symbolic link to this installed
 * package; TypeScript and Node follow it to the real files, whose own dependencies (TensorFlow.js) resolve from the
 * install. It never replaces a real folder or another link.
 */
import fs from "node:fs";
import path from "node:path";
import type { Command } from "./main";
import { parseCommand, usageError } from "./options";

const usage = (): string => `usage: bertlab link [DIR]

Lets notebooks in DIR (default: the current folder) import bertlab and bertlab/check, by linking
DIR/node_modules/bertlab to this installation (${packageRoot()}).`;

/** The folder holding bertlab's package.json (src/ in a checkout), found upward from this file. */
export function packageRoot(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const pkg = path.join(dir, "package.json");
    if (fs.existsSync(pkg) && (JSON.parse(fs.readFileSync(pkg, "utf8")) as { name?: string }).name === "bertlab") return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json named "bertlab" above ${__dirname}`);
  }
}

export type LinkOutcome = "created" | "already linked";

/** Links `dir`/node_modules/bertlab to `target`; throws, naming the path, if something else is there. */
export function linkBertlab(dir: string, target: string = packageRoot()): LinkOutcome {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new Error(`${dir} is not a folder`);
  const link = path.join(dir, "node_modules", "bertlab");
  let existing: fs.Stats | undefined;
  try {
    existing = fs.lstatSync(link);
  } catch {
    existing = undefined;
  }
  if (existing) {
    if (existing.isSymbolicLink()) {
      const points = path.resolve(path.dirname(link), fs.readlinkSync(link));
      if (fs.existsSync(points) && fs.realpathSync(points) === fs.realpathSync(target)) return "already linked";
      throw new Error(`${link} already links to ${points}; remove it first if this installation should replace it`);
    }
    throw new Error(`${link} already exists and is not a link (an npm-installed bertlab?); it was left as it is`);
  }
  fs.mkdirSync(path.dirname(link), { recursive: true });
  // "junction" is ignored off Windows, where it lets a link be made without administrator rights.
  fs.symlinkSync(target, link, "junction");
  return "created";
}

export const command: Command = {
  summary: "let notebooks in a folder outside the checkout import bertlab (links DIR/node_modules/bertlab)",
  async run(argv) {
    const parsed = parseCommand(argv, { command: "link", help: usage, options: {}, allowPositionals: true });
    if ("exitCode" in parsed) return parsed.exitCode;
    const { positionals } = parsed;
    if (positionals.length > 1) return usageError("link", `expected at most one folder, got ${positionals.join(" ")}`, usage);
    const dir = path.resolve(positionals[0] ?? ".");
    try {
      const outcome = linkBertlab(dir);
      console.log(outcome === "created" ? `linked ${path.join(dir, "node_modules", "bertlab")} -> ${packageRoot()}; notebooks in ${dir} can import bertlab` : `${dir} already uses this bertlab`);
      return 0;
    } catch (e) {
      console.error(`bertlab link: ${e instanceof Error ? e.message : String(e)}`);
      return 1;
    }
  },
};
