/**
 * Exact merge of stats rows (what the stats query returns) in process: the same folds as the
 * query's read aggregates (@pulse/rollups KINDS: `sum` for counts and sums, `sumMap` for
 * histograms, keys kept even when they add up to 0, as ClickHouse's sumMap does), FCR cohorts
 * added per bucket, groups in the query's order (ORDER BY the grouping columns: byte order).
 * Merging the rows of two disjoint sets of rollup rows gives the rows of their union.
 */
import { KINDS, STATISTICS } from "@pulse/rollups";
import type { Dimension } from "./params-fns";
import type { StatsRow } from "./rollup.sql";

type Cohort = StatsRow["fcr_cohorts"][number];

function addMaps(a: Record<string, number> | undefined, b: Record<string, number> | undefined): Record<string, number> {
  const out: Record<string, number> = { ...(a ?? {}) };
  for (const [k, v] of Object.entries(b ?? {})) out[k] = (out[k] ?? 0) + Number(v);
  return out;
}

function mergeCohorts(a: readonly Cohort[], b: readonly Cohort[]): Cohort[] {
  const byBucket = new Map<string, Cohort>();
  for (const [start, width, n, hist] of [...a, ...b]) {
    const id = `${start}/${width}`;
    const c = byBucket.get(id);
    byBucket.set(id, c ? [start, width, Number(c[2]) + Number(n), addMaps(c[3], hist)] : [start, width, Number(n), { ...(hist ?? {}) }]);
  }
  return [...byBucket.values()];
}

/** The row of a group present in both inputs. */
export function mergeStatsRow(a: StatsRow, b: StatsRow): StatsRow {
  const out: Record<string, unknown> = { ...a };
  for (const s of STATISTICS) {
    const x = (a as Record<string, unknown>)[s.name];
    const y = (b as Record<string, unknown>)[s.name];
    out[s.name] = KINDS[s.kind].read === "sumMap" ? addMaps(x as Record<string, number>, y as Record<string, number>) : Number(x ?? 0) + Number(y ?? 0);
  }
  out.fcr_cohorts = mergeCohorts(a.fcr_cohorts ?? [], b.fcr_cohorts ?? []);
  return out as StatsRow;
}

const utf8 = (s: string | undefined) => Buffer.from(s ?? "", "utf8");

/** Rows of the union, one per group (`groupBy`'s keys), ordered as the stats query orders them. */
export function mergeStatsRows(a: readonly StatsRow[], b: readonly StatsRow[], groupBy: readonly Dimension[]): StatsRow[] {
  const id = (r: StatsRow) => JSON.stringify(groupBy.map((d) => r[d] ?? ""));
  const groups = new Map<string, StatsRow>();
  for (const r of [...a, ...b]) {
    const k = id(r);
    const g = groups.get(k);
    groups.set(k, g ? mergeStatsRow(g, r) : r);
  }
  const rows = [...groups.values()];
  rows.sort((x, y) => {
    for (const d of groupBy) {
      const c = Buffer.compare(utf8(x[d]), utf8(y[d]));
      if (c !== 0) return c;
    }
    return 0;
  });
  return rows;
}
