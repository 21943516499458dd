/**
 * Shapes shared by the score modules. Inputs are sufficient statistics exactly as the ClickHouse
 * rollups store them (counts, sums, sums of squares), so any window or grouping merges by addition.
 * Every score carries its headline number as `value` and the 95% interval of that number as `ci95`,
 * so the same target and comparison helpers work for all of them.
 */

/** A closed interval [lower, upper]. */
export type Interval = readonly [number, number];

/** NPS answers (0–10) bucketed: promoters 9–10, passives 7–8, detractors 0–6; n = their sum. */
export type NpsStats = { n: number; promoters: number; passives: number; detractors: number };

/** CSAT answers (1–5): n answers, top2 = answers of 4 or 5, sum = Σx, sumSq = Σx². */
export type CsatStats = { n: number; top2: number; sum: number; sumSq: number };

/** Any numeric observations x: n, Σx, Σx². CES (1–7), wait seconds, resolution seconds. */
export type MomentStats = { n: number; sum: number; sumSq: number };

/** A binary outcome: `successes` out of `n` trials (FCR: resolved first time / contacts). */
export type RateStats = { successes: number; n: number };

/** Complaints opened and contacts handled in the same window. */
export type ComplaintStats = { complaints: number; contacts: number };

/** Resolved complaints: n, and Σ / Σ² of the time to resolve in seconds. */
export type ResolutionStats = { n: number; sumSeconds: number; sumSqSeconds: number };

/** The common face of every score: its headline number and that number's 95% interval. */
export type ScoreLike = { value: number | null; ci95: Interval | null };
