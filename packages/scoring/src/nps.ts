/** Net Promoter Score from bucket counts. */
import { symmetricInterval } from "./intervals";
import { Z95 } from "./special-functions";
import type { Interval, NpsStats } from "./types";
import { InvalidStatsError, assertCount } from "./validate";

export type NpsScore = {
  /** 100·(p₊ − p₋), in −100..100; null when n = 0. */
  value: number | null;
  n: number;
  /** The counts, as given. */
  promoters: number;
  passives: number;
  detractors: number;
  /** The shares as percentages 0..100; null when n = 0. */
  promoterPct: number | null;
  passivePct: number | null;
  detractorPct: number | null;
  /** 100·√((p₊ + p₋ − (p₊ − p₋)²)/n); null when n = 0. */
  se: number | null;
  /** value ± 1.959963984540054·se, clamped to [−100, 100]; null when n = 0. */
  ci95: Interval | null;
};

/** Maps one 0–10 answer to its bucket (promoter 9–10, passive 7–8, detractor 0–6). */
export function npsBucket(answer: number): "promoter" | "passive" | "detractor" {
  if (!Number.isInteger(answer) || answer < 0 || answer > 10)
    throw new InvalidStatsError(`an NPS answer is an integer 0–10, got ${answer}`);
  return answer >= 9 ? "promoter" : answer >= 7 ? "passive" : "detractor";
}

function assertNpsStats(s: NpsStats): void {
  assertCount("n", s.n);
  assertCount("promoters", s.promoters);
  assertCount("passives", s.passives);
  assertCount("detractors", s.detractors);
  if (s.promoters + s.passives + s.detractors !== s.n) {
    throw new InvalidStatsError("promoters + passives + detractors must equal n", { ...s });
  }
}

/**
 * NPS = 100·(P − D)/n with its standard error. The variance term is formed from integers,
 * n·(P + D) − (P − D)² = n²·(p₊ + p₋ − (p₊ − p₋)²), exactly (BigInt), so SE = 100·√that / n^{3/2}
 * carries only the final rounding, and is exactly 0 when all answers share a bucket.
 */
export function npsScore(stats: NpsStats): NpsScore {
  assertNpsStats(stats);
  const { n, promoters, passives, detractors } = stats;
  if (n === 0) {
    return {
      value: null,
      n,
      promoters,
      passives,
      detractors,
      promoterPct: null,
      passivePct: null,
      detractorPct: null,
      se: null,
      ci95: null,
    };
  }
  const value = (100 * (promoters - detractors)) / n;
  const diff = BigInt(promoters - detractors);
  const varTimesN2 = Number(BigInt(n) * BigInt(promoters + detractors) - diff * diff);
  const se = (100 * Math.sqrt(varTimesN2)) / (n * Math.sqrt(n));
  return {
    value,
    n,
    promoters,
    passives,
    detractors,
    promoterPct: (100 * promoters) / n,
    passivePct: (100 * passives) / n,
    detractorPct: (100 * detractors) / n,
    se,
    ci95: symmetricInterval(value, se, Z95, -100, 100),
  };
}

/** Buckets raw 0–10 answers into NpsStats (for callers holding raw answers, and for tests). */
export function npsStatsOf(answers: Iterable<number>): NpsStats {
  const s = { n: 0, promoters: 0, passives: 0, detractors: 0 };
  for (const a of answers) {
    const b = npsBucket(a);
    s.n++;
    if (b === "promoter") s.promoters++;
    else if (b === "passive") s.passives++;
    else s.detractors++;
  }
  return s;
}
