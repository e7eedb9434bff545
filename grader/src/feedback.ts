/**
 * `bertlab-grader feedback --out <dir>`: static HTML from the gradebook.
 *
 * - feedback/<student>.html: the student's code and outputs, and per-question test results. Hidden
 *   tests show their name and pass/fail only; test cells show their public version. Student HTML
 *   output is shown inside a sandboxed iframe (no scripts), so a submission cannot run code in the
 *   reader's browser.
 * - feedback/index.html: the class report with plotly charts (score distribution, pass rate per
 *   question, time per submission). plotly.js is inlined from the local package: no CDN, works offline.
 */
import { readFileSync } from "fs";
import { mkdir, writeFile } from "fs/promises";
import path from "path";
import MarkdownIt from "markdown-it";
import type { Gradebook, StoredCell, SubmissionRecord } from "./gradebook";
import type { GradeRow } from "./score";

const md = new MarkdownIt({ html: false, linkify: false });

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string);
}

const STYLE = `body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1f1f1f}
pre{background:#f6f8fa;padding:.6rem;overflow-x:auto;border-radius:4px;font-size:.85rem}
.out{background:#fff;border-left:3px solid #ccc;margin-left:1rem}
.err{border-left-color:#b3261e}
table{border-collapse:collapse;margin:.5rem 0}td,th{padding:.25rem .6rem;text-align:left;border-bottom:1px solid #ddd;vertical-align:top}
.passed{color:#137333;font-weight:600}.failed,.error,.timeout,.crashed,.invalid{color:#b3261e;font-weight:600}
.cell{margin:1rem 0}.tag{font-size:.75rem;color:#666}iframe{width:100%;border:1px solid #ddd;min-height:4rem}`;

function page(title: string, body: string, head = ""): string {
  return `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>${STYLE}</style>${head}</head><body>${body}</body></html>\n`;
}

function text(value: unknown): string {
  return Array.isArray(value) ? value.join("") : typeof value === "string" ? value : JSON.stringify(value);
}

function renderOutput(out: Record<string, unknown>): string {
  switch (out.output_type) {
    case "stream":
      return `<pre class="out${out.name === "stderr" ? " err" : ""}">${escapeHtml(text(out.text))}</pre>`;
    case "error":
      return `<pre class="out err">${escapeHtml(`${String(out.ename)}: ${String(out.evalue)}`)}</pre>`;
    case "display_data":
    case "execute_result": {
      const data = (out.data ?? {}) as Record<string, unknown>;
      if (typeof data["image/png"] === "string") return `<img alt="output" src="data:image/png;base64,${escapeHtml(text(data["image/png"]).replace(/\s/g, ""))}">`;
      if (data["text/html"] !== undefined) return `<iframe sandbox="" srcdoc="${escapeHtml(text(data["text/html"]))}"></iframe>`;
      if (data["text/plain"] !== undefined) return `<pre class="out">${escapeHtml(text(data["text/plain"]))}</pre>`;
      return `<pre class="out">[${escapeHtml(Object.keys(data).join(", "))} output]</pre>`;
    }
    default:
      return "";
  }
}

function renderTests(row: GradeRow): string {
  if (row.tests.length === 0) return "";
  const rows = row.tests
    .map((t) => {
      const message = t.hidden ? "<em>hidden test</em>" : `<pre>${escapeHtml(t.message)}</pre>`;
      return `<tr><td class="${t.status}">${t.status === "passed" ? "pass" : "fail"}</td><td>${escapeHtml(t.name)}</td><td>${t.status === "passed" && !t.hidden ? "" : message}</td></tr>`;
    })
    .join("");
  return `<table><tr><th>result</th><th>test</th><th>message</th></tr>${rows}</table>`;
}

function renderQuestion(row: GradeRow): string {
  // A hidden test's message could reveal expected values; the reason text never contains them (see execute.ts).
  return `<div class="question"><strong>${escapeHtml(row.gradeId)}</strong>: <span class="${row.status}">${row.status}</span>, ${row.points}/${row.maxPoints} points<div class="tag">${escapeHtml(row.reason)}</div>${renderTests(row)}</div>`;
}

function renderCell(cell: StoredCell, rows: GradeRow[]): string {
  if (cell.cellType === "markdown") return `<div class="cell">${md.render(cell.source)}</div>`;
  if (cell.cellType === "raw") return `<div class="cell"><pre>${escapeHtml(cell.source)}</pre></div>`;
  const tag = cell.question ? `tests for ${cell.question}` : cell.gradeId ? `${cell.gradeId}${cell.origin === "restored" ? " (restored from the assignment)" : ""}` : "";
  const outputs = cell.outputs.map((o) => renderOutput(o as Record<string, unknown>)).join("");
  const question = cell.question ? rows.find((r) => r.gradeId === cell.question) : undefined;
  return `<div class="cell"><div class="tag">${escapeHtml(tag)} ${cell.status !== "ok" ? `· ${escapeHtml(cell.status)}` : ""}</div><pre>${escapeHtml(cell.source)}</pre>${outputs}${question ? renderQuestion(question) : ""}</div>`;
}

export function studentPage(student: string, records: SubmissionRecord[]): string {
  const score = records.reduce((a, r) => a + r.score, 0);
  const max = records.reduce((a, r) => a + r.maxScore, 0);
  const sections = records
    .map((r) => {
      const notes = r.notes.length ? `<ul>${r.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join("")}</ul>` : "";
      const summary = `<table><tr><th>question</th><th>status</th><th>points</th><th>why</th></tr>${r.rows
        .map((q) => `<tr><td>${escapeHtml(q.gradeId)}</td><td class="${q.status}">${q.status}</td><td>${q.points}/${q.maxPoints}</td><td>${escapeHtml(q.reason)}</td></tr>`)
        .join("")}</table>`;
      const cells = r.cells.length ? r.cells.map((c) => renderCell(c, r.rows)).join("") : `<p>${escapeHtml(r.rows[0]?.reason ?? "")}</p>`;
      return `<h2>${escapeHtml(r.notebook)}: ${r.score}/${r.maxScore}</h2>${summary}${notes}${cells}`;
    })
    .join("");
  return page(`${student}: feedback`, `<h1>Feedback for ${escapeHtml(student)}</h1><p>Total: <strong>${score}/${max}</strong></p>${sections}`);
}

function plotlySource(): string {
  const file = require.resolve("plotly.js-dist-min/plotly.min.js", { paths: [__dirname, path.dirname(require.resolve("bertlab/package.json"))] });
  // An inline script ends at the first "</script" whatever the JS says; "<\/" is the same string to JS.
  return readFileSync(file, "utf8").replace(/<\/script/gi, "<\\/script");
}

export function classPage(records: SubmissionRecord[], includePlotly = true): string {
  const students = [...new Set(records.map((r) => r.submission))].sort();
  const totals = students.map((s) => {
    const mine = records.filter((r) => r.submission === s);
    return { student: s, score: mine.reduce((a, r) => a + r.score, 0), max: mine.reduce((a, r) => a + r.maxScore, 0), seconds: mine.reduce((a, r) => a + r.ms, 0) / 1000 };
  });
  const questions = new Map<string, { passed: number; total: number }>();
  for (const r of records)
    for (const q of r.rows) {
      const key = `${r.notebook.replace(/\.ipynb$/, "")}/${q.gradeId}`;
      const agg = questions.get(key) ?? { passed: 0, total: 0 };
      agg.total++;
      if (q.status === "passed") agg.passed++;
      questions.set(key, agg);
    }
  const data = {
    scores: totals.map((t) => t.score),
    students: totals.map((t) => t.student),
    seconds: totals.map((t) => t.seconds),
    questions: [...questions.keys()],
    passRate: [...questions.values()].map((q) => (q.total ? q.passed / q.total : 0)),
  };
  const json = JSON.stringify(data).replace(/</g, "\\u003c");
  const table = `<table><tr><th>student</th><th>score</th><th>grading time (s)</th></tr>${totals
    .map((t) => `<tr><td><a href="${encodeURIComponent(t.student)}.html">${escapeHtml(t.student)}</a></td><td>${t.score}/${t.max}</td><td>${t.seconds.toFixed(1)}</td></tr>`)
    .join("")}</table>`;
  const charts = `<div id="scores"></div><div id="questions"></div><div id="times"></div>
<script>(function(){var d=${json};
Plotly.newPlot("scores",[{type:"histogram",x:d.scores,marker:{color:"#1a73e8"}}],{title:{text:"Score distribution"},xaxis:{title:{text:"points"}},yaxis:{title:{text:"students"}}},{displaylogo:false});
Plotly.newPlot("questions",[{type:"bar",x:d.questions,y:d.passRate,marker:{color:"#137333"}}],{title:{text:"Pass rate per question"},yaxis:{range:[0,1],tickformat:".0%"}},{displaylogo:false});
Plotly.newPlot("times",[{type:"bar",x:d.students,y:d.seconds,marker:{color:"#e37400"}}],{title:{text:"Grading time per submission"},yaxis:{title:{text:"seconds"}}},{displaylogo:false});
})();</script>`;
  const head = includePlotly ? `<script>${plotlySource()}</script>` : "";
  return page("Class report", `<h1>Class report</h1><p>${students.length} submissions, ${records.length} notebooks graded.</p>${charts}${table}`, head);
}

export interface FeedbackSummary {
  dir: string;
  students: number;
}

export async function writeFeedback(book: Gradebook, outDir: string): Promise<FeedbackSummary> {
  const records = book.records();
  await mkdir(outDir, { recursive: true });
  const students = [...new Set(records.map((r) => r.submission))];
  for (const s of students) {
    await writeFile(path.join(outDir, `${s}.html`), studentPage(s, records.filter((r) => r.submission === s)), "utf8");
  }
  await writeFile(path.join(outDir, "index.html"), classPage(records), "utf8");
  return { dir: outDir, students: students.length };
}
