/**
 * Pain points: touchpoints ranked by @pulse/scoring's rankPainPoints (contacts short of target +
 * complaints + repeat contacts), each with the evidence behind its rank.
 */
import { rankPainPoints } from "@pulse/scoring";
import type { TouchpointTargets } from "./catalogue";
import type { StatsRow } from "./rollup.sql";
import { scoreGroup, targetReport, type FcrSettings, type TargetsReport } from "./scores-fns";

export type TopicCount = { topic: string; count: number };

export type PainPoint = {
  rank: number;
  touchpoint: string;
  score: number;
  evidence: {
    /** Contacts handled; for a touchpoint that only receives surveys, its survey answers. */
    volume: number;
    /** Largest shortfall to a target in percentage points (NPS points, CSAT top-2 %, FCR %), ≥ 0. */
    gapToTarget: number;
    /** Which target that shortfall is on; null when every target is met or none is set. */
    gapMetric: "nps" | "csatTop2" | "fcr" | null;
    shortfallContacts: number;
    complaints: number;
    complaintsPer1000: number | null;
    repeatContacts: number;
    /** 1 − closed-window FCR (0 when no contact's window has closed yet: open windows never rank). */
    repeatContactRate: number;
    /** Closed-window FCR with its n, and the contacts still pending (a count, not part of the rank). */
    fcr: { value: number | null; n: number; pending: number };
    nps: { value: number | null; n: number };
    csatTop2: { value: number | null; n: number };
    targets: TargetsReport | null;
    /** Most frequent topics of the complaints opened at the touchpoint. */
    complaintTopics: TopicCount[];
  };
};

export function volumeOf(r: StatsRow): number {
  return Math.max(r.contacts, r.nps_n, r.csat_n, r.ces_n);
}

/** The largest shortfall in percentage points among the targets expressed in percent. */
export function largestGap(t: TargetsReport | null): { gap: number; metric: PainPoint["evidence"]["gapMetric"] } {
  let best: { gap: number; metric: PainPoint["evidence"]["gapMetric"] } = { gap: 0, metric: null };
  const candidates: [NonNullable<PainPoint["evidence"]["gapMetric"]>, number | null | undefined][] = [
    ["nps", t?.nps?.gap],
    ["csatTop2", t?.csatTop2?.gap],
    ["fcr", t?.fcr?.gap == null ? null : t.fcr.gap * 100],
  ];
  for (const [metric, gap] of candidates) if (gap != null && gap > best.gap) best = { gap, metric };
  return best;
}

export function rankTouchpoints(
  rows: readonly { touchpoint: string; stats: StatsRow }[],
  targetsOf: (touchpoint: string) => TouchpointTargets | undefined,
  topics: ReadonlyMap<string, TopicCount[]>,
  fcr: FcrSettings,
): PainPoint[] {
  const items = rows.map(({ touchpoint, stats }) => {
    const s = scoreGroup(stats, fcr);
    const targets = targetReport(s, targetsOf(touchpoint));
    const { gap, metric } = largestGap(targets);
    return {
      touchpoint,
      volume: volumeOf(stats),
      gapToTarget: gap,
      complaintCount: stats.complaints_opened,
      repeatContactRate: s.fcr.value === null ? 0 : 1 - s.fcr.value,
      gapMetric: metric,
      scores: s,
      targets,
    };
  });
  return rankPainPoints(items).map((r) => ({
    rank: r.rank,
    touchpoint: r.touchpoint,
    score: r.score,
    evidence: {
      volume: r.item.volume,
      gapToTarget: r.item.gapToTarget,
      gapMetric: r.item.gapMetric,
      shortfallContacts: r.evidence.shortfallContacts,
      complaints: r.evidence.complaints,
      complaintsPer1000: r.evidence.complaintsPer1000,
      repeatContacts: r.evidence.repeatContacts,
      repeatContactRate: r.item.repeatContactRate,
      fcr: { value: r.item.scores.fcr.value, n: r.item.scores.fcr.n, pending: r.item.scores.fcr.pending.contacts },
      nps: { value: r.item.scores.nps.value, n: r.item.scores.nps.n },
      csatTop2: { value: r.item.scores.csat.top2Box, n: r.item.scores.csat.n },
      targets: r.item.targets,
      complaintTopics: topics.get(r.touchpoint) ?? [],
    },
  }));
}
