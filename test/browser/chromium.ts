/**
 * Headless Chromium for the figure tests: the system's browser (Debian's `chromium`), driven by
 * playwright-core over CDP. No browser is downloaded; without one the tests skip, saying why.
 *
 * Screenshots of failed tests go to test-artifacts/ (kept by CI as artifacts).
 */
import { spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";

export const ARTIFACTS = path.resolve(__dirname, "../../test-artifacts");

/** The first Chromium that answers --version: $CHROMIUM, then the usual Debian/Ubuntu names. */
export function findChromium(): string | undefined {
  const candidates = [process.env.CHROMIUM, "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].filter((c): c is string => !!c);
  for (const c of candidates) {
    if (!fs.existsSync(c)) continue;
    const r = spawnSync(c, ["--version"], { encoding: "utf8", timeout: 30_000 });
    if (r.status === 0) return c;
  }
  return undefined;
}

export const NO_CHROMIUM = "skipped: no Chromium found (Debian/Ubuntu: apt-get install chromium; or set CHROMIUM=/path/to/chrome)";

/** Offline and quiet: no sync, no component updates, no QUIC, a fresh profile. */
const FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"];

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

export async function launch(executablePath: string): Promise<Browser> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "bertlab-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: FLAGS,
    viewport: { width: 1200, height: 900 },
  });
  return {
    context,
    async close() {
      await context.close().catch(() => undefined);
      fs.rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
    },
  };
}

/** Saves a full-page screenshot named after the test; returns its path (or a note why not). */
export async function screenshot(page: Page | undefined, name: string): Promise<string> {
  if (!page || page.isClosed()) return "(no page to screenshot)";
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  // Long titles share their first 120 characters; a hash of the whole name keeps files apart.
  const hash = crypto.createHash("sha1").update(name).digest("hex").slice(0, 8);
  const file = path.join(ARTIFACTS, `${name.replace(/[^\w.-]+/g, "_").slice(0, 120)}-${hash}.png`);
  try {
    await page.screenshot({ path: file, fullPage: true, timeout: 30_000 });
    return file;
  } catch (e) {
    return `(screenshot failed: ${(e as Error).message})`;
  }
}

/** What each bertlab figure on a page shows: drawn (plotly's SVG) or the text of its note. */
export interface FigureState {
  drawn: boolean;
  note: string;
}

export async function figureStates(page: Page): Promise<FigureState[]> {
  return page.$$eval(".bertlab-figure", (els) =>
    els.map((el) => ({
      drawn: el.querySelector("svg.main-svg") !== null,
      note: (el.querySelector(".bertlab-figure-note")?.textContent ?? "").trim(),
    })),
  );
}

/** Waits until every bertlab figure on the page is drawn, or the time is up; returns the states. */
export async function waitForFigures(page: Page, expected: number, timeoutMs: number): Promise<FigureState[]> {
  const deadline = Date.now() + timeoutMs;
  let states = await figureStates(page);
  while (Date.now() < deadline) {
    if (states.length >= expected && states.every((s) => s.drawn)) break;
    await page.waitForTimeout(250);
    states = await figureStates(page);
  }
  return states;
}

/** One line per figure that did not draw, for assertion messages. */
export function undrawn(states: FigureState[]): string {
  return states
    .map((s, i) => (s.drawn ? "" : `figure ${i}: ${s.note.slice(0, 160) || "(empty)"}`))
    .filter(Boolean)
    .join("\n");
}
