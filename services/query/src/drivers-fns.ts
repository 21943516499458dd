/**
 * Key-driver input: one row per respondent (survey id + customer id). The survey.response row with
 * an NPS answer is the overall score; CSAT answers on the other rows of the same survey are the
 * per-touchpoint driver scores (several answers for one touchpoint are averaged).
 */
import { MAX_KEY_DRIVERS, type KeyDriverRow } from "@pulse/scoring";

export type RespondentRow = { overall: number | null; touchpoints: string[]; scores: number[] };

export function toDriverRows(rows: readonly RespondentRow[]): KeyDriverRow[] {
  return rows.map((r) => {
    const sums = new Map<string, { sum: number; n: number }>();
    r.touchpoints.forEach((tp, i) => {
      const score = r.scores[i];
      if (score === undefined) return;
      const acc = sums.get(tp) ?? { sum: 0, n: 0 };
      acc.sum += score;
      acc.n += 1;
      sums.set(tp, acc);
    });
    const drivers: Record<string, number> = {};
    for (const [tp, { sum, n }] of sums) drivers[tp] = sum / n;
    return { overall: r.overall, drivers };
  });
}

/** How many respondents with an overall score rated each touchpoint. */
export function coverage(rows: readonly KeyDriverRow[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of rows) {
    if (r.overall === null) continue;
    for (const [tp, v] of Object.entries(r.drivers)) if (typeof v === "number") out.set(tp, (out.get(tp) ?? 0) + 1);
  }
  return out;
}

/** The drivers to analyse: the requested ones, else the most-rated touchpoints (at most MAX_KEY_DRIVERS). */
export function chooseDrivers(rows: readonly KeyDriverRow[], requested: readonly string[]): string[] {
  if (requested.length > 0) return [...requested].sort();
  return [...coverage(rows)]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, MAX_KEY_DRIVERS)
    .map(([tp]) => tp)
    .sort();
}
