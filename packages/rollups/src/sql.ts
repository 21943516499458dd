/**
 * SQL generated from the declaration in statistics.ts. The text is built only from the declared
 * constants; values are always bound parameters in the callers' WHERE clauses.
 */
import { GRAINS, KINDS, ROLLUP_KEY, STATISTICS, type Source } from "./statistics";

/** Rollup dimensions below the bucket (the key without `bucket`). */
export const ROLLUP_DIMENSIONS = ROLLUP_KEY.filter((c) => c !== "bucket");

/** Every statistic column, in declaration order: `SELECT <this> FROM rollup_x` reads them raw. */
export const STAT_COLUMNS: readonly string[] = STATISTICS.map((s) => s.name);

/** The merge aggregate of every statistic (`sum(events) AS events`, `sumMap(wait_hist) AS wait_hist`, ...). */
export const READ_AGGREGATES: readonly string[] = STATISTICS.map((s) => `${KINDS[s.kind].read}(${s.name}) AS ${s.name}`);

/** The ClickHouse column type of every statistic, as the rollup tables declare it. */
export const STAT_TYPES: Readonly<Record<string, string>> = Object.fromEntries(STATISTICS.map((s) => [s.name, KINDS[s.kind].type]));

export function statisticsOf(source: Source): (typeof STATISTICS)[number][] {
  return STATISTICS.filter((s) => s.source === source);
}

/** The time column each source is bucketed by. */
const TIME_OF: Record<Source, string> = { feedback_events: "occurred_at", fcr_contacts: "occurred_at", fcr_repeats: "occurred_at" };

/**
 * The SELECT of the materialized view that folds one source's rows into rollup_minute. `final`
 * reads a ReplacingMergeTree source de-duplicated (a refold over stored rows; a view sees only
 * the inserted block and never needs it).
 */
export function foldSelect(source: Source, opts: { where?: string; final?: boolean } = {}): string {
  const dims = ROLLUP_DIMENSIONS.join(", ");
  const stats = statisticsOf(source).map((s) => `    ${s.fold} AS ${s.name}`);
  return `SELECT
    ${dims},
    ${GRAINS.minute.bucket}(${TIME_OF[source]}) AS bucket,
${stats.join(",\n")}
FROM ${source}${opts.final ? " FINAL" : ""}${opts.where ? `\nWHERE ${opts.where}` : ""}
GROUP BY ${dims}, bucket`;
}

/** The SELECT of the cascade view that re-aggregates minute rows into the hour or day rollup. */
export function cascadeSelect(grain: "hour" | "day"): string {
  const dims = ROLLUP_DIMENSIONS.join(", ");
  const stats = STATISTICS.map((s) => `    ${KINDS[s.kind].cascade}(${s.name}) AS ${s.name}`);
  return `SELECT
    ${dims},
    ${GRAINS[grain].bucket}(bucket) AS bucket,
${stats.join(",\n")}
FROM ${GRAINS.minute.table}
GROUP BY ${dims}, bucket`;
}

/** View names, as the migrations create them. */
export const VIEWS = {
  feedback_events: "rollup_minute_events_mv",
  fcr_contacts: "rollup_minute_fcr_contacts_mv",
  fcr_repeats: "rollup_minute_fcr_repeats_mv",
  hour: "rollup_hour_from_minute_mv",
  day: "rollup_day_from_minute_mv",
} as const;

/**
 * The statements that (re)create every rollup view from the declaration: what a migration that
 * adds or drops a statistic pastes after its ALTER TABLEs (print them with `pnpm --filter
 * @pulse/rollups sql`). The FCR views are left alone unless `withFcr` (their owner changes them).
 */
export function viewStatements(opts: { withFcr?: boolean } = {}): string[] {
  const out: string[] = [];
  const sources: Source[] = opts.withFcr ? ["feedback_events", "fcr_contacts", "fcr_repeats"] : ["feedback_events"];
  for (const source of sources) {
    out.push(`DROP VIEW IF EXISTS ${VIEWS[source]}`);
    out.push(`CREATE MATERIALIZED VIEW IF NOT EXISTS ${VIEWS[source]} TO ${GRAINS.minute.table} AS\n${foldSelect(source)}`);
  }
  for (const grain of ["hour", "day"] as const) {
    out.push(`DROP VIEW IF EXISTS ${VIEWS[grain]}`);
    out.push(`CREATE MATERIALIZED VIEW IF NOT EXISTS ${VIEWS[grain]} TO ${GRAINS[grain].table} AS\n${cascadeSelect(grain)}`);
  }
  return out;
}
