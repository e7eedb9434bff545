/**
 * Which language `check()` speaks: English, or Korean for the Korean edition (exercises/ko/).
 *
 * Code cells are shared by both editions, so the language cannot come from the code. It comes from the
 * notebook's metadata, `{"bertlab": {"lang": "ko"}}`, which notebooks:build writes into the Korean edition:
 *
 * 1. `BERTLAB_LANG` ("ko" or "en") in the kernel's environment. `bertlab run`, `bertlab-grader validate` and
 *    `bertlab-grader grade` set it from the notebook's metadata before they start the kernel.
 * 2. Otherwise, in JupyterLab (and Jupyter Notebook 7): the notebook the kernel was started for, which Jupyter
 *    Server names in `JPY_SESSION_NAME`; its metadata is read from disk.
 * 3. Otherwise English.
 *
 * Test cells give texts in both languages as `{ en: "...", ko: "..." }` (a hint for `it`, a message for
 * `closeTo`); a plain string is used as it is in both editions.
 */
import { existsSync, readFileSync, statSync } from "fs";
import path from "path";

export type CheckLang = "en" | "ko";

/** A text in English and, optionally, Korean: what test cells hand to `it` (hints) and `closeTo` (messages). */
export interface LocalizedText {
  en: string;
  ko?: string;
}

export type Text = string | LocalizedText;

/** "ko", "ko-KR", "ko_KR.UTF-8" → "ko"; "en…" → "en"; anything else → undefined. */
export function parseLang(value: unknown): CheckLang | undefined {
  if (typeof value !== "string") return undefined;
  const v = value.trim().toLowerCase();
  if (/^ko([-_.].*)?$/.test(v)) return "ko";
  if (/^en([-_.].*)?$/.test(v)) return "en";
  return undefined;
}

/** The edition a notebook declares in metadata.bertlab.lang; undefined when it declares none (the English edition). */
export function notebookLang(nb: { metadata?: unknown } | undefined): CheckLang | undefined {
  const bertlab = (nb?.metadata as { bertlab?: { lang?: unknown } } | undefined)?.bertlab;
  return parseLang(bertlab?.lang);
}

let cached: { file: string; mtimeMs: number; lang: CheckLang | undefined } | null = null;

/** The language of the notebook Jupyter Server started this kernel for (JPY_SESSION_NAME), read from its metadata. */
function sessionLang(session: string): CheckLang | undefined {
  // Jupyter Server gives the notebook's path, absolute or relative to where the server runs; the kernel runs
  // in the notebook's folder, so its name there is the last resort.
  const candidates = [path.resolve(session), path.join(process.cwd(), path.basename(session))];
  const file = candidates.find((f) => f.endsWith(".ipynb") && existsSync(f));
  if (!file) return undefined;
  const mtimeMs = statSync(file).mtimeMs;
  if (cached && cached.file === file && cached.mtimeMs === mtimeMs) return cached.lang;
  const lang = notebookLang(JSON.parse(readFileSync(file, "utf8")) as { metadata?: unknown });
  cached = { file, mtimeMs, lang };
  return lang;
}

/** The language check() and its messages use now (see the top of this file). Never throws. */
export function checkLang(): CheckLang {
  try {
    const fromEnv = parseLang(process.env.BERTLAB_LANG);
    if (fromEnv) return fromEnv;
    const session = process.env.JPY_SESSION_NAME;
    if (session) return sessionLang(session) ?? "en";
  } catch {
    // an unreadable notebook or a strange environment: English
  }
  return "en";
}

/** The text for `lang`: the Korean one when there is one, else the English one. */
export function localize(text: Text, lang: CheckLang = checkLang()): string {
  if (typeof text === "string") return text;
  return (lang === "ko" ? text.ko : undefined) ?? text.en;
}
