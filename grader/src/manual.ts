/**
 * People's scores: `bertlab-grader override` for one autograded question, and `bertlab-grader
 * manual`, a grading page for free-text answers (nbgrader's "manually graded answer" cells),
 * served on 127.0.0.1 only. Both write to the gradebook's adjustments with who and when; a regrade
 * keeps them.
 */
import { randomBytes, timingSafeEqual } from "crypto";
import http from "http";
import os from "os";
import path from "path";
import MarkdownIt from "markdown-it";
import { escapeHtml } from "./feedback";
import { Gradebook } from "./gradebook";
import { writeCsv } from "./report";
import { selectNotebooks } from "./spec";
import { studentId } from "./submissions";

/** Who is grading: $BERTLAB_GRADER_USER, else the login name. */
export function currentUser(): string {
  const env = process.env.BERTLAB_GRADER_USER?.trim();
  if (env) return env;
  try {
    return os.userInfo().username;
  } catch {
    return "unknown";
  }
}

function notebookIn(book: Gradebook, student: string, notebook: string): string {
  const names = (book.db.prepare("SELECT DISTINCT notebook FROM grades ORDER BY notebook").all() as { notebook: string }[]).map((r) => r.notebook);
  if (names.length === 0) throw new Error(`${book.file} holds no grades yet`);
  return selectNotebooks(names, [notebook], `override ${student} ${notebook}`)[0];
}

export interface OverrideRequest {
  out: string;
  student: string;
  notebook: string;
  question: string;
  points: number;
  reason: string;
  by?: string;
}

/** Sets a question's points by hand and rewrites grades.csv; returns the effective row. */
export async function override(req: OverrideRequest): Promise<{ student: string; notebook: string; question: string; points: number; was: number; max: number }> {
  if (!req.reason.trim()) throw new Error("override: --reason is required: say why the score changes (it is shown to the student)");
  if (!Number.isFinite(req.points)) throw new Error(`override: points "${req.points}" is not a number`);
  const book = new Gradebook(path.join(req.out, "gradebook.sqlite"));
  try {
    const student = studentId(req.student);
    const notebook = notebookIn(book, student, req.notebook);
    book.setAdjustment({ kind: "override", submission: student, notebook, gradeId: req.question, points: req.points, reason: req.reason.trim(), by: req.by ?? currentUser(), at: new Date().toISOString() });
    await writeCsv(path.join(req.out, "grades.csv"), book.rows());
    const row = book.rows().find((r) => r.submission === student && r.notebook === notebook && r.gradeId === req.question)!;
    return { student, notebook, question: req.question, points: row.points, was: row.adjustment?.autoPoints ?? row.points, max: row.maxPoints };
  } finally {
    book.close();
  }
}

export interface ManualItem {
  submission: string;
  display: string;
  notebook: string;
  gradeId: string;
  maxPoints: number;
  /** The student's answer: the cell's source as handed in. */
  answer: string;
  cellType: string;
  points: number | null;
  comment: string;
  by: string;
  at: string;
}

/** Every manually graded answer in the gradebook, graded or not. */
export function manualItems(book: Gradebook): ManualItem[] {
  const display = new Map(book.students().map((s) => [s.id, s.display]));
  const items: ManualItem[] = [];
  for (const r of book.records()) {
    for (const q of r.rows) {
      if (q.status !== "manual") continue;
      const cell = r.cells.find((c) => c.gradeId === q.gradeId && !c.question);
      const a = q.adjustment?.kind === "manual" ? q.adjustment : undefined;
      items.push({
        submission: r.submission,
        display: display.get(r.submission) ?? r.submission,
        notebook: r.notebook,
        gradeId: q.gradeId,
        maxPoints: q.maxPoints,
        answer: cell?.source ?? "",
        cellType: cell?.cellType ?? "markdown",
        points: a ? a.points : null,
        comment: a?.reason ?? "",
        by: a?.by ?? "",
        at: a?.at ?? "",
      });
    }
  }
  return items;
}

const md = new MarkdownIt({ html: false, linkify: false });

const PAGE_STYLE = `*{box-sizing:border-box}body{font-family:system-ui,sans-serif;max-width:min(100%,60rem);margin:1rem auto;padding:0 1rem}
.item{border:1px solid #ddd;border-radius:6px;padding:.8rem;margin:1rem 0}.item.done{border-left:6px solid #137333}.item.todo{border-left:6px solid #f9a825}
.answer{background:#f6f8fa;padding:.5rem;border-radius:4px;overflow-x:auto}pre{white-space:pre-wrap}
label{display:inline-block;margin:.3rem 1rem .3rem 0}input[type=number]{width:6rem}textarea{width:100%;min-height:3rem}
.status{font-size:.85rem;color:#555}.error{color:#b3261e}`;

/** The grading page. Answers are rendered from Markdown without raw HTML, so a student's answer cannot run script here. */
export function manualPage(items: ManualItem[], token: string): string {
  const blocks = items
    .map((it, i) => {
      const answer = it.cellType === "markdown" ? md.render(it.answer) : `<pre>${escapeHtml(it.answer)}</pre>`;
      const key = escapeHtml(JSON.stringify({ submission: it.submission, notebook: it.notebook, gradeId: it.gradeId }));
      return `<form class="item ${it.points === null ? "todo" : "done"}" data-key="${key}" id="item-${i}">
<h2>${escapeHtml(it.display)} · ${escapeHtml(it.notebook)} · ${escapeHtml(it.gradeId)} <small>(${it.maxPoints} points)</small></h2>
<div class="answer">${answer || "<em>no answer</em>"}</div>
<label>points <input type="number" name="points" min="0" max="${it.maxPoints}" step="any" required value="${it.points ?? ""}"></label>
<label style="display:block">comment for the student <textarea name="comment">${escapeHtml(it.comment)}</textarea></label>
<button type="submit">save</button> <span class="status">${it.points === null ? "not graded yet" : `saved by ${escapeHtml(it.by)} on ${escapeHtml(it.at)}`}</span>
</form>`;
    })
    .join("\n");
  const todo = items.filter((i) => i.points === null).length;
  const script = `<script>
const token=${JSON.stringify(token)};
for (const form of document.querySelectorAll("form.item")) {
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const status = form.querySelector(".status");
    const body = { ...JSON.parse(form.dataset.key), points: Number(form.points.value), comment: form.comment.value };
    const res = await fetch("/api/grade", { method: "POST", headers: { "content-type": "application/json", "x-grader-token": token }, body: JSON.stringify(body) });
    const reply = await res.json();
    if (res.ok) { status.textContent = "saved by " + reply.by + " on " + reply.at; status.classList.remove("error"); form.classList.replace("todo", "done"); }
    else { status.textContent = reply.error; status.classList.add("error"); }
  });
}
</script>`;
  return `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Manual grading</title><style>${PAGE_STYLE}</style></head><body><h1>Manual grading</h1><p>${items.length} answers, ${todo} not graded yet. Scores go into the gradebook as you save them.</p>${blocks || "<p>No manually graded answers in this gradebook.</p>"}${script}</body></html>\n`;
}

export interface ManualServer {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

function sameToken(given: string | undefined, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function readBody(req: http.IncomingMessage, limit = 1 << 20): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(new Error("request body too large"));
        req.destroy();
      } else chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

/**
 * Serves the grading page on 127.0.0.1 (port 0: any free port). A random token in the URL guards
 * the API, so another web page open in the same browser cannot post scores to it.
 */
export async function startManualServer(out: string, opts: { port?: number; by?: string } = {}): Promise<ManualServer> {
  const file = path.join(out, "gradebook.sqlite");
  const book = new Gradebook(file);
  const token = randomBytes(16).toString("hex");
  const by = opts.by ?? currentUser();
  const send = (res: http.ServerResponse, status: number, type: string, body: string) => {
    res.writeHead(status, { "content-type": `${type}; charset=utf-8`, "cache-control": "no-store", "x-content-type-options": "nosniff", "content-security-policy": "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src data:" });
    res.end(body);
  };
  const json = (res: http.ServerResponse, status: number, value: unknown) => send(res, status, "application/json", JSON.stringify(value));
  const server = http.createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      if (req.method === "GET" && url.pathname === "/") {
        if (!sameToken(url.searchParams.get("token") ?? undefined, token)) return send(res, 403, "text/plain", "open the address bertlab-grader manual printed (it carries a token)");
        return send(res, 200, "text/html", manualPage(manualItems(book), token));
      }
      if (!sameToken(req.headers["x-grader-token"] as string | undefined, token)) return json(res, 403, { error: "missing or wrong x-grader-token" });
      if (req.method === "GET" && url.pathname === "/api/items") return json(res, 200, manualItems(book));
      if (req.method === "POST" && url.pathname === "/api/grade") {
        let body: { submission?: unknown; notebook?: unknown; gradeId?: unknown; points?: unknown; comment?: unknown };
        try {
          body = JSON.parse(await readBody(req)) as typeof body;
        } catch (e) {
          return json(res, 400, { error: `the request is not JSON: ${(e as Error).message}` });
        }
        if (typeof body.submission !== "string" || typeof body.notebook !== "string" || typeof body.gradeId !== "string") return json(res, 400, { error: "submission, notebook and gradeId must be strings" });
        if (typeof body.points !== "number" || !Number.isFinite(body.points)) return json(res, 400, { error: "points must be a number" });
        const at = new Date().toISOString();
        try {
          book.setAdjustment({ kind: "manual", submission: body.submission, notebook: body.notebook, gradeId: body.gradeId, points: body.points, reason: typeof body.comment === "string" ? body.comment.trim() : "", by, at });
        } catch (e) {
          return json(res, 400, { error: (e as Error).message });
        }
        await writeCsv(path.join(out, "grades.csv"), book.rows());
        return json(res, 200, { ok: true, by, at });
      }
      return json(res, 404, { error: `no ${req.method} ${url.pathname}` });
    } catch (e) {
      return json(res, 500, { error: (e as Error).message });
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          book.close();
          resolve();
        });
      }),
  };
}
