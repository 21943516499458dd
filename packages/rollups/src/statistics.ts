/**
 * The rollup statistics, declared once. Every other place that names them is generated from this
 * list (the query's column list and SELECT, the score mapping, the replay's FCR refold) or checked
 * against it by the drift test (`rollups.integration.test.ts`: the columns of the rollup tables the
 * migrations create, the columns every feeding and cascade view writes, and the values they fold).
 *
 * Adding a statistic: one entry here plus one migration that adds the column to the three rollup
 * tables and re-creates the views (see ARCHITECTURE.md, "Add a metric").
 */

/** How a statistic is stored and merged: the kind fixes its ClickHouse type and aggregates. */
export const KINDS = {
  /** A count or a sum of whole numbers. */
  count: { type: "SimpleAggregateFunction(sum, UInt64)", cascade: "sum", read: "sum" },
  /** A sum of whole numbers that can be negative (Σ experience − expectation). */
  signed: { type: "SimpleAggregateFunction(sum, Int64)", cascade: "sum", read: "sum" },
  /** A sum of floating-point values (sums of squares of fractional seconds). */
  float: { type: "SimpleAggregateFunction(sum, Float64)", cascade: "sum", read: "sum" },
  /** An exact histogram: Map(value → count), merged by adding counts key by key. */
  histogram: { type: "SimpleAggregateFunction(sumMap, Map(UInt32, UInt64))", cascade: "sumMap", read: "sumMap" },
  /** A histogram of signed counts (outcome changes: +1 and −1 rows), merged by adding key by key. */
  signedHistogram: { type: "SimpleAggregateFunction(sumMap, Map(UInt32, Int64))", cascade: "sumMap", read: "sumMap" },
} as const;
export type Kind = keyof typeof KINDS;

/** The table whose rows a statistic folds: each source has its own materialized view into rollup_minute. */
export type Source = "feedback_events" | "fcr_contacts" | "fcr_repeats";

/**
 * The scores the query service computes, each from named sufficient statistics (the field names
 * are those of @pulse/scoring's input shapes). `divisor` converts the stored unit (milliseconds) to
 * the one the score reads.
 */
export type Feed = readonly [score: string, field: string, divisor?: number];

export interface Statistic {
  readonly name: string;
  readonly kind: Kind;
  readonly source: Source;
  /** The aggregate over the source's rows that the feeding view writes into rollup_minute. */
  readonly fold: string;
  readonly feeds: readonly Feed[];
  readonly doc: string;
}

const stat = <const N extends string, const F extends readonly Feed[]>(
  name: N,
  kind: Kind,
  fold: string,
  feeds: F,
  doc: string,
  source: Source = "feedback_events",
) => ({ name, kind, source, fold, feeds, doc }) as const;

// An answered call: it has a wait and was not abandoned (abandoned calls never reached an agent).
const ANSWERED = "wait_seconds IS NOT NULL AND ifNull(abandoned, 0) = 0";

// A survey answer with both expectation and experience (1–5): the expectation gap's rows. GAP is
// experience − expectation per answer, computed in Int64 (the columns are UInt8).
const BOTH = "expectation IS NOT NULL AND experience IS NOT NULL";
const GAP = "(toInt64(assumeNotNull(experience)) - toInt64(assumeNotNull(expectation)))";

export const STATISTICS = [
  stat("events", "count", "count()", [["volume", "events"]], "events of any type"),
  stat("nps_n", "count", "countIf(nps IS NOT NULL)", [["nps", "n"]], "NPS answers"),
  stat("nps_promoters", "count", "countIf(nps >= 9)", [["nps", "promoters"]], "NPS answers 9–10"),
  stat("nps_detractors", "count", "countIf(nps <= 6)", [["nps", "detractors"]], "NPS answers 0–6"),
  stat("csat_n", "count", "countIf(csat IS NOT NULL)", [["csat", "n"]], "CSAT answers"),
  stat("csat_top2", "count", "countIf(csat >= 4)", [["csat", "top2"]], "CSAT answers of 4 or 5"),
  stat("csat_sum", "count", "sum(toUInt64(ifNull(csat, 0)))", [["csat", "sum"]], "Σ CSAT answers"),
  stat("csat_sum_sq", "count", "sum(toUInt64(ifNull(csat, 0)) * toUInt64(ifNull(csat, 0)))", [["csat", "sumSq"]], "Σ CSAT answers²"),
  stat("ces_n", "count", "countIf(ces IS NOT NULL)", [["ces", "n"]], "CES answers"),
  stat("ces_sum", "count", "sum(toUInt64(ifNull(ces, 0)))", [["ces", "sum"]], "Σ CES answers"),
  stat("ces_sum_sq", "count", "sum(toUInt64(ifNull(ces, 0)) * toUInt64(ifNull(ces, 0)))", [["ces", "sumSq"]], "Σ CES answers²"),
  stat(
    "contacts",
    "count",
    "countIf(type IN ('call.completed', 'contact.completed'))",
    [["complaints", "contacts"], ["volume", "contacts"]],
    "call.completed + contact.completed events (the denominator of complaint rates)",
  ),
  stat("calls_offered", "count", "countIf(type = 'call.completed')", [["abandonment", "n"]], "calls"),
  stat("calls_abandoned", "count", "countIf(type = 'call.completed' AND abandoned = 1)", [["abandonment", "successes"]], "calls abandoned before an agent answered"),
  stat("wait_n", "count", `countIf(${ANSWERED})`, [["wait", "n"]], "answered calls with a wait time"),
  stat("wait_ms_sum", "count", `sumIf(toUInt64(round(ifNull(wait_seconds, 0) * 1000)), ${ANSWERED})`, [["wait", "sum", 1000]], "Σ wait in milliseconds"),
  stat("wait_sq_sum", "float", `sumIf(ifNull(wait_seconds, 0) * ifNull(wait_seconds, 0), ${ANSWERED})`, [["wait", "sumSq"]], "Σ wait² in seconds²"),
  stat(
    "wait_hist",
    "histogram",
    `sumMap(if(${ANSWERED}, map(toUInt32(round(ifNull(wait_seconds, 0))), toUInt64(1)), CAST(map(), 'Map(UInt32, UInt64)')))`,
    [["waitQuantiles", "histogram"]],
    "Map(whole seconds → calls): the exact histogram of waits rounded to the second",
  ),
  stat("complaints_opened", "count", "countIf(type = 'complaint.opened')", [["complaints", "complaints"]], "complaint.opened events"),
  stat("complaints_resolved", "count", "countIf(type = 'complaint.resolved')", [["complaints", "resolved"]], "complaint.resolved events"),
  stat("resolve_n", "count", "countIf(hours_to_resolve IS NOT NULL)", [["resolveTime", "n"]], "resolved complaints with a time to resolve"),
  stat(
    "resolve_ms_sum",
    "count",
    "sum(toUInt64(round(ifNull(hours_to_resolve, 0) * 3600000)))",
    [["resolveTime", "sum", 3_600_000]],
    "Σ time to resolve in milliseconds",
  ),
  // Expectation vs experience: the sums of @pulse/scoring's EXPECTATION_GAP_COLUMNS, over answers with both.
  stat("gap_n", "count", `countIf(${BOTH})`, [["expectationGap", "n"]], "answers with both expectation and experience"),
  stat("expectation_sum", "count", `sumIf(toUInt64(assumeNotNull(expectation)), ${BOTH})`, [["expectationGap", "sumExpectation"]], "Σ expectation"),
  stat(
    "expectation_sum_sq",
    "count",
    `sumIf(toUInt64(assumeNotNull(expectation)) * toUInt64(assumeNotNull(expectation)), ${BOTH})`,
    [["expectationGap", "sumSqExpectation"]],
    "Σ expectation²",
  ),
  stat("experience_sum", "count", `sumIf(toUInt64(assumeNotNull(experience)), ${BOTH})`, [["expectationGap", "sumExperience"]], "Σ experience"),
  stat(
    "experience_sum_sq",
    "count",
    `sumIf(toUInt64(assumeNotNull(experience)) * toUInt64(assumeNotNull(experience)), ${BOTH})`,
    [["expectationGap", "sumSqExperience"]],
    "Σ experience²",
  ),
  stat("gap_sum", "signed", `sumIf(${GAP}, ${BOTH})`, [["expectationGap", "sumGap"]], "Σ (experience − expectation), paired per answer"),
  stat("gap_sum_sq", "count", `sumIf(toUInt64(${GAP} * ${GAP}), ${BOTH})`, [["expectationGap", "sumSqGap"]], "Σ (experience − expectation)²"),
  stat("gap_short", "count", `countIf(${BOTH} AND experience < expectation)`, [["expectationGap", "short"]], "answers where experience fell short of expectation"),
  // FCR: one cohort per bucket of the contacts' own time. Read per bucket, never summed into a rate
  // over a range (whether a cohort's verdicts are final depends on its age): @pulse/scoring
  // fcrScores takes the cohorts, so these feed no score through scoreInput.
  stat("fcr_n", "count", "count()", [], "contacts of identified customers that occurred in the bucket (an FCR cohort)", "fcr_contacts"),
  stat(
    "fcr_repeat_hist",
    "signedHistogram",
    "sumMap(map(repeat_bin, toInt64(sign)))",
    [],
    "Map(minute bin of the time to the next contact of the same customer and topic, ≤ W → contacts), from signed outcome changes",
    "fcr_repeats",
  ),
] as const satisfies readonly Statistic[];

export type StatisticName = (typeof STATISTICS)[number]["name"];

/** The dimensions every rollup is keyed by (after `tenant`), and its time bucket. */
export const ROLLUP_KEY = ["tenant", "touchpoint", "channel", "segment", "journey_stage", "bucket"] as const;

export const GRAINS = {
  minute: { table: "rollup_minute", bucket: "toStartOfMinute" },
  hour: { table: "rollup_hour", bucket: "toStartOfHour" },
  day: { table: "rollup_day", bucket: "toStartOfDay" },
} as const;
export type RollupTable = (typeof GRAINS)[keyof typeof GRAINS]["table"];

export function statistic(name: StatisticName): (typeof STATISTICS)[number] {
  const s = STATISTICS.find((x) => x.name === name);
  if (!s) throw new Error(`unknown rollup statistic ${name}`);
  return s;
}
