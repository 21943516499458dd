/**
 * CUSUM change detection against a touchpoint's own baseline (Page 1954), on per-minute sufficient
 * statistics. A CUSUM adds the log-likelihood ratio (LLR) of "shifted by δ" vs "baseline" for each
 * observation and restarts at zero whenever the sum goes negative:
 *
 *   S_t = max(0, S_{t−1} + LLR_t)          alarm when S_t ≥ h
 *
 * - `tiltedCusum` (NPS, shares): the shifted distribution is the exponential tilt of the baseline
 *   distribution p0 over the support, p1(x) ∝ p0(x)·e^{θx}, with θ chosen so its mean is μ0 + δ.
 *   The LLR of one observation is θx − ln M(θ), M(θ) = Σ p0(x)e^{θx}, so one minute adds
 *   θ·Σx − n·ln M(θ) — only n and Σx are needed. For a share this is exactly the Bernoulli CUSUM.
 * - `normalCusum` (CES, wait): observations N(μ0, σ²) vs N(μ0 + δ, σ²); one minute adds
 *   (δ/σ²)·(Σx − n·(μ0 + δ/2)).
 *
 * Threshold for a stated in-control average run length ARL0 (in observations):
 * - normal: Siegmund's approximation for the standardised CUSUM with reference k = |δ|/(2σ) and
 *   threshold h' = h·σ/|δ|:  ARL0 ≈ (e^{2kb} − 2kb − 1)/(2k²), b = h' + 1.166; solved for h' by bisection.
 * - tilted (discrete increments): the Brook–Evans Markov chain: S on a grid of `cells` points over
 *   [0, h) (mass split linearly between neighbouring points), transitions from the baseline distribution of one observation's LLR, absorbing at ≥ h;
 *   ARL0 = ((I − R)⁻¹·1)₀; solved for h by bisection. Lorden's bound ARL0 ≥ e^h always holds.
 * Steps are per minute, so restarts happen only at minute ends: S per minute ≤ S per observation,
 * and the real ARL0 is at least the computed one.
 */
import { InvalidParameterError } from "../parameters";

export interface CusumState {
  /** the statistic S_t (≥ 0) */
  readonly s: number;
  /** observations since S last left zero (the length of the suspected change) */
  readonly n: number;
  /** minute (epoch ms) at which S last left zero, null while S = 0 */
  readonly since: number | null;
}

export const initialCusum = (): CusumState => ({ s: 0, n: 0, since: null });

export interface TiltedCusum {
  readonly kind: "tilted";
  readonly support: readonly number[];
  readonly p0: readonly number[];
  readonly theta: number;
  readonly logM: number;
}

export interface NormalCusum {
  readonly kind: "normal";
  readonly mu0: number;
  readonly sigma: number;
  readonly delta: number;
}

export interface PoissonCusum {
  readonly kind: "poisson";
  readonly r0: number;
  readonly r1: number;
}

export type CusumSpec = TiltedCusum | NormalCusum | PoissonCusum;

export function poissonCusum(r0: number, delta: number): PoissonCusum {
  if (!(r0 > 0)) throw new InvalidParameterError("r0", "must be > 0 (a baseline with no events has no rate to move from)", r0);
  if (!(delta !== 0 && r0 + delta > 0)) throw new InvalidParameterError("delta", "must be non-zero with r0 + δ > 0", delta);
  return { kind: "poisson", r0, r1: r0 + delta };
}

const POISSON_MAX = 30;

function poissonPmf(k: number, mu: number): number {
  let logP = -mu + k * Math.log(mu);
  for (let i = 2; i <= k; i++) logP -= Math.log(i);
  return Math.exp(logP);
}

function logMgf(support: readonly number[], p0: readonly number[], theta: number): number {
  // log Σ p e^{θx}, stable
  const terms = support.map((x, i) => Math.log(p0[i]!) + theta * x);
  const max = Math.max(...terms.filter((t) => Number.isFinite(t)));
  let s = 0;
  for (const t of terms) if (Number.isFinite(t)) s += Math.exp(t - max);
  return max + Math.log(s);
}

function tiltedMean(support: readonly number[], p0: readonly number[], theta: number): number {
  const lm = logMgf(support, p0, theta);
  let m = 0;
  support.forEach((x, i) => {
    if (p0[i]! > 0) m += x * Math.exp(Math.log(p0[i]!) + theta * x - lm);
  });
  return m;
}

/** The tilt θ with mean μ0 + δ; throws when μ0 + δ is outside the support's range. */
export function tiltedCusum(support: readonly number[], p0: readonly number[], delta: number): TiltedCusum {
  if (support.length !== p0.length || support.length < 2)
    throw new InvalidParameterError("p0", "must give one probability per support value (≥ 2 values)", p0.length);
  const total = p0.reduce((a, b) => a + b, 0);
  if (p0.some((p) => !(p >= 0)) || Math.abs(total - 1) > 1e-9)
    throw new InvalidParameterError("p0", "must be probabilities summing to 1", p0.join(","));
  const inSupport = support.filter((_, i) => p0[i]! > 0);
  const mu0 = support.reduce((a, x, i) => a + x * p0[i]!, 0);
  const goal = mu0 + delta;
  if (!(delta !== 0 && goal > Math.min(...inSupport) && goal < Math.max(...inSupport)))
    throw new InvalidParameterError("delta", `must be non-zero with μ0 + δ inside the baseline's support (μ0 = ${mu0})`, delta);
  let lo = delta > 0 ? 0 : -1;
  let hi = delta > 0 ? 1 : 0;
  while (delta > 0 ? tiltedMean(support, p0, hi) < goal : tiltedMean(support, p0, lo) > goal) {
    if (delta > 0) hi *= 2;
    else lo *= 2;
  }
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (tiltedMean(support, p0, mid) < goal) lo = mid;
    else hi = mid;
  }
  const theta = (lo + hi) / 2;
  return { kind: "tilted", support, p0, theta, logM: logMgf(support, p0, theta) };
}

export function normalCusum(mu0: number, sigma: number, delta: number): NormalCusum {
  if (!(sigma > 0)) throw new InvalidParameterError("sigma", "must be > 0", sigma);
  if (!(delta !== 0 && Number.isFinite(delta))) throw new InvalidParameterError("delta", "must be a non-zero number", delta);
  return { kind: "normal", mu0, sigma, delta };
}

/** The LLR one minute of n observations with sum Σx adds (poisson: n = exposure, sum = count). */
export function cusumIncrement(spec: CusumSpec, n: number, sum: number): number {
  if (spec.kind === "poisson") return sum * Math.log(spec.r1 / spec.r0) - n * (spec.r1 - spec.r0);
  if (spec.kind === "tilted") return spec.theta * sum - n * spec.logM;
  const { mu0, sigma, delta } = spec;
  return (delta / (sigma * sigma)) * (sum - n * (mu0 + delta / 2));
}

export function stepCusum(spec: CusumSpec, state: CusumState, minute: number, n: number, sum: number): CusumState {
  if (!(n >= 0 && Number.isFinite(n))) throw new InvalidParameterError("n", "must be a number ≥ 0", n);
  if (n === 0) return state;
  const s = state.s + cusumIncrement(spec, n, sum);
  if (s <= 0) return initialCusum();
  return { s, n: state.n + n, since: state.since ?? minute };
}

/**
 * A p-value for "no change since S last left zero": for each of the N candidate start points the
 * likelihood ratio is a mean-one martingale, so P(LR ≥ e^S) ≤ e^{−S} (Markov), and a union bound
 * over the N starts gives p = min(1, N·e^{−S}). Used for the tenant-wide FDR step.
 */
export function cusumPValue(state: CusumState): number {
  if (state.s <= 0) return 1;
  return Math.min(1, Math.max(1, state.n) * Math.exp(-state.s));
}

/** Siegmund's approximation of the one-sided ARL of the standardised CUSUM (reference k, threshold h). */
export function siegmundArl(k: number, h: number, drift = 0): number {
  const d = drift - k; // mean of one standardised increment
  const b = h + 1.166;
  if (Math.abs(d) < 1e-12) return b * b;
  return (Math.exp(-2 * d * b) + 2 * d * b - 1) / (2 * d * d);
}

function bisect(f: (h: number) => number, goal: number, hi0: number): number {
  let lo = 0;
  let hi = hi0;
  while (f(hi) < goal) hi *= 2;
  for (let i = 0; i < 40; i++) {
    const mid = (lo + hi) / 2;
    if (f(mid) < goal) lo = mid;
    else hi = mid;
  }
  return hi;
}

/**
 * Brook–Evans ARL (in observations) of the LLR CUSUM whose per-observation increments take values
 * `increments` with probabilities `probs`, started at 0, threshold h, on a grid of `cells` points.
 */
export function markovChainArl(increments: readonly number[], probs: readonly number[], h: number, cells = 200): number {
  const w = h / cells;
  // R[i][j]: from grid point i (S = i·w) to grid point j without absorbing
  const a: number[][] = Array.from({ length: cells }, () => new Array<number>(cells).fill(0));
  for (let i = 0; i < cells; i++) {
    a[i]![i] = 1;
    for (let c = 0; c < increments.length; c++) {
      const next = Math.max(0, i * w + increments[c]!);
      if (next >= h) continue;
      // split the mass between the two neighbouring grid points (linear interpolation), so the
      // chain's ARL moves smoothly with h; the upper neighbour of the last point is the barrier
      const x = next / w;
      const j = Math.floor(x);
      const f = x - j;
      a[i]![j]! -= probs[c]! * (1 - f);
      if (j + 1 < cells) a[i]![j + 1]! -= probs[c]! * f;
    }
  }
  // Solve (I − R)·L = 1 by Gaussian elimination with partial pivoting.
  const b = new Array<number>(cells).fill(1);
  for (let col = 0; col < cells; col++) {
    let piv = col;
    for (let r = col + 1; r < cells; r++) if (Math.abs(a[r]![col]!) > Math.abs(a[piv]![col]!)) piv = r;
    [a[col], a[piv]] = [a[piv]!, a[col]!];
    [b[col], b[piv]] = [b[piv]!, b[col]!];
    const p = a[col]![col]!;
    for (let r = col + 1; r < cells; r++) {
      const f = a[r]![col]! / p;
      if (f === 0) continue;
      for (let c = col; c < cells; c++) a[r]![c]! -= f * a[col]![c]!;
      b[r]! -= f * b[col]!;
    }
  }
  const x = new Array<number>(cells).fill(0);
  for (let r = cells - 1; r >= 0; r--) {
    let s = b[r]!;
    for (let c = r + 1; c < cells; c++) s -= a[r]![c]! * x[c]!;
    x[r] = s / a[r]![r]!;
  }
  return x[0]!;
}

/** The LLR of one observation of each support value, under a tilted CUSUM. */
export function tiltedIncrements(spec: TiltedCusum): number[] {
  return spec.support.map((x) => spec.theta * x - spec.logM);
}

/** h (on the LLR scale) whose in-control ARL is `arl0` observations. */
export function cusumThreshold(spec: CusumSpec, arl0: number): number {
  if (!(arl0 > 1)) throw new InvalidParameterError("arl0", "must be > 1 observation", arl0);
  if (spec.kind === "normal") {
    const k = Math.abs(spec.delta) / (2 * spec.sigma);
    const hStd = bisect((h) => siegmundArl(k, h), arl0, 4);
    return (hStd * Math.abs(spec.delta)) / spec.sigma;
  }
  if (spec.kind === "poisson") {
    const probs = Array.from({ length: POISSON_MAX + 1 }, (_, k) => poissonPmf(k, spec.r0));
    probs[POISSON_MAX] = Math.max(0, 1 - probs.slice(0, POISSON_MAX).reduce((a, b) => a + b, 0));
    const inc = probs.map((_, k) => cusumIncrement(spec, 1, k));
    return bisect((h) => markovChainArl(inc, probs, h), arl0, Math.max(1, Math.log(arl0)));
  }
  const inc = tiltedIncrements(spec);
  return bisect((h) => markovChainArl(inc, spec.p0, h), arl0, Math.max(1, Math.log(arl0)));
}
