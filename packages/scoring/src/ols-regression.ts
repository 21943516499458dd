/**
 * Ordinary least squares with an intercept, by Householder QR (no normal equations, so no squared
 * condition number), with classical or HC3 heteroskedasticity-robust standard errors.
 *
 *   y = Xβ + ε,   X = [1, x₁ … x_k] (n × p, p = k + 1),   X = QR
 *   β̂ = R⁻¹ Qᵀy,   e = y − Xβ̂,   h_i = x_iᵀ(XᵀX)⁻¹x_i = ‖R⁻ᵀx_i‖²      (leverage)
 *   classical: V = s²·(XᵀX)⁻¹,  s² = Σe²/(n − p)
 *   HC3:       V = (XᵀX)⁻¹ · Σ x_i x_iᵀ e_i²/(1 − h_i)² · (XᵀX)⁻¹      (MacKinnon & White 1985)
 *
 * Columns are taken in the order given and a column that adds nothing is not used: constant (no
 * variance at all) or collinear (1 − R² on the intercept and the columns kept before it ≤ 1e-10, the
 * threshold key-drivers uses). For HC3, a row with leverage 1 is the only information on some
 * direction: its residual is 0/0 and the columns loading on it have no robust SE (`leverageOne`).
 */
/** A column is collinear when its residual sum of squares on the kept columns is ≤ this share of its own. */
export const COLLINEARITY_TOLERANCE = 1e-10;
/** Leverage at or above 1 − this counts as 1. */
const LEVERAGE_ONE = 1e-9;
/** A coefficient loads on a leverage-1 row when |a_ij| / √(C_jj·h_i) exceeds this (the ratio is in [0, 1]). */
const LOADING = 1e-6;

export type SeType = "hc3" | "classical";

export type OlsFit = {
  n: number;
  /** Indexes (into the given columns) of the columns used, in order. */
  kept: number[];
  constant: number[];
  collinear: number[];
  /** Intercept first, then one per kept column. */
  coefficients: number[];
  /** Standard errors in the same order; null for a coefficient with no HC3 SE (leverage-1 rows). */
  se: (number | null)[];
  /** Kept columns (indexes as in `kept`) whose HC3 SE does not exist. */
  leverageOne: number[];
  /** n − p. */
  df: number;
  r2: number;
  residualSumOfSquares: number;
  totalSumOfSquares: number;
};

function dotRange(a: Float64Array, b: Float64Array, from: number): number {
  let s = 0;
  for (let i = from; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** Solves Rᵀz = x for upper-triangular R (forward substitution). */
function solveRt(r: number[][], x: readonly number[]): number[] {
  const p = r.length;
  const z = new Array<number>(p).fill(0);
  for (let i = 0; i < p; i++) {
    let s = x[i]!;
    for (let k = 0; k < i; k++) s -= r[k]![i]! * z[k]!;
    z[i] = s / r[i]![i]!;
  }
  return z;
}

/** Solves Rb = z (back substitution). */
function solveR(r: number[][], z: readonly number[]): number[] {
  const p = r.length;
  const b = new Array<number>(p).fill(0);
  for (let i = p - 1; i >= 0; i--) {
    let s = z[i]!;
    for (let k = i + 1; k < p; k++) s -= r[i]![k]! * b[k]!;
    b[i] = s / r[i]![i]!;
  }
  return b;
}

/**
 * Fits y on an intercept and `columns` (each of length n). The caller guarantees n ≥ 2, finite
 * values and y not constant.
 */
export function olsFit(
  y: readonly number[],
  columns: readonly (readonly number[])[],
  seType: SeType,
): OlsFit {
  const n = y.length;
  const work = [
    Float64Array.from({ length: n }, () => 1),
    ...columns.map((c) => Float64Array.from(c)),
  ];
  const qty = Float64Array.from(y);
  const r: number[][] = [];
  const keptWork: number[] = []; // indexes into `work`
  const constant: number[] = [];
  const collinear: number[] = [];

  for (let j = 0; j < work.length; j++) {
    const col = work[j]!;
    const rank = keptWork.length;
    // Reflections so far have been applied to this column; rows ≥ rank hold its residual on the
    // kept columns, whose squared norm is SS_j·(1 − R²_j) once the intercept is in.
    const residualSq = dotRange(col, col, rank);
    if (j > 0) {
      const original = columns[j - 1]!;
      const m = original.reduce((s, v) => s + v, 0) / n;
      const centredSq = original.reduce((s, v) => s + (v - m) ** 2, 0);
      if (!(centredSq > 0)) {
        constant.push(j - 1);
        continue;
      }
      if (!(residualSq > COLLINEARITY_TOLERANCE * centredSq) || rank >= n) {
        collinear.push(j - 1);
        continue;
      }
    }
    // Householder vector v for rows rank..n−1: maps the column to −sign(x_r)·‖x‖·e_r.
    const norm = Math.sqrt(residualSq);
    const alpha = col[rank]! > 0 ? -norm : norm;
    const v = new Float64Array(n);
    for (let i = rank; i < n; i++) v[i] = col[i]!;
    v[rank]! -= alpha;
    const vv = dotRange(v, v, rank);
    const reflect = (x: Float64Array): void => {
      if (!(vv > 0)) return;
      const f = (2 * dotRange(v, x, rank)) / vv;
      for (let i = rank; i < n; i++) x[i]! -= f * v[i]!;
    };
    for (let k = j; k < work.length; k++) reflect(work[k]!);
    reflect(qty);
    keptWork.push(j);
  }

  const p = keptWork.length;
  for (let a = 0; a < p; a++) r.push(keptWork.map((wj, b) => (b >= a ? work[wj]![a]! : 0)));
  const coefficients = solveR(r, Array.from(qty.subarray(0, p)));

  const design = keptWork.map((wj) => (wj === 0 ? null : columns[wj - 1]!));
  const rowOf = (i: number): number[] => design.map((c) => (c === null ? 1 : c[i]!));
  const yMean = y.reduce((s, v) => s + v, 0) / n;
  let sse = 0;
  let sst = 0;
  const residuals = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const xi = rowOf(i);
    let fitted = 0;
    for (let a = 0; a < p; a++) fitted += xi[a]! * coefficients[a]!;
    residuals[i] = y[i]! - fitted;
    sse += residuals[i]! ** 2;
    sst += (y[i]! - yMean) ** 2;
  }
  const df = n - p;

  // C = (XᵀX)⁻¹ = R⁻¹R⁻ᵀ; its diagonal is Σ_k (R⁻¹)_jk².
  const rInv = Array.from({ length: p }, (_, k) =>
    solveR(
      r,
      Array.from({ length: p }, (_, i) => (i === k ? 1 : 0)),
    ),
  );
  const cDiag = Array.from({ length: p }, (_, j) => rInv.reduce((s, col) => s + col[j]! ** 2, 0));

  let se: (number | null)[];
  const leverageOneCoef = new Set<number>();
  if (seType === "classical") {
    const s2 = df > 0 ? sse / df : NaN;
    se = cDiag.map((c) => Math.sqrt(s2 * c));
  } else {
    // V = R⁻¹ (Σ ω_i z_i z_iᵀ) R⁻ᵀ with z_i = R⁻ᵀx_i, h_i = ‖z_i‖², ω_i = e_i²/(1 − h_i)².
    const meat = Array.from({ length: p }, () => new Array<number>(p).fill(0));
    for (let i = 0; i < n; i++) {
      const z = solveRt(r, rowOf(i));
      const h = z.reduce((s, v) => s + v * v, 0);
      if (h >= 1 - LEVERAGE_ONE) {
        // a_i = (XᵀX)⁻¹x_i = R⁻¹z_i; coefficients loading on it have no leave-one-out residual.
        const a = solveR(r, z);
        a.forEach((aj, j) => {
          if (Math.abs(aj) > LOADING * Math.sqrt(cDiag[j]! * h)) leverageOneCoef.add(j);
        });
        continue; // e_i is 0 here; other coefficients get nothing from this row
      }
      const w = (residuals[i]! / (1 - h)) ** 2;
      for (let a = 0; a < p; a++) for (let b = 0; b <= a; b++) meat[a]![b]! += w * z[a]! * z[b]!;
    }
    for (let a = 0; a < p; a++) for (let b = a + 1; b < p; b++) meat[a]![b] = meat[b]![a]!;
    // diag(R⁻¹ M R⁻ᵀ)_j = ρ_jᵀ M ρ_j with ρ_j the j-th row of R⁻¹.
    se = Array.from({ length: p }, (_, j) => {
      if (leverageOneCoef.has(j)) return null;
      const row = rInv.map((col) => col[j]!);
      let v = 0;
      for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) v += row[a]! * meat[a]![b]! * row[b]!;
      return Math.sqrt(Math.max(0, v));
    });
  }

  return {
    n,
    kept: keptWork.slice(1).map((wj) => wj - 1),
    constant,
    collinear,
    coefficients,
    se,
    leverageOne: [...leverageOneCoef].filter((j) => j > 0).map((j) => keptWork[j]! - 1),
    df,
    r2: 1 - sse / sst,
    residualSumOfSquares: sse,
    totalSumOfSquares: sst,
  };
}
