/**
 * Key-driver analysis: how much of the variance of the overall score (NPS 0–10) each touchpoint
 * score explains, by the Shapley-value decomposition of R² (LMG, Lindeman–Merenda–Gold) of the OLS
 * regression overall ~ drivers, over complete cases.
 *
 *   R²(S) = r_Sᵀ · R_SS⁻¹ · r_S      (R: driver correlation matrix, r: driver–overall correlations)
 *   rawWeight_j = Σ_{S ⊆ D∖{j}} |S|!·(k − |S| − 1)!/k! · (R²(S ∪ {j}) − R²(S))
 *   importance_j = rawWeight_j / R²(D)       (Σ rawWeight = R²(D), so Σ importance = 1)
 *   beta = R⁻¹ · r                            (standardized OLS coefficients)
 * Exact over all 2^k subsets; k ≤ MAX_KEY_DRIVERS keeps that instant.
 */
import { err, ok, type Result } from "@pulse/kit";
import { cholesky, choleskySolve, dot, type Matrix } from "./linear-algebra";

export const MAX_KEY_DRIVERS = 12;
/** A driver whose R² on the other drivers exceeds 1 − this is treated as collinear. */
const COLLINEARITY_TOLERANCE = 1e-10;

export type KeyDriverRow = {
  /** The overall score (NPS answer 0–10); null = not answered. */
  overall: number | null;
  /** Touchpoint scores by driver name; null or missing = not answered. */
  drivers: Readonly<Record<string, number | null | undefined>>;
};

export type DriverImportance = {
  driver: string;
  /** Share of R² (Σ over drivers = 1; all 0 when R² = 0). */
  importance: number;
  /** LMG contribution to R² (Σ over drivers = r2). */
  rawWeight: number;
  /** Standardized coefficient in the full regression. */
  beta: number;
  /** Pearson correlation with the overall score. */
  correlation: number;
  /** Complete cases used (the same for every driver). */
  n: number;
};

export type KeyDriverAnalysis = {
  /** R² of the full regression. */
  r2: number;
  /** Complete cases: rows with the overall score and every driver present. */
  n: number;
  /** Sorted by importance, largest first (ties by name). */
  drivers: DriverImportance[];
};

export type KeyDriverError = {
  code:
    "no_drivers" | "too_many_drivers" | "too_few_rows" | "constant_variable" | "collinear_drivers";
  message: string;
  variable?: string;
};

export type KeyDriverOptions = {
  /** Drivers to use, in this order; default: every key seen in any row, sorted. */
  drivers?: readonly string[];
};

function isNumber(v: number | null | undefined): v is number {
  return typeof v === "number" && Number.isFinite(v);
}

export function keyDrivers(
  rows: readonly KeyDriverRow[],
  options: KeyDriverOptions = {},
): Result<KeyDriverAnalysis, KeyDriverError> {
  const names = options.drivers
    ? [...options.drivers]
    : [...new Set(rows.flatMap((r) => Object.keys(r.drivers)))].sort();
  const k = names.length;
  if (k === 0) return err({ code: "no_drivers", message: "no driver scores to analyse" });
  if (k > MAX_KEY_DRIVERS)
    return err({
      code: "too_many_drivers",
      message: `at most ${MAX_KEY_DRIVERS} drivers (got ${k})`,
    });

  // Complete cases, as columns: index 0 is the overall score, 1..k the drivers.
  const cols: number[][] = Array.from({ length: k + 1 }, () => []);
  for (const row of rows) {
    const values = [row.overall, ...names.map((d) => row.drivers[d])];
    if (!values.every(isNumber)) continue;
    values.forEach((v, i) => cols[i]!.push(v));
  }
  const n = cols[0]!.length;
  if (n < k + 2) {
    return err({
      code: "too_few_rows",
      message: `need at least ${k + 2} complete cases for ${k} drivers, got ${n}`,
    });
  }

  // Two-pass centred cross-products (no Σx² − n·x̄² cancellation).
  const centred = cols.map((c) => {
    const mean = c.reduce((s, v) => s + v, 0) / n;
    return c.map((v) => v - mean);
  });
  const sd = centred.map((c) => Math.sqrt(dot(c, c)));
  const constant = sd.findIndex((s) => !(s > 0));
  if (constant >= 0) {
    const variable = constant === 0 ? "overall" : names[constant - 1]!;
    return err({
      code: "constant_variable",
      message: `${variable} has no variance among complete cases`,
      variable,
    });
  }
  const corr = (i: number, j: number): number => dot(centred[i]!, centred[j]!) / (sd[i]! * sd[j]!);
  const rxx: Matrix = names.map((_, i) => names.map((_, j) => (i === j ? 1 : corr(i + 1, j + 1))));
  const rxy = names.map((_, i) => corr(i + 1, 0));

  const full = cholesky(rxx, COLLINEARITY_TOLERANCE);
  if (full === null)
    return err({
      code: "collinear_drivers",
      message: "driver scores are (nearly) perfectly collinear",
    });
  const beta = choleskySolve(full, rxy);

  // R² of every subset, indexed by bit mask over drivers.
  const r2 = new Float64Array(1 << k);
  for (let mask = 1; mask < 1 << k; mask++) {
    const idx = names.map((_, i) => i).filter((i) => (mask >> i) & 1);
    const l = cholesky(
      idx.map((i) => idx.map((j) => rxx[i]![j]!)),
      0,
    );
    // Principal submatrices of a positive-definite matrix are positive definite.
    if (l === null) throw new Error("unreachable: submatrix of a positive-definite matrix");
    const r = idx.map((i) => rxy[i]!);
    r2[mask] = dot(r, choleskySolve(l, r));
  }

  // Shapley weight of a subset of size s not containing j: s!(k − s − 1)!/k!.
  const fact = [1];
  for (let i = 1; i <= k; i++) fact.push(fact[i - 1]! * i);
  const weight = (s: number): number => (fact[s]! * fact[k - s - 1]!) / fact[k]!;
  const popcount = (m: number): number => {
    let c = 0;
    for (let x = m; x; x &= x - 1) c++;
    return c;
  };

  const total = r2[(1 << k) - 1]!;
  const drivers = names.map((driver, j): DriverImportance => {
    let raw = 0;
    const bit = 1 << j;
    for (let mask = 0; mask < 1 << k; mask++) {
      if (mask & bit) continue;
      raw += weight(popcount(mask)) * (r2[mask | bit]! - r2[mask]!);
    }
    return {
      driver,
      importance: total > 0 ? raw / total : 0,
      rawWeight: raw,
      beta: beta[j]!,
      correlation: rxy[j]!,
      n,
    };
  });
  drivers.sort((a, b) => b.importance - a.importance || a.driver.localeCompare(b.driver));
  return ok({ r2: total, n, drivers });
}
