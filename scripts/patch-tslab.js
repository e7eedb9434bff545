#!/usr/bin/env node
/**
 * Applies patches/tslab+<version>.patch to node_modules/tslab, run by scripts/postinstall.js (npm install) and,
 * when it finds tslab unpatched, by bertlab's notebook runner.
 *
 * The patch is a unified diff in patch-package's layout (a/node_modules/tslab/... b/node_modules/tslab/...), so
 * `patch -p1 < patches/tslab+1.0.22.patch` or patch-package apply it too. What it changes, and why, is in
 * patches/README.md. Applying is idempotent: patched files carry the marker line `// bertlab-tslab-patch N`.
 *
 * It fails loudly, never half-way: if the installed tslab is another version than the patch was made for, or a
 * hunk does not match, nothing is written and the error says what to do.
 */
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "..");
const PATCH_DIR = path.join(ROOT, "patches");
const MARKER_PREFIX = "// bertlab-tslab-patch ";
/** The revision of the patch; src/runner/tslab.ts checks for the same line. Bump both when the patch changes. */
const MARKER = `${MARKER_PREFIX}3`;

class TslabPatchError extends Error {}

/** The patch file for tslab and the tslab version it was made for. */
function patchFile() {
  const names = fs.readdirSync(PATCH_DIR).filter((n) => /^tslab\+.+\.patch$/.test(n));
  if (names.length !== 1) throw new TslabPatchError(`expected one patches/tslab+<version>.patch, found ${names.length}`);
  return { file: path.join(PATCH_DIR, names[0]), version: names[0].slice("tslab+".length, -".patch".length) };
}

function tslabDir(root = ROOT) {
  return path.dirname(require.resolve("tslab/package.json", { paths: [root] }));
}

/** Parses a unified diff into files, each with hunks of old and new lines. */
function parsePatch(text) {
  const files = [];
  let file;
  let hunk;
  for (const line of text.split("\n")) {
    if (line.startsWith("diff ")) {
      file = undefined;
      hunk = undefined;
    } else if (line.startsWith("+++ ")) {
      file = { path: line.slice(4).trim().replace(/^b\//, ""), hunks: [] };
      files.push(file);
    } else if (line.startsWith("--- ")) {
      // the old name: the same file
    } else if (line.startsWith("@@")) {
      const m = /^@@ -(\d+)(?:,\d+)? \+\d+(?:,\d+)? @@/.exec(line);
      if (!m || !file) throw new TslabPatchError(`malformed hunk header: ${line}`);
      hunk = { oldStart: Number(m[1]), old: [], new: [] };
      file.hunks.push(hunk);
    } else if (hunk && (line.startsWith(" ") || line.startsWith("-") || line.startsWith("+"))) {
      const body = line.slice(1);
      if (line[0] !== "+") hunk.old.push(body);
      if (line[0] !== "-") hunk.new.push(body);
    } else if (hunk && line === "\\ No newline at end of file") {
      // the files here end with a newline; nothing to do
    }
  }
  return files;
}

/** Applies the hunks in order; each must match exactly, at its line or (if the file moved) at a unique place after the previous hunk. */
function applyHunks(source, hunks, name) {
  const lines = source.split("\n");
  const out = [];
  let at = 0;
  for (const [i, hunk] of hunks.entries()) {
    const matches = (start) => hunk.old.every((l, k) => lines[start + k] === l);
    let start = hunk.oldStart - 1;
    if (start < at || !matches(start)) {
      const found = [];
      for (let s = at; s + hunk.old.length <= lines.length; s++) if (matches(s)) found.push(s);
      if (found.length !== 1) throw new TslabPatchError(`hunk ${i + 1} of ${name} does not apply (${found.length} matches)`);
      start = found[0];
    }
    out.push(...lines.slice(at, start), ...hunk.new);
    at = start + hunk.old.length;
  }
  out.push(...lines.slice(at));
  return out.join("\n");
}

/**
 * "applied" (already, or now), or throws TslabPatchError. With `check`, writes nothing and reports
 * "applied" or "missing".
 */
function applyTslabPatch({ root = ROOT, check = false } = {}) {
  const { file, version } = patchFile();
  const dir = tslabDir(root);
  const installed = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")).version;
  if (installed !== version) {
    throw new TslabPatchError(
      `node_modules/tslab is ${installed}, but patches/ holds the patch for tslab ${version}. ` +
        `Install tslab@${version} (npm install), or port ${path.relative(ROOT, file)} to tslab ${installed} (see patches/README.md).`,
    );
  }
  const files = parsePatch(fs.readFileSync(file, "utf8"));
  const results = [];
  for (const f of files) {
    const target = path.join(dir, f.path.replace(/^node_modules\/tslab\//, ""));
    const source = fs.readFileSync(target, "utf8");
    if (source.includes(MARKER)) continue;
    if (source.includes(MARKER_PREFIX)) {
      throw new TslabPatchError(
        `${f.path} carries an older revision of bertlab's tslab patch. Reinstall tslab so that the current one can be applied: ` +
          `rm -rf node_modules/tslab && npm install`,
      );
    }
    results.push({ target, text: applyHunks(source, f.hunks, f.path) });
  }
  if (check) return results.length === 0 ? "applied" : "missing";
  // Every hunk matched before anything is written: a failed patch leaves tslab as it was.
  for (const { target, text } of results) {
    const tmp = `${target}.bertlab-${process.pid}`;
    fs.writeFileSync(tmp, text);
    fs.renameSync(tmp, target);
  }
  return "applied";
}

module.exports = { applyTslabPatch, TslabPatchError, MARKER, parsePatch, applyHunks };

if (require.main === module) {
  try {
    applyTslabPatch();
    console.log("bertlab: tslab is patched (patches/README.md says what the patch changes).");
  } catch (e) {
    console.error(`bertlab: could not patch tslab: ${e.message}`);
    process.exitCode = 1;
  }
}
