/** The pass/fail table `check()` shows: HTML for JupyterLab, plain text for terminals and logs. */
import type { TestResult } from "./run";
import { checkLang, type CheckLang } from "./lang";

export interface CheckReport {
  gradeId: string;
  results: TestResult[];
  /** Set when the question has no registered tests (its test cell did not run). */
  problem?: string;
}

export function passedAll(report: CheckReport): boolean {
  return !report.problem && report.results.length > 0 && report.results.every((r) => r.status === "passed");
}

const WORDS = {
  en: {
    passed: (passed: number, all: number) => `${passed}/${all} tests passed`,
    marks: { passed: "✔ pass", failed: "✘ FAIL", error: "✘ ERROR" },
    labels: { passed: "pass", failed: "fail", error: "error" },
    head: ["result", "test", "message"],
  },
  ko: {
    passed: (passed: number, all: number) => `테스트 ${all}개 중 ${passed}개 통과`,
    marks: { passed: "✔ 통과", failed: "✘ 실패", error: "✘ 오류" },
    labels: { passed: "통과", failed: "실패", error: "오류" },
    head: ["결과", "테스트", "메시지"],
  },
} as const;

function summary(report: CheckReport, lang: CheckLang): string {
  if (report.problem) return `${report.gradeId}: ${report.problem}`;
  const passed = report.results.filter((r) => r.status === "passed").length;
  return `${report.gradeId}: ${WORDS[lang].passed(passed, report.results.length)}${passedAll(report) ? " ✔" : ""}`;
}

/** The table as text, in `lang` (default: the edition's, see lang.ts). */
export function renderText(report: CheckReport, lang: CheckLang = checkLang()): string {
  const lines = [summary(report, lang)];
  for (const r of report.results) {
    const mark = WORDS[lang].marks[r.status];
    lines.push(`  ${mark}  ${r.name}`);
    for (const line of r.message ? r.message.split("\n") : []) lines.push(`          ${line}`);
  }
  return lines.join("\n");
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string);
}

/** The table as HTML, in `lang` (default: the edition's, see lang.ts). */
export function renderHtml(report: CheckReport, lang: CheckLang = checkLang()): string {
  const ok = passedAll(report);
  const words = WORDS[lang];
  const head = `<div style="font-weight:600;color:${ok ? "#137333" : "#b3261e"};margin:4px 0">${escapeHtml(summary(report, lang))}</div>`;
  if (report.results.length === 0) return `<div class="bertlab-check">${head}</div>`;
  const rows = report.results
    .map((r) => {
      const color = r.status === "passed" ? "#137333" : "#b3261e";
      const label = words.labels[r.status];
      const message = escapeHtml(r.message).replace(/\n/g, "<br>");
      return `<tr><td style="color:${color};font-weight:600;padding:2px 8px">${label}</td><td style="padding:2px 8px">${escapeHtml(r.name)}</td><td style="padding:2px 8px;font-family:monospace;white-space:pre-wrap">${message}</td></tr>`;
    })
    .join("");
  return `<div class="bertlab-check">${head}<table style="border-collapse:collapse;text-align:left"><thead><tr>${words.head.map((h) => `<th style="padding:2px 8px">${h}</th>`).join("")}</tr></thead><tbody>${rows}</tbody></table></div>`;
}
