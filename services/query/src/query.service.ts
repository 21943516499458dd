/**
 * The read side: validated specs in, response bodies out. Each method runs parameterised SQL
 * through the reader and turns the statistics into numbers with @pulse/scoring (via the -fns
 * modules). No HTTP here; the routes parse parameters and the cache wraps these calls.
 */
import type { Reader } from "@pulse/clickhouse";
import { PulseError } from "@pulse/kit";
import { keyDrivers } from "@pulse/scoring";
import type { TargetsProvider } from "./catalogue";
import { compareGroup, type GroupComparison } from "./compare-fns";
import { chooseDrivers, coverage, toDriverRows, type RespondentRow } from "./drivers-fns";
import { buildComplaintTopicsQuery, buildRespondentsQuery } from "./events.sql";
import { METRICS, type MetricName, type MetricPoint } from "./metric-fns";
import { rankTouchpoints, type PainPoint, type TopicCount } from "./pain-fns";
import { GRAINS, iso, type Dimension, type Filters, type Grain, type TimeRange, type WindowName } from "./params-fns";
import { buildSeriesQuery, buildStatsQuery, type RollupTable, type StatsRow } from "./rollup.sql";
import { emptyStats, scoreGroup, targetReport, type FcrSettings, type GroupScores, type TargetsReport } from "./scores-fns";
import { mergeStatsRows } from "./scores-merge";
import { DATA_PARTS_SQL, TIER_ENGINES_SQL, createStatsTier, createVersionProbe, snapshotOf, tierSupported, type Part, type Snapshot, type StatsTier, type TierDelta } from "./scores-tier";
import type { QueryMetrics } from "./metrics";

export type ScopeSpec = { range: TimeRange; window?: WindowName | undefined; groupBy: Dimension[]; filters: Filters };

export type GroupKey = Partial<Record<Dimension, string>>;

export type ScoresBody = {
  from: string;
  to: string;
  window: WindowName | null;
  groupBy: Dimension[];
  filters: Filters;
  /** The rollup segments that answered the range (coarsest table per piece). */
  sources: { table: string; from: string; to: string }[];
  groups: (GroupScores & { key: GroupKey; targets: TargetsReport | null })[];
};

export type SeriesBody = {
  metric: MetricName;
  grain: Grain;
  table: string;
  from: string;
  to: string;
  window: WindowName | null;
  groupBy: Dimension[];
  filters: Filters;
  series: { key: GroupKey; points: (MetricPoint & { t: string })[] }[];
};

export type CompareBody = {
  current: { from: string; to: string };
  baseline: { from: string; to: string };
  groupBy: Dimension[];
  filters: Filters;
  groups: (GroupComparison & { key: GroupKey })[];
};

export type PainPointsBody = { from: string; to: string; window: WindowName | null; filters: Filters; painPoints: PainPoint[] };

export type DriversBody = {
  from: string;
  to: string;
  /** Respondents with an overall NPS answer in the range. */
  respondents: number;
  /** Complete cases used by the regression (overall + every driver answered). */
  n: number;
  r2: number;
  drivers: { touchpoint: string; importance: number; rawWeight: number; beta: number; correlation: number; n: number; ratedBy: number }[];
};

export interface QueryServiceDeps {
  reader: Reader;
  metrics: QueryMetrics;
  targets: TargetsProvider;
  /** FCR: the worker's allowed lateness L and the window W (at most the worker's FCR_WINDOW_DAYS). */
  fcr: { allowedLatenessMs: number; windowMs: number };
  /** The clock that decides which FCR windows are closed (tests pass their own). */
  now?: () => number;
  /**
   * The live tier (scores-tier.ts): /v1/scores and /v1/journey reuse kept statistics while the
   * rollups' data version is unchanged (default true). The stream always queries: one per tick.
   */
  liveTier?: boolean;
}

export type QueryService = ReturnType<typeof createQueryService>;

function keyOf(row: Partial<Record<Dimension, string>>, groupBy: readonly Dimension[]): GroupKey {
  const key: GroupKey = {};
  for (const d of groupBy) key[d] = row[d] ?? "";
  return key;
}

/** The touchpoint a group's targets belong to: its own key, or a filter naming exactly one. */
function touchpointOf(key: GroupKey, filters: Filters): string | undefined {
  return key.touchpoint ?? (filters.touchpoint?.length === 1 ? filters.touchpoint[0] : undefined);
}

export function createQueryService(deps: QueryServiceDeps) {
  const { reader, metrics, targets } = deps;
  const fcrSettings = (): FcrSettings => ({ now: Math.floor((deps.now ?? Date.now)()), ...deps.fcr });

  async function run<T>(purpose: string, q: { sql: string; params: Record<string, unknown> }): Promise<T[]> {
    metrics.clickhouseQueries.inc({ purpose });
    try {
      return await reader.query<T>(q.sql, q.params);
    } catch (e) {
      // The store's own message (SQL text, table names) goes to the log via `cause`, not to clients.
      const retry = e instanceof PulseError ? e.retry : true;
      throw new PulseError(retry ? "store_unavailable" : "store_failed", retry ? "the score store is unavailable; retry shortly" : "the score store could not answer this query", {
        status: retry ? 503 : 500,
        retry,
        cause: e,
      });
    }
  }

  // Checked once the three tables exist (the engines change only with a migration, and the
  // service migrates at start); until then, and after a failed check, asked again.
  let tierUsable: Promise<boolean> | undefined;
  const usable = (): Promise<boolean> =>
    (tierUsable ??= run<{ name: string; engine: string }>("tier-engines", { sql: TIER_ENGINES_SQL, params: {} }).then(
      (tables) => {
        if (tables.length < 3) tierUsable = undefined;
        return tierSupported(tables);
      },
      () => {
        tierUsable = undefined;
        return false;
      },
    ));
  const readParts = async (): Promise<Snapshot> => snapshotOf(await run<Part>("data-version", { sql: DATA_PARTS_SQL, params: {} }));
  const tier: StatsTier<StatsRow> | undefined =
    deps.liveTier === false ? undefined : createStatsTier<StatsRow>({ snapshot: createVersionProbe(readParts), recheck: readParts });

  /**
   * Scores of kept statistics, per rows array (replaced whenever the tier reloads) and FCR clock:
   * the clock enters the scores only through each cohort's censoring bin
   * ⌊(now − L − start − width) / 1 min⌋ (@pulse/scoring fcr-cohorts), and rollup cohorts start and
   * end on whole minutes, so with L a whole number of minutes the scores are a function of the
   * rows and ⌊(now − L) / 1 min⌋: reusing them within that minute is exact.
   */
  const scored = new WeakMap<StatsRow[], { clock: number; groups: GroupScores[] }>();
  const scoreRows = (rows: StatsRow[], fcr: FcrSettings, reusable: boolean): GroupScores[] => {
    if (!reusable || fcr.allowedLatenessMs % GRAINS.minute !== 0) return rows.map((row) => scoreGroup(row, fcr));
    const clock = Math.floor((fcr.now - fcr.allowedLatenessMs) / GRAINS.minute);
    const hit = scored.get(rows);
    if (hit && hit.clock === clock) return hit.groups;
    const groups = rows.map((row) => scoreGroup(row, fcr));
    scored.set(rows, { clock, groups });
    return groups;
  };

  async function scores(tenant: string, spec: ScopeSpec, purpose = "scores"): Promise<ScoresBody> {
    const q = buildStatsQuery({ tenant, range: spec.range, groupBy: spec.groupBy, filters: spec.filters });
    const viaTier = tier !== undefined && purpose !== "stream" && (await usable());
    const delta: TierDelta<StatsRow> = {
      read: async (parts) => {
        const byTable: Partial<Record<RollupTable, string[]>> = {};
        for (const p of parts) (byTable[p.table as RollupTable] ??= []).push(p.name);
        const d = buildStatsQuery({ tenant, range: spec.range, groupBy: spec.groupBy, filters: spec.filters, parts: byTable });
        return d.sql === "" ? [] : run<StatsRow>(`${purpose}-delta`, d);
      },
      merge: (kept, added) => mergeStatsRows(kept, added, spec.groupBy),
    };
    const rows = viaTier ? (await tier.rows(JSON.stringify([tenant, spec.range, spec.groupBy, spec.filters]), () => run<StatsRow>(purpose, q), delta)).rows : await run<StatsRow>(purpose, q);
    const fcr = fcrSettings();
    const groupScores = scoreRows(rows, fcr, viaTier);
    return {
      from: iso(spec.range.from),
      to: iso(spec.range.to),
      window: spec.window ?? null,
      groupBy: spec.groupBy,
      filters: spec.filters,
      sources: q.segments.map((s) => ({ table: s.table, from: iso(s.from), to: iso(s.to) })),
      groups: rows.map((row, i) => {
        const key = keyOf(row, spec.groupBy);
        const s = groupScores[i] as GroupScores;
        const tp = touchpointOf(key, spec.filters);
        return { key, ...s, targets: tp === undefined ? null : targetReport(s, targets.targets(tenant, tp)) };
      }),
    };
  }

  async function timeseries(tenant: string, spec: ScopeSpec & { grain: Grain; metric: MetricName }): Promise<SeriesBody> {
    const q = buildSeriesQuery({ tenant, range: spec.range, grain: spec.grain, groupBy: spec.groupBy, filters: spec.filters });
    const rows = await run<StatsRow>("timeseries", q);
    const step = GRAINS[spec.grain];
    const bySeries = new Map<string, { key: GroupKey; buckets: Map<number, StatsRow> }>();
    for (const row of rows) {
      const key = keyOf(row, spec.groupBy);
      const id = JSON.stringify(key);
      const entry = bySeries.get(id) ?? { key, buckets: new Map() };
      entry.buckets.set((row.t ?? 0) * 1000, row);
      bySeries.set(id, entry);
    }
    if (spec.groupBy.length === 0 && bySeries.size === 0) bySeries.set("{}", { key: {}, buckets: new Map() });
    const pick = METRICS[spec.metric];
    const fcr = fcrSettings();
    // Every bucket of the range is present, empty ones with value null, so charts keep their time axis.
    const series = [...bySeries.values()].map(({ key, buckets }) => {
      const points: SeriesBody["series"][number]["points"] = [];
      for (let t = spec.range.from; t < spec.range.to; t += step) {
        const row = buckets.get(t);
        points.push({ t: iso(t), ...(row ? pick(scoreGroup(row, fcr)) : { value: null, n: 0, ci95: null }) });
      }
      return { key, points };
    });
    return {
      metric: spec.metric,
      grain: spec.grain,
      table: q.table,
      from: iso(spec.range.from),
      to: iso(spec.range.to),
      window: spec.window ?? null,
      groupBy: spec.groupBy,
      filters: spec.filters,
      series,
    };
  }

  async function compare(tenant: string, spec: ScopeSpec, baseline: TimeRange): Promise<CompareBody> {
    const [cur, base] = await Promise.all([
      run<StatsRow>("compare", buildStatsQuery({ tenant, range: spec.range, groupBy: spec.groupBy, filters: spec.filters })),
      run<StatsRow>("compare", buildStatsQuery({ tenant, range: baseline, groupBy: spec.groupBy, filters: spec.filters })),
    ]);
    const groups = new Map<string, { key: GroupKey; a: StatsRow; b: StatsRow }>();
    for (const [rows, side] of [
      [cur, "a"],
      [base, "b"],
    ] as const) {
      for (const row of rows) {
        const key = keyOf(row, spec.groupBy);
        const id = JSON.stringify(key);
        const g = groups.get(id) ?? { key, a: emptyStats(), b: emptyStats() };
        g[side] = row;
        groups.set(id, g);
      }
    }
    const sorted = [...groups.entries()].sort((x, y) => x[0].localeCompare(y[0]));
    const fcr = fcrSettings();
    return {
      current: { from: iso(spec.range.from), to: iso(spec.range.to) },
      baseline: { from: iso(baseline.from), to: iso(baseline.to) },
      groupBy: spec.groupBy,
      filters: spec.filters,
      groups: sorted.map(([, g]) => ({ key: g.key, ...compareGroup(g.a, g.b, fcr) })),
    };
  }

  async function painPoints(tenant: string, spec: Omit<ScopeSpec, "groupBy">, limit: number, topicsPerTouchpoint = 5): Promise<PainPointsBody> {
    const [rows, topicRows] = await Promise.all([
      run<StatsRow>("pain-points", buildStatsQuery({ tenant, range: spec.range, groupBy: ["touchpoint"], filters: spec.filters })),
      run<{ touchpoint: string; topic: string; count: number }>(
        "pain-points",
        buildComplaintTopicsQuery({ tenant, range: spec.range, filters: spec.filters, limit: topicsPerTouchpoint }),
      ),
    ]);
    const topics = new Map<string, TopicCount[]>();
    for (const r of topicRows) topics.set(r.touchpoint, [...(topics.get(r.touchpoint) ?? []), { topic: r.topic, count: r.count }]);
    const ranked = rankTouchpoints(
      rows.map((r) => ({ touchpoint: r.touchpoint ?? "", stats: r })),
      (tp) => targets.targets(tenant, tp),
      topics,
      fcrSettings(),
    );
    return { from: iso(spec.range.from), to: iso(spec.range.to), window: spec.window ?? null, filters: spec.filters, painPoints: ranked.slice(0, limit) };
  }

  async function drivers(tenant: string, range: TimeRange, filters: Filters, requested: string[]): Promise<DriversBody> {
    const rows = await run<RespondentRow>("drivers", buildRespondentsQuery({ tenant, range, filters }));
    const driverRows = toDriverRows(rows);
    const names = chooseDrivers(driverRows, requested);
    const result = keyDrivers(driverRows, { drivers: names });
    if (!result.ok) {
      throw new PulseError("insufficient_data", `key-driver analysis not possible: ${result.error.message}`, {
        status: 422,
        details: { reason: result.error.code, respondents: driverRows.length, drivers: names, ...(result.error.variable ? { variable: result.error.variable } : {}) },
      });
    }
    const rated = coverage(driverRows);
    return {
      from: iso(range.from),
      to: iso(range.to),
      respondents: driverRows.length,
      n: result.value.n,
      r2: result.value.r2,
      drivers: result.value.drivers.map((d) => ({
        touchpoint: d.driver,
        importance: d.importance,
        rawWeight: d.rawWeight,
        beta: d.beta,
        correlation: d.correlation,
        n: d.n,
        ratedBy: rated.get(d.driver) ?? 0,
      })),
    };
  }

  /** The scores of a group without data (what /v1/journey lists for a catalogue touchpoint with none). */
  const emptyScores = (): GroupScores => scoreGroup(emptyStats(), fcrSettings());

  /** Merged sufficient statistics per group (the stats query of /v1/scores), for callers that test them. */
  async function stats(tenant: string, spec: Omit<ScopeSpec, "window">, purpose: string): Promise<{ rows: StatsRow[]; fcr: FcrSettings }> {
    const rows = await run<StatsRow>(purpose, buildStatsQuery({ tenant, range: spec.range, groupBy: spec.groupBy, filters: spec.filters }));
    return { rows, fcr: fcrSettings() };
  }
  return { scores, timeseries, compare, painPoints, drivers, emptyScores, stats, fcrSettings };
}
