/**
 * A score against its target. The miss is called significant by a one-sample, one-sided test at
 * α = 0.025: the whole 95% interval of the score (the one each score already reports — Wald for
 * NPS, Wilson for CSAT top-2 and FCR, Student t for CES) lies on the wrong side of the target.
 * Higher-is-better: significant miss ⇔ upper bound < target.
 * Lower-is-better (abandonment, wait, complaint rate): significant miss ⇔ lower bound > target.
 */
import type { Interval, ScoreLike } from "./types";

export type Direction = "higher-is-better" | "lower-is-better";

export type TargetGap = {
  target: number;
  value: number | null;
  direction: Direction;
  /**
   * How far the score falls short of the target, in the score's units: target − value when higher
   * is better, value − target when lower is better. Positive = missed, ≤ 0 = met. null without data.
   */
  gap: number | null;
  met: boolean | null;
  /** The 95% interval lies entirely on the wrong side of the target (see module comment). */
  significantMiss: boolean;
  ci95: Interval | null;
};

/**
 * `score` is any score of this package (its `value` and `ci95`): NPS (points), CSAT (top-2 %),
 * CES (mean), FCR (share 0..1 — give the target as a share too).
 */
export function targetGap(
  score: ScoreLike,
  target: number,
  direction: Direction = "higher-is-better",
): TargetGap {
  if (!Number.isFinite(target)) throw new RangeError(`target must be finite, got ${target}`);
  const { value, ci95 } = score;
  if (value === null)
    return { target, value, direction, gap: null, met: null, significantMiss: false, ci95 };
  const gap = direction === "higher-is-better" ? target - value : value - target;
  const significantMiss =
    ci95 !== null && (direction === "higher-is-better" ? ci95[1] < target : ci95[0] > target);
  return { target, value, direction, gap, met: gap <= 0, significantMiss, ci95 };
}
