/**
 * `bertlab-grader feedback --out <dir>`: static HTML from the gradebook.
 *
 * - feedback/<student>.html: the student's code and outputs, and per-question test results. Hidden
 *   tests show their name and pass/fail only; test cells show their public version. Student HTML
 *   output is shown inside a sandboxed iframe (no scripts), so a submission cannot run code in the
 *   reader's browser.
 * - `--release DIR` (nbgrader's release_feedback): DIR/<student>/feedback.html, each folder holding only
 *   that student's page (no class report, no link to other students), and DIR/feedback.csv mapping
 *   students (name, e-mail from the roster) to their file, for an LMS upload or a mail merge.
 * - feedback/index.html: the class report: per-notebook and per-question tables (mean, median,
 *   pass rate, counts by status), infrastructure errors flagged, per-student scores, and plotly
 *   charts. plotly.js is copied from the local package beside it (feedback/plotly.min.js): no CDN,
 *   works offline, and the page itself stays small.
 */
import { readFileSync } from "fs";
import { copyFile, mkdir, rename, writeFile } from "fs/promises";
import path from "path";
import MarkdownIt from "markdown-it";
import type { Gradebook, StoredCell, Student, SubmissionRecord } from "./gradebook";
import { GRADE_STATUSES, roundPoints, type GradeRow, type GradeStatus } from "./score";

const md = new MarkdownIt({ html: false, linkify: false });

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string);
}

const STYLE = `*{box-sizing:border-box}body{font-family:system-ui,sans-serif;max-width:min(100%,80rem);margin:1.5rem auto;padding:0 1rem;color:#1f1f1f;line-height:1.4}
pre{background:#f6f8fa;padding:.6rem;overflow-x:auto;border-radius:4px;font-size:.85rem;white-space:pre-wrap;word-break:break-word}
.out{background:#fff;border-left:3px solid #ccc;margin-left:1rem}
.err{border-left-color:#b3261e}
.scroll{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;margin:.5rem 0}td,th{padding:.25rem .6rem;text-align:left;border-bottom:1px solid #ddd;vertical-align:top}
th{background:#f6f8fa;position:sticky;top:0}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
.passed{color:#137333;font-weight:600}.failed,.error,.timeout,.crashed,.invalid,.missing{color:#b3261e;font-weight:600}
.manual{color:#8a5a00;font-weight:600}.infrastructure_error{color:#fff;background:#8a2be2;font-weight:600;padding:0 .3rem;border-radius:3px}
.flag{background:#f3e8ff;border-left:4px solid #8a2be2;padding:.5rem .8rem;margin:1rem 0}
.adjusted{background:#fff8e1;border-left:4px solid #f9a825;padding:.3rem .6rem;margin:.3rem 0}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,26rem),1fr));gap:1rem}.chart{min-height:20rem;width:100%}
.cell{margin:1rem 0}.tag{font-size:.75rem;color:#666}iframe{width:100%;border:1px solid #ddd;min-height:4rem}
@media (max-width:40rem){body{margin:.5rem auto;padding:0 .5rem}td,th{padding:.2rem .3rem;font-size:.85rem}}`;

function page(title: string, body: string, head = "", lang: FeedbackLang = "en"): string {
  return `<!DOCTYPE html>\n<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title><style>${STYLE}</style>${head}</head><body>${body}</body></html>\n`;
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

/** A student's page speaks the edition they were graded on: Korean when every notebook on it is the Korean edition. */
export type FeedbackLang = "en" | "ko";

export function feedbackLang(records: SubmissionRecord[]): FeedbackLang {
  return records.length > 0 && records.every((r) => r.lang === "ko") ? "ko" : "en";
}

const STATUS_KO: Record<GradeStatus, string> = {
  passed: "통과",
  failed: "실패",
  error: "오류",
  timeout: "시간 초과",
  crashed: "커널 중단",
  invalid: "읽을 수 없음",
  missing: "제출 안 함",
  manual: "사람이 채점",
  infrastructure_error: "채점 환경 오류",
};

const CELL_STATUS_KO: Record<string, string> = { error: "오류", timeout: "시간 초과", aborted: "실행 안 함(앞 셀 실패)", skipped: "건너뜀", "not-run": "실행 안 함", crashed: "커널 중단" };

/** The labels of a student's page. Reasons and test messages are shown as the grader and the tests wrote them. */
const LABELS = {
  en: {
    status: (s: GradeStatus) => s as string,
    cellStatus: (s: string) => s,
    pass: "pass",
    fail: "fail",
    hiddenTest: "hidden test",
    testHead: ["result", "test", "message"],
    graded: (by: string, at: string) => `Graded by ${by} on ${at}`,
    changed: (by: string, at: string, from: number, to: number) => `Score changed by ${by} on ${at} from ${from} to ${to}`,
    points: (points: number, max: number) => `${points}/${max} points`,
    testsFor: (q: string) => `tests for ${q}`,
    restored: " (restored from the assignment)",
    notGraded: (notebooks: string) => `<strong>Not graded yet:</strong> ${notebooks} could not be graded because of a problem on the grading machine, not in your work. It will be graded again; this total leaves it out.`,
    late: (at: string, days: number, percent: number) => `Handed in ${at}, ${days} day${days === 1 ? "" : "s"} late: −${percent}% of this notebook's points.`,
    summaryHead: ["question", "status", "points", "why"],
    title: (name: string) => `${name}: feedback`,
    heading: (name: string) => `Feedback for ${name}`,
    total: "Total",
  },
  ko: {
    status: (s: GradeStatus) => STATUS_KO[s] ?? s,
    cellStatus: (s: string) => CELL_STATUS_KO[s] ?? s,
    pass: "통과",
    fail: "실패",
    hiddenTest: "숨은 테스트(hidden test)",
    testHead: ["결과", "테스트", "메시지"],
    graded: (by: string, at: string) => `사람이 채점했어요(채점한 사람: ${by}, 날짜: ${at})`,
    changed: (by: string, at: string, from: number, to: number) => `점수가 ${from}점에서 ${to}점으로 바뀌었어요(바꾼 사람: ${by}, 날짜: ${at})`,
    points: (points: number, max: number) => `${points}/${max}점`,
    testsFor: (q: string) => `${q} 테스트`,
    restored: " (과제 원본에서 복원함)",
    notGraded: (notebooks: string) => `<strong>아직 채점되지 않은 노트북:</strong> ${notebooks}. 여러분의 작업이 아니라 채점 컴퓨터의 문제 때문에 채점하지 못했어요. 다시 채점할 예정이고, 이 총점에는 들어 있지 않아요.`,
    late: (at: string, days: number, percent: number) => `제출 시각 ${at}, ${days}일 늦게 냈어요: 이 노트북 점수에서 ${percent}%를 뺐어요.`,
    summaryHead: ["문항", "상태", "점수", "이유"],
    title: (name: string) => `${name}: 피드백`,
    heading: (name: string) => `${name}님의 피드백`,
    total: "총점",
  },
} as const;

type Labels = (typeof LABELS)[FeedbackLang];

function renderTests(row: GradeRow, t: Labels): string {
  if (row.tests.length === 0) return "";
  const rows = row.tests
    .map((test) => {
      const message = test.hidden ? `<em>${t.hiddenTest}</em>` : `<pre>${escapeHtml(test.message)}</pre>`;
      return `<tr><td class="${test.status}">${test.status === "passed" ? t.pass : t.fail}</td><td>${escapeHtml(test.name)}</td><td>${test.status === "passed" && !test.hidden ? "" : message}</td></tr>`;
    })
    .join("");
  return `<table><tr>${t.testHead.map((h) => `<th>${h}</th>`).join("")}</tr>${rows}</table>`;
}

function renderAdjustment(row: GradeRow, t: Labels): string {
  const a = row.adjustment;
  if (!a) return "";
  const what = a.kind === "manual" ? t.graded(escapeHtml(a.by), escapeHtml(a.at)) : t.changed(escapeHtml(a.by), escapeHtml(a.at), a.autoPoints, row.points);
  return `<div class="adjusted">${what}${a.reason ? `: ${escapeHtml(a.reason)}` : ""}</div>`;
}

function renderQuestion(row: GradeRow, t: Labels): string {
  // A hidden test's message could reveal expected values; the reason text never contains them (see execute.ts).
  return `<div class="question"><strong>${escapeHtml(row.gradeId)}</strong>: <span class="${row.status}">${escapeHtml(t.status(row.status))}</span>, ${t.points(row.points, row.maxPoints)}<div class="tag">${escapeHtml(row.reason)}</div>${renderAdjustment(row, t)}${renderTests(row, t)}</div>`;
}

function renderCell(cell: StoredCell, rows: GradeRow[], t: Labels): string {
  const manual = cell.gradeId && !cell.question ? rows.find((r) => r.gradeId === cell.gradeId && r.status === "manual") : undefined;
  const grade = manual ? renderQuestion(manual, t) : "";
  if (cell.cellType === "markdown") return `<div class="cell">${md.render(cell.source)}${grade}</div>`;
  if (cell.cellType === "raw") return `<div class="cell"><pre>${escapeHtml(cell.source)}</pre>${grade}</div>`;
  const tag = cell.question ? t.testsFor(cell.question) : cell.gradeId ? `${cell.gradeId}${cell.origin === "restored" ? t.restored : ""}` : "";
  const outputs = cell.outputs.map((o) => renderOutput(o as Record<string, unknown>)).join("");
  const question = cell.question ? rows.find((r) => r.gradeId === cell.question) : undefined;
  return `<div class="cell"><div class="tag">${escapeHtml(tag)} ${cell.status !== "ok" ? `· ${escapeHtml(t.cellStatus(cell.status))}` : ""}</div><pre>${escapeHtml(cell.source)}</pre>${outputs}${question ? renderQuestion(question, t) : ""}${grade}</div>`;
}

/**
 * One student's page. `display` is their name as given (folder or roster); defaults to the id. Its labels are
 * Korean when the notebooks were the Korean edition (see feedbackLang); `lang` chooses explicitly.
 */
export function studentPage(student: string, records: SubmissionRecord[], display = student, lang: FeedbackLang = feedbackLang(records)): string {
  const t = LABELS[lang];
  const score = roundPoints(records.reduce((a, r) => a + r.score, 0));
  const max = roundPoints(records.reduce((a, r) => a + r.maxScore, 0));
  const infra = records.filter((r) => r.rows.some((q) => q.status === "infrastructure_error"));
  const flag = infra.length ? `<div class="flag">${t.notGraded(infra.map((r) => escapeHtml(r.notebook)).join(", "))}</div>` : "";
  const sections = records
    .map((r) => {
      const notes = r.notes.length ? `<ul>${r.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join("")}</ul>` : "";
      const late = (r.latePenalty ?? 0) > 0 ? `<p class="adjusted">${t.late(escapeHtml(r.submittedAt ?? ""), r.daysLate ?? 0, Math.round((r.latePenalty ?? 0) * 100))}</p>` : "";
      const summary = `<div class="scroll"><table><tr><th>${t.summaryHead[0]}</th><th>${t.summaryHead[1]}</th><th class="n">${t.summaryHead[2]}</th><th>${t.summaryHead[3]}</th></tr>${r.rows
        .map((q) => `<tr><td>${escapeHtml(q.gradeId)}</td><td class="${q.status}">${escapeHtml(t.status(q.status))}</td><td class="n">${q.points}/${q.maxPoints}</td><td>${escapeHtml(q.reason)}</td></tr>`)
        .join("")}</table></div>`;
      const cells = r.cells.length ? r.cells.map((c) => renderCell(c, r.rows, t)).join("") : `<p>${escapeHtml(r.rows[0]?.reason ?? "")}</p>`;
      return `<h2>${escapeHtml(r.notebook)}: ${r.score}/${r.maxScore}</h2>${late}${summary}${notes}${cells}`;
    })
    .join("");
  return page(t.title(display), `<h1>${escapeHtml(t.heading(display))}</h1>${flag}<p>${t.total}: <strong>${score}/${max}</strong></p>${sections}`, "", lang);
}

export const PLOTLY_FILE = "plotly.min.js";

/**
 * A student's page: `<id>.html`, except that a student called "index" (any case, any number of
 * leading "_") gets one more "_", so no one's page is the class report and no two pages share a name.
 */
export function studentPageName(id: string): string {
  return `${/^_*index$/i.test(id) ? `_${id}` : id}.html`;
}

function plotlyFile(): string {
  return require.resolve("plotly.js-dist-min/plotly.min.js", { paths: [__dirname, path.dirname(require.resolve("bertlab/package.json"))] });
}

function plotlySource(): string {
  // An inline script ends at the first "</script" whatever the JS says; "<\/" is the same string to JS.
  return readFileSync(plotlyFile(), "utf8").replace(/<\/script/gi, "<\\/script");
}

export function median(xs: number[]): number {
  if (xs.length === 0) return 0;
  const v = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

export function mean(xs: number[]): number {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0;
}

const fmt = (x: number) => String(roundPoints(x));
const pct = (x: number) => `${Math.round(x * 100)}%`;

interface Stats {
  scores: number[];
  max: number;
  passed: number;
  graded: number;
  counts: Map<GradeStatus, number>;
}

function statsRow(label: string, st: Stats): string {
  const counts = GRADE_STATUSES.map((s) => `<td class="n${s === "infrastructure_error" && (st.counts.get(s) ?? 0) > 0 ? " infrastructure_error" : ""}">${st.counts.get(s) ?? 0}</td>`).join("");
  return `<tr><td>${escapeHtml(label)}</td><td class="n">${fmt(st.max)}</td><td class="n">${fmt(mean(st.scores))}</td><td class="n">${fmt(median(st.scores))}</td><td class="n">${st.graded ? pct(st.passed / st.graded) : "–"}</td>${counts}</tr>`;
}

function statsTable(first: string, rows: [string, Stats][]): string {
  const head = `<tr><th>${first}</th><th class="n">points</th><th class="n">mean</th><th class="n">median</th><th class="n">pass rate</th>${GRADE_STATUSES.map((s) => `<th class="n">${s.replace("_", " ")}</th>`).join("")}</tr>`;
  return `<div class="scroll"><table>${head}${rows.map(([label, st]) => statsRow(label, st)).join("")}</table></div>`;
}

/**
 * The class report. Statistics leave out infrastructure errors (no grade exists yet) and count
 * missing work as 0; the pass rate is passed questions over questions graded by the autograder.
 * `plotly`: "inline" puts plotly.js in the page, a file name links it (writeFeedback copies it
 * beside the report, so the page stays small and works offline), "none" leaves it out.
 */
export function classPage(records: SubmissionRecord[], plotly: "inline" | "none" | string = "inline", people: Student[] = []): string {
  const display = new Map(people.map((p) => [p.id, p.display]));
  const students = [...new Set(records.map((r) => r.submission))].sort();
  const nbNames = [...new Set(records.map((r) => r.notebook))].sort();
  const infraRecords = records.filter((r) => r.rows.some((q) => q.status === "infrastructure_error"));
  const totals = students.map((s) => {
    const mine = records.filter((r) => r.submission === s);
    return {
      student: s,
      score: roundPoints(mine.reduce((a, r) => a + r.score, 0)),
      max: roundPoints(mine.reduce((a, r) => a + r.maxScore, 0)),
      seconds: mine.reduce((a, r) => a + r.ms, 0) / 1000,
      byNotebook: new Map(mine.map((r) => [r.notebook, r])),
      infra: mine.some((r) => r.rows.some((q) => q.status === "infrastructure_error")),
    };
  });
  const empty = (): Stats => ({ scores: [], max: 0, passed: 0, graded: 0, counts: new Map() });
  const perNotebook = new Map<string, Stats>(nbNames.map((n) => [n, empty()]));
  const perQuestion = new Map<string, Stats>();
  for (const r of records) {
    const nbStats = perNotebook.get(r.notebook)!;
    const infra = r.rows.some((q) => q.status === "infrastructure_error");
    if (!infra) nbStats.scores.push(r.score);
    nbStats.max = Math.max(nbStats.max, r.rows.reduce((a, q) => a + q.maxPoints, 0));
    for (const q of r.rows) {
      const key = `${r.notebook.replace(/\.ipynb$/, "")}/${q.gradeId}`;
      const qs = perQuestion.get(key) ?? empty();
      qs.max = q.maxPoints;
      for (const st of [nbStats, qs]) {
        st.counts.set(q.status, (st.counts.get(q.status) ?? 0) + 1);
        if (q.status !== "infrastructure_error" && q.status !== "manual") {
          st.graded++;
          if (q.status === "passed") st.passed++;
        }
      }
      if (q.status !== "infrastructure_error") qs.scores.push(q.points);
      perQuestion.set(key, qs);
    }
  }
  const data = {
    scores: totals.filter((t) => !t.infra).map((t) => t.score),
    students: totals.map((t) => display.get(t.student) ?? t.student),
    seconds: totals.map((t) => t.seconds),
    questions: [...perQuestion.keys()],
    passRate: [...perQuestion.values()].map((q) => (q.graded ? q.passed / q.graded : 0)),
  };
  const json = JSON.stringify(data).replace(/</g, "\\u003c");
  const flag = infraRecords.length
    ? `<div class="flag"><strong>${infraRecords.length} notebook${infraRecords.length > 1 ? "s" : ""} not graded (infrastructure error):</strong> ${infraRecords
        .map((r) => `${escapeHtml(display.get(r.submission) ?? r.submission)}/${escapeHtml(r.notebook)}`)
        .join(", ")}. These are machine failures, not grades: they are left out of every statistic below, and the next <code>bertlab-grader grade</code> run grades them again.</div>`
    : "";
  const studentTable = `<div class="scroll"><table><tr><th>student</th>${nbNames.map((n) => `<th class="n">${escapeHtml(n.replace(/\.ipynb$/, ""))}</th>`).join("")}<th class="n">total</th><th class="n">grading time (s)</th></tr>${totals
    .map((t) => {
      const cols = nbNames
        .map((n) => {
          const r = t.byNotebook.get(n);
          if (!r) return `<td class="n">–</td>`;
          if (r.rows.some((q) => q.status === "infrastructure_error")) return `<td class="n"><span class="infrastructure_error">not graded</span></td>`;
          const missing = r.rows.length > 0 && r.rows.every((q) => q.status === "missing");
          return `<td class="n${missing ? " missing" : ""}">${missing ? "missing" : `${r.score}/${r.maxScore}`}${(r.latePenalty ?? 0) > 0 ? ` <span class="tag">late −${Math.round((r.latePenalty ?? 0) * 100)}%</span>` : ""}</td>`;
        })
        .join("");
      return `<tr><td><a href="${encodeURIComponent(studentPageName(t.student))}">${escapeHtml(display.get(t.student) ?? t.student)}</a></td>${cols}<td class="n">${t.score}/${t.max}${t.infra ? " *" : ""}</td><td class="n">${t.seconds.toFixed(1)}</td></tr>`;
    })
    .join("")}</table></div>`;
  const charts = `<div class="charts"><div id="scores" class="chart"></div><div id="questions" class="chart"></div><div id="times" class="chart"></div></div>
<script>(function(){if(typeof Plotly==="undefined"){return;}var d=${json};var cfg={displaylogo:false,responsive:true};var m={automargin:true};
Plotly.newPlot("scores",[{type:"histogram",x:d.scores,marker:{color:"#1a73e8"}}],{title:{text:"Score distribution"},xaxis:{title:{text:"points"},automargin:true},yaxis:{title:{text:"students"},automargin:true},autosize:true},cfg);
Plotly.newPlot("questions",[{type:"bar",x:d.questions,y:d.passRate,marker:{color:"#137333"}}],{title:{text:"Pass rate per question"},xaxis:m,yaxis:{range:[0,1],tickformat:".0%",automargin:true},autosize:true},cfg);
Plotly.newPlot("times",[{type:"bar",x:d.students,y:d.seconds,marker:{color:"#e37400"}}],{title:{text:"Grading time per submission"},xaxis:m,yaxis:{title:{text:"seconds"},automargin:true},autosize:true},cfg);
})();</script>`;
  const head = plotly === "inline" ? `<script>${plotlySource()}</script>` : plotly === "none" ? "" : `<script src="${escapeHtml(plotly)}"></script>`;
  const body = `<h1>Class report</h1><p>${students.length} students, ${records.length} notebooks in the gradebook.</p>${flag}
<h2>Per notebook</h2>${statsTable("notebook", [...perNotebook.entries()].map(([n, st]) => [n, st]))}
<h2>Per question</h2>${statsTable("question", [...perQuestion.entries()])}
<h2>Charts</h2>${charts}
<h2>Students</h2>${studentTable}${infraRecords.length ? "<p>* total leaves out notebooks not graded yet.</p>" : ""}`;
  return page("Class report", body, head);
}

export interface FeedbackSummary {
  dir: string;
  students: number;
}

export async function writeFeedback(book: Gradebook, outDir: string): Promise<FeedbackSummary> {
  const records = book.records();
  const people = book.students();
  const display = new Map(people.map((p) => [p.id, p.display]));
  await mkdir(outDir, { recursive: true });
  const students = [...new Set(records.map((r) => r.submission))];
  for (const s of students) {
    // Student ids are single path components (see submissions.ts), whatever their script.
    await writeFile(path.join(outDir, studentPageName(s)), studentPage(s, records.filter((r) => r.submission === s), display.get(s) ?? s), "utf8");
  }
  // plotly.js once, beside the report, rather than 4.8 MB inside it.
  await copyFile(plotlyFile(), path.join(outDir, PLOTLY_FILE));
  await writeFile(path.join(outDir, "index.html"), classPage(records, PLOTLY_FILE, people), "utf8");
  return { dir: outDir, students: students.length };
}

export interface ReleasedFeedback {
  dir: string;
  students: number;
}

/** A CSV field: quoted when it holds a comma, quote or line break (RFC 4180). */
function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * Hands each student their own page: `<dir>/<student>/feedback.html`, and `<dir>/feedback.csv` with
 * student, name, email, file, score and max. A student's folder never holds anything about another
 * student; running it again after a regrade replaces each page with the current one.
 */
export async function releaseFeedback(book: Gradebook, dir: string): Promise<ReleasedFeedback> {
  const records = book.records();
  const people = new Map(book.students().map((p) => [p.id, p]));
  await mkdir(dir, { recursive: true });
  const students = [...new Set(records.map((r) => r.submission))].sort();
  const lines = ["student,name,email,file,score,max"];
  for (const s of students) {
    const own = records.filter((r) => r.submission === s);
    const person = people.get(s);
    // Student ids are single path components (see submissions.ts), whatever their script.
    await mkdir(path.join(dir, s), { recursive: true });
    const file = path.join(dir, s, "feedback.html");
    const tmp = `${file}.tmp-${process.pid}`;
    await writeFile(tmp, studentPage(s, own, person?.display ?? s), "utf8");
    await rename(tmp, file);
    const score = roundPoints(own.reduce((a, r) => a + r.score, 0));
    const max = roundPoints(own.reduce((a, r) => a + r.maxScore, 0));
    lines.push([s, person?.name ?? "", person?.email ?? "", `${s}/feedback.html`, String(score), String(max)].map(csvField).join(","));
  }
  await writeFile(path.join(dir, "feedback.csv"), `${lines.join("\n")}\n`, "utf8");
  return { dir, students: students.length };
}

