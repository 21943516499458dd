/**
 * How each alert metric reads a Tally: its observations, its per-observation scale (x in the units
 * the tests use), the bad direction, and its score with n and 95% interval in the units the query
 * service serves (@pulse/scoring).
 */
import type { AlertMetric } from "@pulse/catalogue";
import { cesScore, complaintRate, meanScore, npsScore, rate } from "@pulse/scoring";
import type { Tally } from "./tally";

export type Interval = readonly [number, number];

export interface Score {
  readonly value: number | null;
  readonly n: number;
  readonly ci95: Interval | null;
}

export interface MetricAdapter {
  /** +1 when higher is worse (abandonment, wait, complaints, CES is not), −1 when lower is worse */
  readonly bad: 1 | -1;
  /** display units per unit of x (NPS points per ±1 answer, percent per share) */
  readonly scale: number;
  /** observations (answers, calls, contacts): what minN counts */
  n(t: Tally): number;
  /** Σx of the observations */
  sum(t: Tally): number;
  score(t: Tally): Score;
}

const npsValue = (t: Tally): Score => {
  const s = npsScore({ n: t.npsN, promoters: t.promoters, passives: t.npsN - t.promoters - t.detractors, detractors: t.detractors });
  return { value: s.value, n: s.n, ci95: s.ci95 };
};

export const METRICS: Record<Exclude<AlertMetric, "fcr">, MetricAdapter> = {
  nps: { bad: -1, scale: 100, n: (t) => t.npsN, sum: (t) => t.promoters - t.detractors, score: npsValue },
  csat_top2: {
    bad: -1,
    scale: 100,
    n: (t) => t.csatN,
    sum: (t) => t.csatTop2,
    score: (t) => {
      const s = rate({ successes: t.csatTop2, n: t.csatN }); // CSAT top-2 box: 100 × the Wilson share
      return { value: s.value === null ? null : 100 * s.value, n: s.n, ci95: s.ci95 === null ? null : [100 * s.ci95[0], 100 * s.ci95[1]] };
    },
  },
  ces: {
    bad: -1,
    scale: 1,
    n: (t) => t.cesN,
    sum: (t) => t.cesSum,
    score: (t) => {
      const s = cesScore({ n: t.cesN, sum: t.cesSum, sumSq: t.cesSumSq });
      return { value: s.value, n: s.n, ci95: s.ci95 };
    },
  },
  abandonment: {
    bad: 1,
    scale: 1,
    n: (t) => t.calls,
    sum: (t) => t.abandoned,
    score: (t) => {
      const s = rate({ successes: t.abandoned, n: t.calls });
      return { value: s.value, n: s.n, ci95: s.ci95 };
    },
  },
  wait: {
    bad: 1,
    scale: 1,
    n: (t) => t.waitN,
    sum: (t) => t.waitSum,
    score: (t) => {
      const s = meanScore({ n: t.waitN, sum: t.waitSum, sumSq: t.waitSumSq });
      return { value: s.mean, n: s.n, ci95: s.ci95 };
    },
  },
  complaint_rate: {
    bad: 1,
    scale: 1000,
    n: (t) => t.contacts,
    sum: (t) => t.complaints,
    score: (t) => {
      const s = complaintRate({ complaints: t.complaints, contacts: t.contacts });
      return { value: s.value, n: s.contacts, ci95: s.ci95 };
    },
  },
  volume: {
    bad: -1,
    scale: 1,
    n: (t) => t.events,
    sum: (t) => t.events,
    score: (t) => ({ value: t.events, n: t.events, ci95: null }),
  },
};
