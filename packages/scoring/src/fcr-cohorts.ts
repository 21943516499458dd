/**
 * First-contact resolution from cohorts of contacts and their time to first repeat.
 *
 * A contact is resolved at first contact iff the same customer does not contact again about the
 * same topic within W ("within" inclusive: a repeat after exactly W is a repeat). For every contact
 * the worker records D, the time to its first repeat; the rollups keep, per group and per bucket
 * of the contacts' own occurrence time (a cohort), the number of contacts and a histogram of
 * bin = ⌈D / binMs⌉ (D = 0 is bin 0) over the contacts whose first repeat came within W. Since W is a
 * whole number of bins, "repeated within W" ⇔ bin ≤ W / binMs.
 *
 * Everything here is a sum over cohorts, so cohorts from any window and grouping can simply be
 * concatenated (two cohorts with the same start are the same as their sum).
 *
 * Time is only ever known up to the cohort: a contact of cohort [start, start + width) is taken to
 * be as young as possible (start + width), and repeats to arrive up to L late. So at time `now`
 * every contact of the cohort has been followed, with every repeat that occurred in that time
 * already in the histogram, through bin
 *     c = ⌊(now − L − start − width) / binMs⌋                                   (censoring bin)
 * (a repeat in bin b ≤ c occurred at t + D ≤ start + width + b·binMs ≤ now − L, so it has arrived).
 * The cohort is closed, its verdicts final, iff c ≥ W / binMs ⇔ start + width + W + L ≤ now.
 */
import type { Histogram } from "./quantiles";
import { rate } from "./rates";
import type { Interval } from "./types";
import { InvalidParameterError, requireInteger } from "./parameters";
import { InvalidStatsError, assertCount } from "./validate";

export const DEFAULT_FCR_WINDOW_MS = 7 * 24 * 3_600_000;
export const DEFAULT_FCR_BIN_MS = 60_000;

export type FcrCohort = {
  /** Start of the occurrence bucket, epoch ms. */
  start: number;
  /** Bucket width in ms; default binMs (the minute rollup). An hour rollup row is 3,600,000. */
  widthMs?: number;
  /** Contacts that occurred in [start, start + width). */
  contacts: number;
  /**
   * bin → how many of those contacts had their first repeat in that bin, bin = ⌈D / binMs⌉.
   * Bins above W / binMs are ignored (no repeat within W), so a rollup recorded with a longer
   * window can serve a shorter one.
   */
  repeats: Histogram;
};

export type FcrParams = {
  /** Evaluation time, epoch ms. */
  now: number;
  /** L: how late an event may arrive (the worker's allowed lateness). Required: it must match the worker. */
  allowedLatenessMs: number;
  /** W, default 7 days; a whole number of bins. */
  windowMs?: number;
  /** Histogram bin width, default 60,000 ms. */
  binMs?: number;
};

export type ResolvedFcrParams = {
  now: number;
  latenessMs: number;
  windowMs: number;
  binMs: number;
  /** W / binMs: a repeat in a bin ≤ this is within W. */
  windowBins: number;
};

export function resolveFcrParams(p: FcrParams): ResolvedFcrParams {
  const now = requireInteger("now", p.now);
  const latenessMs = requireInteger("allowedLatenessMs", p.allowedLatenessMs, "nonNegative");
  const binMs = requireInteger("binMs", p.binMs ?? DEFAULT_FCR_BIN_MS, "positive");
  const windowMs = requireInteger("windowMs", p.windowMs ?? DEFAULT_FCR_WINDOW_MS, "positive");
  if (windowMs % binMs !== 0)
    throw new InvalidParameterError(
      "windowMs",
      `must be a whole number of bins (binMs = ${binMs})`,
      windowMs,
    );
  return { now, latenessMs, windowMs, binMs, windowBins: windowMs / binMs };
}

/** A cohort checked and reduced to what the estimators need. */
export type PreparedCohort = {
  contacts: number;
  /** c above; negative when not even bin 0 is fully observed yet. */
  censorBin: number;
  closed: boolean;
  /** [bin, count] with bin ≤ W/binMs and count > 0, ascending, equal bins added. */
  withinWindow: [number, number][];
  /** Σ counts of withinWindow: contacts known to have repeated within W. */
  repeatedWithinWindow: number;
};

export function prepareCohort(cohort: FcrCohort, p: ResolvedFcrParams): PreparedCohort {
  const start = cohort.start;
  if (!Number.isSafeInteger(start))
    throw new InvalidStatsError(`cohort start must be an integer epoch ms, got ${start}`, {
      start,
    });
  const width = cohort.widthMs ?? p.binMs;
  if (!Number.isSafeInteger(width) || width <= 0)
    throw new InvalidStatsError(`cohort widthMs must be a positive integer, got ${width}`, {
      start,
      widthMs: width,
    });
  assertCount("contacts", cohort.contacts);

  const byBin = new Map<number, number>();
  let allRepeats = 0;
  for (const [bin, count] of cohort.repeats) {
    if (!Number.isSafeInteger(bin) || bin < 0)
      throw new InvalidStatsError(`repeat bin must be an integer ≥ 0, got ${bin}`, { start, bin });
    assertCount("repeat count", count);
    allRepeats += count;
    if (bin <= p.windowBins && count > 0) byBin.set(bin, (byBin.get(bin) ?? 0) + count);
  }
  // Each contact has at most one first repeat.
  if (allRepeats > cohort.contacts)
    throw new InvalidStatsError("a cohort's repeats must not exceed its contacts", {
      start,
      contacts: cohort.contacts,
      repeats: allRepeats,
    });
  const withinWindow = [...byBin].sort((a, b) => a[0] - b[0]);
  // Integer ms throughout, so c ≥ W/binMs ⇔ start + width + W + L ≤ now holds exactly.
  const censorBin = Math.floor((p.now - p.latenessMs - start - width) / p.binMs);
  return {
    contacts: cohort.contacts,
    censorBin,
    closed: censorBin >= p.windowBins,
    withinWindow,
    repeatedWithinWindow: withinWindow.reduce((s, [, c]) => s + c, 0),
  };
}

export type ClosedFcr = {
  /** resolved / n as a share 0..1; null when no contact has a closed window. */
  value: number | null;
  /** Contacts in closed cohorts. */
  n: number;
  /** n − repeated. */
  resolved: number;
  /** Contacts of closed cohorts that repeated within W. */
  repeated: number;
  /** Wilson 95% interval of the share; null when n = 0. */
  ci95: Interval | null;
};

export type PendingFcr = {
  /** Contacts in open cohorts: no final verdict yet. Not a rate's denominator. */
  contacts: number;
  /** Of those, contacts that already repeated within W: known unresolved, shown as a count only. */
  knownUnresolved: number;
};

/**
 * Final verdicts only: over closed cohorts, n = contacts, resolved = n − repeats within W, with the
 * Wilson interval. Open cohorts go to `pending` (never into a rate: their unresolved verdicts come
 * early and their resolved ones late, so any share of them is biased).
 */
export function closedAndPendingFcr(
  cohorts: Iterable<FcrCohort>,
  params: FcrParams,
): { closed: ClosedFcr; pending: PendingFcr } {
  const p = resolveFcrParams(params);
  let n = 0;
  let repeated = 0;
  const pending: PendingFcr = { contacts: 0, knownUnresolved: 0 };
  for (const cohort of cohorts) {
    const c = prepareCohort(cohort, p);
    if (c.closed) {
      n += c.contacts;
      repeated += c.repeatedWithinWindow;
    } else {
      pending.contacts += c.contacts;
      pending.knownUnresolved += c.repeatedWithinWindow;
    }
  }
  const r = rate({ successes: n - repeated, n });
  return { closed: { value: r.value, n, resolved: n - repeated, repeated, ci95: r.ci95 }, pending };
}
