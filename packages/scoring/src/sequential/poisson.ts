/**
 * Counts against an exposure (complaints per contact): the count over an exposure e is taken as
 * Poisson(r·e).
 *
 * - Target (`stepPoissonE`): H0 r ≤ m. For K ~ Poisson(r·e), E[exp(λK − m·e·(e^λ − 1))] ≤ 1 when
 *   r ≤ m and λ ≥ 0, so ln E += λ·k − m·e·(e^λ − 1) is a test supermartingale (Ville: alarm at
 *   E ≥ 1/α). Bet: λ = ln(r̃/m) clipped to [0, ln 4], r̃ the discounted past rate (with a prior of
 *   one unit of exposure at rate m).
 * - Change (`poissonCusum`): r0 vs r1 = r0 + δ; one minute adds k·ln(r1/r0) − e·(r1 − r0). Its ARL
 *   per unit of exposure comes from the same Brook–Evans chain (`cusumThreshold`), with the count
 *   per unit of exposure truncated at 30.
 */
import { InvalidParameterError } from "../parameters";

export interface PoissonEState {
  readonly logE: number;
  /** exposure and count since the start, and their discounted sums for the bet */
  readonly exposure: number;
  readonly count: number;
  readonly dExposure: number;
  readonly dCount: number;
}

export const initialPoissonE = (): PoissonEState => ({ logE: 0, exposure: 0, count: 0, dExposure: 0, dCount: 0 });

export function poissonBet(target: number, state: PoissonEState): number {
  const rate = (state.dCount + target) / (state.dExposure + 1);
  return Math.min(Math.log(4), Math.max(0, Math.log(rate / target)));
}

/** One minute: `count` events over `exposure` units; H0 rate ≤ target (per unit). */
export function stepPoissonE(target: number, state: PoissonEState, exposure: number, count: number, halfLife = 5000): PoissonEState {
  if (!(target > 0)) throw new InvalidParameterError("target", "must be > 0", target);
  if (!Number.isSafeInteger(count) || count < 0) throw new InvalidParameterError("count", "must be an integer ≥ 0", count);
  if (!(exposure >= 0)) throw new InvalidParameterError("exposure", "must be ≥ 0", exposure);
  if (exposure === 0 && count === 0) return state;
  const lambda = poissonBet(target, state);
  const d = Math.pow(0.5, exposure / halfLife);
  return {
    logE: state.logE + lambda * count - target * exposure * Math.expm1(lambda),
    exposure: state.exposure + exposure,
    count: state.count + count,
    dExposure: state.dExposure * d + exposure,
    dCount: state.dCount * d + count,
  };
}
