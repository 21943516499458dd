import type { MomentStats } from "./types";

/** n, Σx, Σx² of raw values: what the rollups store for CES answers, wait and resolution seconds. */
export function momentStatsOf(values: Iterable<number>): MomentStats {
  const s = { n: 0, sum: 0, sumSq: 0 };
  for (const x of values) {
    s.n++;
    s.sum += x;
    s.sumSq += x * x;
  }
  return s;
}
