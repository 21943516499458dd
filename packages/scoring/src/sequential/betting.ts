/**
 * Anytime-valid tests that a bounded mean has crossed a target, as test supermartingales (betting
 * e-processes). The wealth E_t starts at 1; under the null (the target is met) E[E_t] ≤ 1 at every
 * stopping time, so by Ville's inequality P(∃t: E_t ≥ 1/α) ≤ α however often it is looked at.
 *
 * With y = s·(x − m) (s = −1 when lower values are bad, +1 when higher values are bad) the null is
 * E[y] ≤ 0 and each observation multiplies the wealth by (1 + λ·y) with a bet λ ≥ 0 fixed before
 * the minute it is used in (predictable), so E[1 + λy] ≤ 1 under the null.
 *
 * - `categoricalEProcess`: exact, for variables with a few values (NPS +1/0/−1, a share 1/0): one
 *   minute multiplies the wealth by ∏_c (1 + λ·y_c)^{count_c}. Bet: aGRAPA, λ = Σ̃y / Σ̃y² over
 *   exponentially discounted past observations, clipped to [0, c/|min y|] with c = 1/2 so every
 *   factor stays ≥ 1/2.
 * - `hoeffdingEProcess`: for a mean bounded in [a, b] known only through n and Σx (CES 1..7): one
 *   minute multiplies the wealth by exp(λ·Σy − n·λ²(b − a)²/8) (Hoeffding's lemma makes each factor
 *   a supermartingale factor). Bet: λ = 4·ȳ̃/(b − a)², clipped to [0, 2/(b − a)].
 *
 * State is a small JSON object stepped one minute at a time.
 */
import { InvalidParameterError } from "../parameters";

export type Side = "below" | "above";

export interface EProcessState {
  /** ln E_t */
  readonly logE: number;
  /** observations since the start */
  readonly n: number;
  /** discounted Σy and Σy² (or weight) that set the next bet */
  readonly sy: number;
  readonly syy: number;
}

export interface CategoricalSpec {
  /** the values the variable can take, e.g. [1, 0, −1] for NPS */
  readonly support: readonly number[];
  /** H0: mean ≥ target (side "below": alarm when the mean is below) or mean ≤ target ("above") */
  readonly target: number;
  readonly side: Side;
  /** half-life of the bet's estimate, in observations (default 500) */
  readonly halfLife?: number;
}

const BET_CAP = 0.5;

export function initialEProcess(): EProcessState {
  return { logE: 0, n: 0, sy: 0, syy: 0 };
}

function checkTarget(support: readonly number[], target: number): void {
  const lo = Math.min(...support);
  const hi = Math.max(...support);
  if (!Number.isFinite(target) || target <= lo || target >= hi)
    throw new InvalidParameterError("target", `must lie strictly inside [${lo}, ${hi}]`, target);
}

/** The bet for the next minute: λ ∈ [0, cap]. */
export function categoricalBet(spec: CategoricalSpec, state: EProcessState): number {
  const sign = spec.side === "below" ? -1 : 1;
  const ys = spec.support.map((x) => sign * (x - spec.target));
  const yMin = Math.min(...ys);
  const range = Math.max(...ys) - yMin;
  const cap = BET_CAP / -yMin;
  // prior: one pseudo-observation of y² = (range/2)² keeps the first bets small
  const denom = state.syy + (range / 2) ** 2;
  return Math.min(cap, Math.max(0, state.sy / denom));
}

/**
 * One minute: `counts[i]` observations of `support[i]`. Returns the new state; the wealth factor
 * uses the bet computed from the state before this minute.
 */
export function stepCategorical(
  spec: CategoricalSpec,
  state: EProcessState,
  counts: readonly number[],
): EProcessState {
  checkTarget(spec.support, spec.target);
  if (counts.length !== spec.support.length)
    throw new InvalidParameterError("counts", `must have one count per support value (${spec.support.length})`, counts.length);
  const lambda = categoricalBet(spec, state);
  const sign = spec.side === "below" ? -1 : 1;
  const decay = Math.pow(0.5, 1 / (spec.halfLife ?? 500));
  let logE = state.logE;
  let n = state.n;
  let sy = 0;
  let syy = 0;
  let total = 0;
  for (let i = 0; i < counts.length; i++) {
    const k = counts[i]!;
    if (!Number.isSafeInteger(k) || k < 0) throw new InvalidParameterError(`counts[${i}]`, "must be an integer ≥ 0", k);
    const y = sign * (spec.support[i]! - spec.target);
    if (k > 0) logE += k * Math.log1p(lambda * y);
    sy += k * y;
    syy += k * y * y;
    total += k;
    n += k;
  }
  // Discount the past by decay^total, then add this minute (its own observations undiscounted).
  const d = Math.pow(decay, total);
  return { logE, n, sy: state.sy * d + sy, syy: state.syy * d + syy };
}

export interface BoundedMeanSpec {
  readonly lower: number;
  readonly upper: number;
  readonly target: number;
  readonly side: Side;
  readonly halfLife?: number;
}

/** The Hoeffding bet for the next minute. Here `syy` holds the discounted observation count. */
export function hoeffdingBet(spec: BoundedMeanSpec, state: EProcessState): number {
  const range = spec.upper - spec.lower;
  const mean = state.sy / (state.syy + 1); // one pseudo-observation at y = 0
  return Math.min(2 / range, Math.max(0, (4 * mean) / (range * range)));
}

/** One minute of a mean bounded in [lower, upper]: n observations with sum Σx. */
export function stepHoeffding(
  spec: BoundedMeanSpec,
  state: EProcessState,
  n: number,
  sum: number,
): EProcessState {
  if (!(spec.upper > spec.lower)) throw new InvalidParameterError("upper", "must be greater than lower", spec.upper);
  if (!(spec.target > spec.lower && spec.target < spec.upper))
    throw new InvalidParameterError("target", `must lie strictly inside [${spec.lower}, ${spec.upper}]`, spec.target);
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidParameterError("n", "must be an integer ≥ 0", n);
  if (n === 0) return state;
  if (!(sum >= n * spec.lower - 1e-9 && sum <= n * spec.upper + 1e-9))
    throw new InvalidParameterError("sum", `must lie in [n·${spec.lower}, n·${spec.upper}]`, sum);
  const range = spec.upper - spec.lower;
  const lambda = hoeffdingBet(spec, state);
  const sign = spec.side === "below" ? -1 : 1;
  const sy = sign * (sum - n * spec.target);
  const logE = state.logE + lambda * sy - (n * lambda * lambda * range * range) / 8;
  const d = Math.pow(0.5, n / (spec.halfLife ?? 500));
  return { logE, n: state.n + n, sy: state.sy * d + sy, syy: state.syy * d + n };
}
