/** Interval formulas shared by the scores. */
import { Z95, gammaQuantile } from "./special-functions";
import type { Interval } from "./types";

/**
 * Wilson score interval for a binomial share x/n (as a share 0..1):
 *   centre = (p̂ + z²/(2n)) / (1 + z²/n)
 *   half   = z / (1 + z²/n) · √(p̂(1 − p̂)/n + z²/(4n²))
 * The bounds are exactly 0 when x = 0 and exactly 1 when x = n (the formula gives that in exact
 * arithmetic; we pin it so rounding cannot leave 1e-17 behind). null when n = 0.
 */
export function wilsonInterval(x: number, n: number, z: number = Z95): Interval | null {
  if (n === 0) return null;
  const p = x / n;
  const z2n = (z * z) / n;
  const denom = 1 + z2n;
  const centre = (p + z2n / 2) / denom;
  const half = (z / denom) * Math.sqrt((p * (1 - p)) / n + z2n / (4 * n));
  const lo = x === 0 ? 0 : Math.max(0, centre - half);
  const hi = x === n ? 1 : Math.min(1, centre + half);
  return [lo, hi];
}

/**
 * Exact (Garwood) 95% interval for a Poisson count k:
 *   lower = ½·χ²_{0.025}(2k)   (0 when k = 0)      upper = ½·χ²_{0.975}(2k + 2)
 * written with the gamma quantile, since ½·χ²_p(2s) = Gamma(shape s, scale 1) quantile at p.
 */
export function poissonInterval(k: number): Interval {
  const lo = k === 0 ? 0 : gammaQuantile(0.025, k);
  return [lo, gammaQuantile(0.975, k + 1)];
}

/** value ± z·se, clamped to [min, max]. */
export function symmetricInterval(
  value: number,
  se: number,
  critical: number,
  min = -Infinity,
  max = Infinity,
): Interval {
  return [Math.max(min, value - critical * se), Math.min(max, value + critical * se)];
}

export function scaleInterval(ci: Interval | null, factor: number): Interval | null {
  return ci === null ? null : [ci[0] * factor, ci[1] * factor];
}
