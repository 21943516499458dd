/**
 * Normal-mixture sequential probability ratio test (mSPRT; Robbins 1970, Johari et al. 2017) for a
 * mean without a bound (wait time). With the mixing distribution θ ~ N(m, τ²) over the alternative
 * mean θ and observations N(θ, σ²), the mixture likelihood ratio after n observations is
 *
 *   Λ_n = √(σ² / (σ² + nτ²)) · exp( n²τ²(x̄ − m)² / (2σ²(σ² + nτ²)) )
 *
 * a nonnegative martingale with mean 1 under H0: θ = m, so P(∃n: Λ_n ≥ 1/α) ≤ α (Ville). We call a
 * one-sided alarm only when x̄ is also on the bad side, which is a subset of the two-sided event.
 * σ² is the running sample variance (plug-in: the guarantee is then asymptotic, which is why a
 * minimum n is required before an alarm); τ = r·σ with r the effect size the test is tuned for.
 * State: n, Σx, Σx² since the start, stepped one minute at a time.
 */
import { InvalidParameterError } from "../parameters";

export interface MsprtState {
  readonly n: number;
  readonly sum: number;
  readonly sumSq: number;
}

export const initialMsprt = (): MsprtState => ({ n: 0, sum: 0, sumSq: 0 });

export function stepMsprt(state: MsprtState, n: number, sum: number, sumSq: number): MsprtState {
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidParameterError("n", "must be an integer ≥ 0", n);
  return { n: state.n + n, sum: state.sum + sum, sumSq: state.sumSq + sumSq };
}

/** ln Λ_n with a given σ² (known variance); exported for tests and for a fixed-σ use. */
export function msprtLogLr(n: number, mean: number, target: number, sigma2: number, tau2: number): number {
  if (n === 0) return 0;
  const v = sigma2 + n * tau2;
  return 0.5 * Math.log(sigma2 / v) + (n * n * tau2 * (mean - target) ** 2) / (2 * sigma2 * v);
}

/** ln e-value of the plug-in test, 0 before two observations or with zero variance. */
export function msprtLogE(state: MsprtState, target: number, effectRatio = 0.5): number {
  const { n, sum, sumSq } = state;
  if (n < 2) return 0;
  const mean = sum / n;
  const s2 = Math.max(0, (sumSq - n * mean * mean) / (n - 1));
  if (!(s2 > 0)) return 0;
  return msprtLogLr(n, mean, target, s2, effectRatio * effectRatio * s2);
}
