/**
 * Recovery of followed-up customers (the inner loop): of the customers a case followed up who later
 * answered a survey, how many scored higher than before, and how many became promoters.
 *
 * Counts, so windows and teams merge by addition:
 *   followedUp       customers whose case was followed up
 *   answered         of those, customers who answered an NPS survey after the follow-up
 *   compared         of those, customers with an earlier NPS answer (the trigger's, or their last
 *                    one before it) to compare with; "improved" is only defined for them
 *   improved         of compared, later answer > earlier answer
 *   becamePromoters  of compared, earlier answer ≤ 8 and later answer 9–10
 * Shares (each with its Wilson interval): response = answered/followedUp,
 * improved = improved/compared, becamePromoters = becamePromoters/compared.
 */
import { wilsonInterval } from "./intervals";
import type { Interval } from "./types";
import { InvalidStatsError, assertCount } from "./validate";

export type RecoveryStats = {
  followedUp: number;
  answered: number;
  compared: number;
  improved: number;
  becamePromoters: number;
};

export type Share = { value: number | null; count: number; n: number; ci95: Interval | null };

export type RecoveryRate = {
  /** The headline: the improved share (same as improved.value), with its interval. */
  value: number | null;
  ci95: Interval | null;
  n: number;
  response: Share;
  improved: Share;
  becamePromoters: Share;
};

function share(count: number, n: number): Share {
  return { value: n === 0 ? null : count / n, count, n, ci95: wilsonInterval(count, n) };
}

export function recoveryRate(stats: RecoveryStats): RecoveryRate {
  const { followedUp, answered, compared, improved, becamePromoters } = stats;
  for (const [k, v] of Object.entries(stats)) assertCount(k, v);
  const chain: [string, number, string, number][] = [
    ["answered", answered, "followedUp", followedUp],
    ["compared", compared, "answered", answered],
    ["improved", improved, "compared", compared],
    // A new promoter rose from ≤ 8 to ≥ 9, so also improved.
    ["becamePromoters", becamePromoters, "improved", improved],
  ];
  for (const [a, x, b, y] of chain)
    if (x > y) throw new InvalidStatsError(`${a} must be ≤ ${b}`, { ...stats });
  const imp = share(improved, compared);
  return {
    value: imp.value,
    ci95: imp.ci95,
    n: compared,
    response: share(answered, followedUp),
    improved: imp,
    becamePromoters: share(becamePromoters, compared),
  };
}

function assertNps(name: string, v: number): void {
  if (!Number.isInteger(v) || v < 0 || v > 10)
    throw new InvalidStatsError(`${name} is an NPS answer 0–10, got ${v}`, { [name]: v });
}

/**
 * Counts from one record per followed-up customer: `before` the earlier NPS answer (null if none),
 * `after` the first answer after the follow-up (null if they have not answered).
 */
export function recoveryStatsOf(
  customers: Iterable<{ before: number | null; after: number | null }>,
): RecoveryStats {
  const s: RecoveryStats = {
    followedUp: 0,
    answered: 0,
    compared: 0,
    improved: 0,
    becamePromoters: 0,
  };
  for (const { before, after } of customers) {
    s.followedUp++;
    if (after === null) continue;
    assertNps("after", after);
    s.answered++;
    if (before === null) continue;
    assertNps("before", before);
    s.compared++;
    if (after > before) s.improved++;
    if (before <= 8 && after >= 9) s.becamePromoters++;
  }
  return s;
}
