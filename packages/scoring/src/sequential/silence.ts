/**
 * Silence: a touchpoint that normally has traffic goes quiet. Over a window the count k is tested
 * against its baseline expectation μ (the sum of the baseline per-minute rates over the window's
 * minutes) with the exact Poisson lower tail
 *
 *   p = P(Poisson(μ) ≤ k) = Q(k + 1, μ)        (regularised upper incomplete gamma)
 *
 * and is called silent when p < α and μ ≥ minExpected (a quiet touchpoint that expects 2 events an
 * hour is not "silent" after 10 minutes). Evaluated every minute, the false alarms per minute are at
 * most α (each evaluation is a level-α test; union bound), so α = 1e-6 gives ≤ 0.044 per 30 days.
 */
import { InvalidParameterError } from "../parameters";
import { regularizedGammaQ } from "../special-functions";

export function poissonLowerTail(k: number, mu: number): number {
  if (!Number.isSafeInteger(k) || k < 0) throw new InvalidParameterError("k", "must be an integer ≥ 0", k);
  if (!(mu >= 0)) throw new InvalidParameterError("mu", "must be ≥ 0", mu);
  if (mu === 0) return 1;
  return regularizedGammaQ(k + 1, mu);
}

export interface SilenceResult {
  readonly observed: number;
  readonly expected: number;
  readonly p: number;
  readonly silent: boolean;
}

export function silenceTest(observed: number, expected: number, alpha = 1e-6, minExpected = 10): SilenceResult {
  if (!(alpha > 0 && alpha < 1)) throw new InvalidParameterError("alpha", "must be in (0, 1)", alpha);
  const p = poissonLowerTail(observed, expected);
  return { observed, expected, p, silent: expected >= minExpected && p < alpha };
}
