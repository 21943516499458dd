/** The metrics a time series can plot, each read off the scores of one bucket. */
import type { Interval } from "@pulse/scoring";
import type { GroupScores } from "./scores-fns";

export type MetricPoint = { value: number | null; n: number; ci95: Interval | null };

export const METRICS = {
  nps: (s) => ({ value: s.nps.value, n: s.nps.n, ci95: s.nps.ci95 }),
  csatTop2: (s) => ({ value: s.csat.top2Box, n: s.csat.n, ci95: s.csat.ci95 }),
  csatMean: (s) => ({ value: s.csat.mean, n: s.csat.n, ci95: null }),
  ces: (s) => ({ value: s.ces.mean, n: s.ces.n, ci95: s.ces.ci95 }),
  /** Closed-window FCR of the bucket's contacts (null while their window is open). */
  fcr: (s) => ({ value: s.fcr.value, n: s.fcr.n, ci95: s.fcr.ci95 }),
  /** Kaplan–Meier share with no repeat up to the horizon the bucket's data reach (see fcr.early.horizonHours). */
  fcrEarly: (s) => ({ value: s.fcr.early.value, n: s.fcr.early.atRisk, ci95: s.fcr.early.ci95 }),
  /** Contacts whose window is still open: a count, never a rate. */
  fcrPending: (s) => ({ value: s.fcr.pending.contacts, n: s.fcr.pending.contacts, ci95: null }),
  abandonment: (s) => ({ value: s.abandonment.value, n: s.abandonment.n, ci95: s.abandonment.ci95 }),
  waitMean: (s) => ({ value: s.waitSeconds.mean, n: s.waitSeconds.n, ci95: s.waitSeconds.ci95 }),
  waitP50: (s) => ({ value: s.waitSeconds.p50, n: s.waitSeconds.n, ci95: null }),
  waitP90: (s) => ({ value: s.waitSeconds.p90, n: s.waitSeconds.n, ci95: null }),
  complaintsPer1000: (s) => ({ value: s.complaints.per1000Contacts, n: s.complaints.contacts, ci95: s.complaints.per1000Ci95 }),
  complaintsOpened: (s) => ({ value: s.complaints.opened, n: s.complaints.opened, ci95: null }),
  meanHoursToResolve: (s) => ({ value: s.complaints.meanHoursToResolve, n: s.complaints.resolved, ci95: null }),
  events: (s) => ({ value: s.volume.events, n: s.volume.events, ci95: null }),
  contacts: (s) => ({ value: s.volume.contacts, n: s.volume.contacts, ci95: null }),
  expectationGap: (s) => ({ value: s.expectationGap.value, n: s.expectationGap.n, ci95: s.expectationGap.ci95 }),
} satisfies Record<string, (s: GroupScores) => MetricPoint>;

export type MetricName = keyof typeof METRICS;
export const METRIC_NAMES = Object.keys(METRICS) as MetricName[];
