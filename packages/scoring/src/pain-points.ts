/**
 * Pain-point ranking: which touchpoints hurt the most customers. Each evidence component is
 * expressed as a number of contacts, so they add up without arbitrary rescaling and a touchpoint's
 * score does not depend on which other touchpoints are in the list:
 *
 *   shortfallContacts = volume · gapToTarget / 100   contacts that would have to change for the
 *                                                    score to reach target (gap in percentage
 *                                                    points: NPS points, CSAT top-2 %, FCR %)
 *   complaints        = complaintCount
 *   repeatContacts    = volume · repeatContactRate   (rate as a share 0..1)
 *   score = w_gap·shortfallContacts + w_complaints·complaints + w_repeat·repeatContacts
 *
 * Default weights are 1, 1, 1. Sorted by score (largest first), then volume, then touchpoint name.
 */
import { InvalidStatsError, assertNonNegative } from "./validate";

export type PainPointInput = {
  touchpoint: string;
  /** Contacts at the touchpoint in the window. */
  volume: number;
  /** Percentage points below target, ≥ 0 (0 when the target is met). */
  gapToTarget: number;
  complaintCount: number;
  /** Share 0..1 of contacts followed by a repeat contact. */
  repeatContactRate: number;
};

export type PainPointWeights = { gap: number; complaints: number; repeat: number };

export const DEFAULT_PAIN_POINT_WEIGHTS: PainPointWeights = { gap: 1, complaints: 1, repeat: 1 };

export type PainPointEvidence = {
  shortfallContacts: number;
  complaints: number;
  repeatContacts: number;
  /** Complaints per 1,000 contacts (context only; not part of the score); null when volume = 0. */
  complaintsPer1000: number | null;
};

export type RankedPainPoint<T extends PainPointInput> = {
  rank: number;
  touchpoint: string;
  score: number;
  evidence: PainPointEvidence;
  /** The input item, untouched (extra fields pass through). */
  item: T;
};

function assertItem(it: PainPointInput): void {
  assertNonNegative("volume", it.volume);
  assertNonNegative("gapToTarget", it.gapToTarget);
  assertNonNegative("complaintCount", it.complaintCount);
  assertNonNegative("repeatContactRate", it.repeatContactRate);
  if (it.repeatContactRate > 1)
    throw new InvalidStatsError(`repeatContactRate is a share 0..1, got ${it.repeatContactRate}`);
}

export function rankPainPoints<T extends PainPointInput>(
  items: readonly T[],
  weights: Partial<PainPointWeights> = {},
): RankedPainPoint<T>[] {
  const w = { ...DEFAULT_PAIN_POINT_WEIGHTS, ...weights };
  for (const v of Object.values(w)) assertNonNegative("weight", v);
  const scored = items.map((item) => {
    assertItem(item);
    const evidence: PainPointEvidence = {
      shortfallContacts: (item.volume * item.gapToTarget) / 100,
      complaints: item.complaintCount,
      repeatContacts: item.volume * item.repeatContactRate,
      complaintsPer1000: item.volume > 0 ? (1000 * item.complaintCount) / item.volume : null,
    };
    const score =
      w.gap * evidence.shortfallContacts +
      w.complaints * evidence.complaints +
      w.repeat * evidence.repeatContacts;
    return { touchpoint: item.touchpoint, score, evidence, item };
  });
  scored.sort(
    (a, b) =>
      b.score - a.score ||
      b.item.volume - a.item.volume ||
      a.touchpoint.localeCompare(b.touchpoint),
  );
  return scored.map((s, i) => ({ rank: i + 1, ...s }));
}
