/**
 * SQL over the rollups. The text is built only from constants of this module and from the
 * whitelisted column names in DIMENSIONS; every value (tenant, times, filter values) is a bound
 * `{name:Type}` parameter. Nothing the caller typed is ever spliced into SQL.
 */
import { READ_AGGREGATES, STAT_COLUMNS, type StatsValues } from "@pulse/rollups";
import { DIMENSIONS, GRAINS, type Dimension, type Filters, type Grain, type TimeRange } from "./params-fns";

export type RollupTable = "rollup_minute" | "rollup_hour" | "rollup_day";

export const TABLE_OF_GRAIN: Record<Grain, RollupTable> = { minute: "rollup_minute", hour: "rollup_hour", day: "rollup_day" };

/**
 * One merged group of sufficient statistics, as the stats query returns it: the columns and their
 * read aggregates are generated from the declaration in @pulse/rollups. The FCR statistics summed
 * over the range are there too, but FCR is computed from `fcr_cohorts` only.
 */
export type StatsRow = StatsValues & {
  /**
   * FCR cohorts, one per rollup bucket (several rows of one bucket are summed by the reader):
   * [bucket start (epoch s), bucket width (s), contacts, repeat bin → signed count].
   */
  fcr_cohorts: [number, number, number, Record<string, number>][];
  /** Bucket start, epoch seconds (time series only). */
  t?: number;
} & Partial<Record<Dimension, string>>;

export type Segment = TimeRange & { table: RollupTable };

export interface BuiltQuery {
  sql: string;
  params: Record<string, unknown>;
}

/**
 * Splits [from, to) (minute-aligned) into at most five segments, each answered exactly by the
 * coarsest rollup whose buckets tile it: whole days from rollup_day, the hours around them from
 * rollup_hour, the minutes at the ragged ends from rollup_minute. A 7-day window thus reads about
 * 7 + 23 + 59 bucket rows per group instead of 10,080.
 */
export function decomposeRange(range: TimeRange): Segment[] {
  const { minute, hour, day } = GRAINS;
  if (range.from % minute !== 0 || range.to % minute !== 0) throw new Error("decomposeRange needs minute-aligned bounds");
  const out: Segment[] = [];
  const byHour = (from: number, to: number): void => {
    if (from >= to) return;
    const hs = Math.ceil(from / hour) * hour;
    const he = Math.floor(to / hour) * hour;
    if (hs >= he) {
      out.push({ table: "rollup_minute", from, to });
      return;
    }
    if (from < hs) out.push({ table: "rollup_minute", from, to: hs });
    out.push({ table: "rollup_hour", from: hs, to: he });
    if (he < to) out.push({ table: "rollup_minute", from: he, to });
  };
  const ds = Math.ceil(range.from / day) * day;
  const de = Math.floor(range.to / day) * day;
  if (ds >= de) byHour(range.from, range.to);
  else {
    byHour(range.from, ds);
    out.push({ table: "rollup_day", from: ds, to: de });
    byHour(de, range.to);
  }
  return out;
}

/**
 * FCR is never summed over a range: whether a contact's verdict is final depends on its own bucket
 * (its cohort), so every bucket with contacts or repeats is returned with its width
 * (`fcr_width`, seconds) and @pulse/scoring's fcrScores merges them.
 */
const FCR_COHORTS =
  "groupArrayIf(tuple(toUInt32(toUnixTimestamp(bucket)), cohort_width, cohort_n, cohort_hist), cohort_n != 0 OR notEmpty(cohort_hist)) AS fcr_cohorts";

/** The per-bucket FCR columns under names the aggregates above do not shadow. */
const COHORT_COLUMNS = "bucket, fcr_n AS cohort_n, fcr_repeat_hist AS cohort_hist";

const AGGREGATES = [...READ_AGGREGATES, FCR_COHORTS].join(",\n  ");

const RAW_STAT_COLUMNS = [...STAT_COLUMNS, COHORT_COLUMNS].join(", ");

const WIDTH_OF_TABLE: Record<RollupTable, number> = { rollup_minute: 60, rollup_hour: 3600, rollup_day: 86_400 };

function filterSql(filters: Filters, params: Record<string, unknown>): string {
  let sql = "";
  for (const [dim, values] of Object.entries(filters) as [Dimension, string[]][]) {
    if (values.length === 0) continue;
    params[`f_${dim}`] = values;
    sql += ` AND ${DIMENSIONS[dim]} IN {f_${dim}:Array(String)}`;
  }
  return sql;
}

function dimSelect(groupBy: readonly Dimension[]): string[] {
  return groupBy.map((d) => (DIMENSIONS[d] === d ? d : `${DIMENSIONS[d]} AS ${d}`));
}

/**
 * Merged statistics per group over a range: one query, a UNION ALL of the range's segments
 * (each filtered by tenant, bucket and the filters on its own table, so the primary key prunes),
 * aggregated once. Without groupBy it returns exactly one row (all zeros when nothing matched).
 */
export function buildStatsQuery(args: {
  tenant: string;
  range: TimeRange;
  groupBy: readonly Dimension[];
  filters: Filters;
  /**
   * Only these parts of each table (the live tier's delta, scores-tier.ts): a segment whose table
   * has none is left out; with no segment left the query reads nothing (`sql` is empty).
   */
  parts?: Partial<Record<RollupTable, string[]>>;
}): BuiltQuery & { segments: Segment[] } {
  const params: Record<string, unknown> = { tenant: args.tenant };
  const segments = decomposeRange(args.range);
  const filters = filterSql(args.filters, params);
  const dims = args.groupBy.map((d) => DIMENSIONS[d]);
  const read = args.parts ? segments.map((s, i) => [s, i] as const).filter(([s]) => (args.parts?.[s.table]?.length ?? 0) > 0) : segments.map((s, i) => [s, i] as const);
  if (read.length === 0) return { sql: "", params, segments };
  const inner = read.map(([s, i]) => {
    params[`from_${i}`] = Math.floor(s.from / 1000);
    params[`to_${i}`] = Math.floor(s.to / 1000);
    let only = "";
    if (args.parts) {
      params[`parts_${i}`] = args.parts[s.table];
      only = ` AND _part IN {parts_${i}:Array(String)}`;
    }
    return `SELECT ${[...dims, RAW_STAT_COLUMNS, `toUInt32(${WIDTH_OF_TABLE[s.table]}) AS cohort_width`].join(", ")} FROM ${s.table}
  WHERE tenant = {tenant:String} AND bucket >= toDateTime({from_${i}:UInt32}, 'UTC') AND bucket < toDateTime({to_${i}:UInt32}, 'UTC')${filters}${only}`;
  });
  const outerDims = dimSelect(args.groupBy);
  const groupBy = dims.length > 0 ? `\nGROUP BY ${dims.join(", ")}\nORDER BY ${dims.join(", ")}` : "";
  const sql = `SELECT ${[...outerDims, AGGREGATES].join(",\n  ")}
FROM (
${inner.join("\n  UNION ALL\n")}
)${groupBy}`;
  return { sql, params, segments };
}

/** Statistics per bucket of one grain (and per group), read from that grain's own rollup. */
export function buildSeriesQuery(args: { tenant: string; range: TimeRange; grain: Grain; groupBy: readonly Dimension[]; filters: Filters }): BuiltQuery & { table: RollupTable } {
  const params: Record<string, unknown> = { tenant: args.tenant, from: Math.floor(args.range.from / 1000), to: Math.floor(args.range.to / 1000) };
  const table = TABLE_OF_GRAIN[args.grain];
  const filters = filterSql(args.filters, params);
  const dims = args.groupBy.map((d) => DIMENSIONS[d]);
  const sql = `SELECT ${[...dimSelect(args.groupBy), "toUInt32(toUnixTimestamp(bucket)) AS t", AGGREGATES].join(",\n  ")}
FROM (SELECT *, fcr_n AS cohort_n, fcr_repeat_hist AS cohort_hist, toUInt32(${WIDTH_OF_TABLE[table]}) AS cohort_width FROM ${table}
WHERE tenant = {tenant:String} AND bucket >= toDateTime({from:UInt32}, 'UTC') AND bucket < toDateTime({to:UInt32}, 'UTC')${filters})
GROUP BY ${[...dims, "t"].join(", ")}
ORDER BY ${[...dims, "t"].join(", ")}`;
  return { sql, params, table };
}
