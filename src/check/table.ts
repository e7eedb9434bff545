/** The pass/fail table `check()` shows: HTML for JupyterLab, plain text for terminals and logs. */
import type { TestResult } from "./run";

export interface CheckReport {
  gradeId: string;
  results: TestResult[];
  /** Set when the question has no registered tests (its test cell did not run). */
  problem?: string;
}

export function passedAll(report: CheckReport): boolean {
  return !report.problem && report.results.length > 0 && report.results.every((r) => r.status === "passed");
}

function summary(report: CheckReport): string {
  if (report.problem) return `${report.gradeId}: ${report.problem}`;
  const passed = report.results.filter((r) => r.status === "passed").length;
  return `${report.gradeId}: ${passed}/${report.results.length} tests passed${passedAll(report) ? " ✔" : ""}`;
}

export function renderText(report: CheckReport): string {
  const lines = [summary(report)];
  for (const r of report.results) {
    const mark = r.status === "passed" ? "✔ pass" : r.status === "failed" ? "✘ FAIL" : "✘ ERROR";
    lines.push(`  ${mark}  ${r.name}`);
    for (const line of r.message ? r.message.split("\n") : []) lines.push(`          ${line}`);
  }
  return lines.join("\n");
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string);
}

export function renderHtml(report: CheckReport): string {
  const ok = passedAll(report);
  const head = `<div style="font-weight:600;color:${ok ? "#137333" : "#b3261e"};margin:4px 0">${escapeHtml(summary(report))}</div>`;
  if (report.results.length === 0) return `<div class="bertlab-check">${head}</div>`;
  const rows = report.results
    .map((r) => {
      const color = r.status === "passed" ? "#137333" : "#b3261e";
      const label = r.status === "passed" ? "pass" : r.status === "failed" ? "fail" : "error";
      const message = escapeHtml(r.message).replace(/\n/g, "<br>");
      return `<tr><td style="color:${color};font-weight:600;padding:2px 8px">${label}</td><td style="padding:2px 8px">${escapeHtml(r.name)}</td><td style="padding:2px 8px;font-family:monospace;white-space:pre-wrap">${message}</td></tr>`;
    })
    .join("");
  return `<div class="bertlab-check">${head}<table style="border-collapse:collapse;text-align:left"><thead><tr><th style="padding:2px 8px">result</th><th style="padding:2px 8px">test</th><th style="padding:2px 8px">message</th></tr></thead><tbody>${rows}</tbody></table></div>`;
}
