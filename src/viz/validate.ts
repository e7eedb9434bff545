/**
 * Input checks shared by the figure builders. Plotly draws whatever it gets (a ragged matrix, a
 * NaN, two bars with the same label merged into one), so a mistake would show as a wrong picture;
 * these turn it into an error that names the figure, the argument and the position.
 */

export type Matrix = ReadonlyArray<ReadonlyArray<number>>;

/** Array.isArray without its type guard, which would widen readonly arrays to any[]. */
export function isList(v: unknown): boolean {
  return Array.isArray(v);
}

/** Checks a rectangular matrix of finite numbers; returns [rows, cols]. */
export function checkMatrix(where: string, name: string, m: Matrix, opts: { allowEmpty?: boolean } = {}): [number, number] {
  if (!isList(m)) throw new Error(`${where}: ${name} must be an array of rows (number[][]), got ${typeof m}`);
  if (m.length === 0 && !opts.allowEmpty) throw new Error(`${where}: ${name} is empty`);
  const cols = m[0]?.length ?? 0;
  for (let r = 0; r < m.length; r++) {
    const row = m[r];
    if (!isList(row) && !ArrayBuffer.isView(row)) throw new Error(`${where}: ${name}[${r}] is not an array (expected ${m.length} rows of ${cols} numbers)`);
    if (row.length !== cols) throw new Error(`${where}: ${name} is ragged: row ${r} has ${row.length} values, row 0 has ${cols}`);
    for (let c = 0; c < cols; c++) {
      const v = row[c];
      if (typeof v !== "number" || !Number.isFinite(v)) throw new Error(`${where}: ${name}[${r}][${c}] is ${v}, not a finite number`);
    }
  }
  if (cols === 0 && !opts.allowEmpty) throw new Error(`${where}: ${name} has rows of length 0`);
  return [m.length, cols];
}

export function checkLabels(where: string, name: string, labels: ReadonlyArray<string> | undefined, expected: number, of: string): void {
  if (labels === undefined) return;
  if (!isList(labels)) throw new Error(`${where}: ${name} must be an array of strings`);
  if (labels.length !== expected) throw new Error(`${where}: ${name} has ${labels.length} labels but ${of} has ${expected}`);
  labels.forEach((l, i) => {
    if (typeof l !== "string") throw new Error(`${where}: ${name}[${i}] is ${typeof l}, not a string`);
  });
}

/** Plotly merges equal category labels into one bar or one row, so duplicates are refused. */
export function checkUnique(where: string, name: string, labels: ReadonlyArray<string>): void {
  const seen = new Map<string, number>();
  labels.forEach((l, i) => {
    const first = seen.get(l);
    if (first !== undefined) throw new Error(`${where}: ${name} has "${l}" twice (at ${first} and ${i}); plotly would merge them into one`);
    seen.set(l, i);
  });
}

export function checkFinite(where: string, name: string, v: number): void {
  if (typeof v !== "number" || !Number.isFinite(v)) throw new Error(`${where}: ${name} is ${v}, not a finite number`);
}

/**
 * Plotly renders a small HTML subset in text (<b>, <br>, &amp;): a token like "<b>" or "&" would
 * be swallowed or restyled, so label text is entity-escaped to show as written.
 */
export function plotlyText(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
