/**
 * Principal component analysis, enough to draw embeddings in 2-D: the top components of the
 * centred data by power iteration on XᵀX (never forming the d×d covariance, d = 768 for BERT),
 * deflating after each one. Deterministic: same input, same picture.
 */
import { checkMatrix, type Matrix } from "./validate";

export interface PcaResult {
  /** [n][components]: each row's coordinates along the components. */
  projected: number[][];
  /** [components][d], unit length. */
  components: number[][];
  /** Share of the total variance each component explains. */
  explained: number[];
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

export function pca(rows: Matrix, components = 2, iterations = 200): PcaResult {
  const [n, d] = checkMatrix("pca", "rows", rows);
  if (n < 2) throw new Error(`pca: needs at least 2 rows to find directions of variance, got ${n}`);
  if (!Number.isInteger(components) || components < 1 || components > d) throw new Error(`pca: components must be 1..${d}, got ${components}`);
  const mean = new Float64Array(d);
  for (const row of rows) for (let j = 0; j < d; j++) mean[j] += row[j] / n;
  const x = rows.map((row) => Float64Array.from(row, (v, j) => v - mean[j]));
  const total = x.reduce((s, row) => s + dot(row, row), 0);
  const comps: number[][] = [];
  const explained: number[] = [];
  for (let k = 0; k < components; k++) {
    // A fixed, non-symmetric start so that no component is orthogonal to it by construction.
    let v = Float64Array.from({ length: d }, (_, j) => 1 + ((j * 7919 + k * 104729) % 97) / 97);
    let lambda = 0;
    for (let it = 0; it < iterations; it++) {
      const xv = x.map((row) => dot(row, v));
      const next = new Float64Array(d);
      for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) next[j] += x[i][j] * xv[i];
      const norm = Math.sqrt(dot(next, next));
      if (norm === 0) break; // no variance left
      for (let j = 0; j < d; j++) next[j] /= norm;
      const change = 1 - Math.abs(dot(next, v)) / Math.sqrt(dot(v, v));
      v = next;
      lambda = norm;
      if (change < 1e-12) break;
    }
    // Sign convention: the largest |coordinate| of the component is positive.
    let big = 0;
    for (let j = 0; j < d; j++) if (Math.abs(v[j]) > Math.abs(v[big])) big = j;
    if (v[big] < 0) for (let j = 0; j < d; j++) v[j] = -v[j];
    comps.push(Array.from(v));
    explained.push(total === 0 ? 0 : lambda / total);
    // Deflate: remove this direction from every row.
    for (const row of x) {
      const p = dot(row, v);
      for (let j = 0; j < d; j++) row[j] -= p * v[j];
    }
  }
  const centred = rows.map((row) => Float64Array.from(row, (v, j) => v - mean[j]));
  return { projected: centred.map((row) => comps.map((c) => dot(row, c))), components: comps, explained };
}
