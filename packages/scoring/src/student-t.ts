/**
 * Student's t distribution with real (not only integer) degrees of freedom ν, as Welch's test needs.
 * CDF through the regularized incomplete beta; quantile by safeguarded Newton on that CDF.
 */
import { logBeta, normalCdf, normalQuantile, regularizedBeta } from "./special-functions";

function checkDf(df: number): void {
  if (!(df > 0)) throw new RangeError(`degrees of freedom must be > 0, got ${df}`);
}

/** P(T > t) for t ≥ 0 — computed directly (no 1 − CDF cancellation): ½·I_{ν/(ν+t²)}(ν/2, ½). */
function upperTail(t: number, df: number): number {
  if (df === Infinity) return normalCdf(-t);
  const t2 = t * t;
  return 0.5 * regularizedBeta(df / 2, 0.5, df / (df + t2), t2 / (df + t2));
}

/** Student t CDF P(T ≤ t) with ν = df degrees of freedom (df may be fractional or Infinity). */
export function tCdf(t: number, df: number): number {
  checkDf(df);
  if (Number.isNaN(t)) return NaN;
  if (t === Infinity) return 1;
  if (t === -Infinity) return 0;
  return t >= 0 ? 1 - upperTail(t, df) : upperTail(-t, df);
}

/** Two-sided p-value P(|T| ≥ |t|) = 2·P(T > |t|), evaluated in the tail. */
export function tTwoSidedP(t: number, df: number): number {
  checkDf(df);
  if (!Number.isFinite(t)) return Number.isNaN(t) ? NaN : 0;
  return Math.min(1, 2 * upperTail(Math.abs(t), df));
}

/** Student t density. */
export function tPdf(t: number, df: number): number {
  checkDf(df);
  if (df === Infinity) return Math.exp(-0.5 * t * t) / Math.sqrt(2 * Math.PI);
  // Γ((ν+1)/2) / (Γ(ν/2)·√(νπ)) = 1 / (B(ν/2, ½)·√ν)
  return Math.exp(
    -logBeta(df / 2, 0.5) - 0.5 * Math.log(df) - ((df + 1) / 2) * Math.log1p((t * t) / df),
  );
}

const LARGE_DF = 1e5;

/** Cornish–Fisher expansion of the t quantile around the normal quantile z (Abramowitz & Stegun 26.7.5). */
function cornishFisher(z: number, df: number): number {
  const z2 = z * z;
  const g1 = (z * (z2 + 1)) / 4;
  const g2 = (z * ((5 * z2 + 16) * z2 + 3)) / 96;
  const g3 = (z * (((3 * z2 + 19) * z2 + 17) * z2 - 15)) / 384;
  const g4 = (z * ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945)) / 92160;
  return z + (g1 + (g2 + (g3 + g4 / df) / df) / df) / df;
}

/**
 * Student t quantile: the t with P(T ≤ t) = p. Solves P(T > t) = min(p, 1 − p) for t > 0 by Newton's
 * method kept inside a shrinking bracket (bisection when a step leaves it), starting from the
 * Cornish–Fisher expansion around the normal quantile; for ν ≥ 1e5 the expansion itself is returned.
 * Agrees with 40-digit references to ~1e-14 relative (see student-t.test.ts).
 */
export function tQuantile(p: number, df: number): number {
  checkDf(df);
  if (!(p > 0 && p < 1)) throw new RangeError(`tQuantile needs 0 < p < 1, got ${p}`);
  if (df === Infinity) return normalQuantile(p);
  if (p === 0.5) return 0;
  const alpha = p < 0.5 ? p : 1 - p;
  const sign = p < 0.5 ? -1 : 1;
  const z = -normalQuantile(alpha);
  let t = cornishFisher(z, df);
  // For huge ν the incomplete-beta continued fraction loses digits while the expansion's error,
  // O(ν⁻⁵), is far below double precision; it is also the Newton start point below.
  if (df >= LARGE_DF) return sign * t;
  let lo = 0;
  let hi = Math.max(t, 1);
  while (upperTail(hi, df) > alpha) hi *= 2;
  if (!(t > lo && t < hi)) t = (lo + hi) / 2;
  for (let i = 0; i < 500; i++) {
    const f = upperTail(t, df) - alpha; // decreasing in t
    if (f === 0) break;
    if (f > 0) lo = t;
    else hi = t;
    let next = t + f / tPdf(t, df);
    if (!(next > lo && next < hi) || !Number.isFinite(next)) next = (lo + hi) / 2;
    const done = Math.abs(next - t) <= 1e-15 * t || hi - lo <= 1e-15 * hi;
    t = next;
    if (done) break;
  }
  return sign * t;
}
