/**
 * Shows rich output from inside a tslab kernel, plain text elsewhere (terminal, mocha).
 * tslab's display only works while a cell runs in its kernel; we detect the kernel by the
 * `__tslab__` global it installs, and load tslab lazily so plain Node never pays for TypeScript.
 */
type WriteDisplayData = (data: { data: Record<string, string>; metadata: Record<string, unknown>; transient?: unknown }, update: boolean) => void;

function kernelWriter(): WriteDisplayData | null {
  if (!(globalThis as { __tslab__?: unknown }).__tslab__) return null;
  try {
    // tslab's own module: one display entry may carry several mime types (HTML for JupyterLab, text for the rest).
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const jupyter = require("tslab/dist/jupyter") as { lastWriteDisplayData?: WriteDisplayData | null };
    return jupyter.lastWriteDisplayData ?? null;
  } catch {
    return null;
  }
}

/** Displays one entry with an HTML and a plain-text representation. */
export function showRich(html: string, text: string): void {
  const write = kernelWriter();
  if (write) {
    write({ data: { "text/html": html, "text/plain": text }, metadata: {} }, false);
    return;
  }
  console.log(text);
}
