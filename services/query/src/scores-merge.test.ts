import { describe, expect, it } from "vitest";
import { STATISTICS } from "@pulse/rollups";
import type { StatsRow } from "./rollup.sql";
import { emptyStats } from "./scores-fns";
import { mergeStatsRows } from "./scores-merge";

const row = (touchpoint: string, fill: number, cohorts: StatsRow["fcr_cohorts"] = []): StatsRow => {
  const r = emptyStats() as Record<string, unknown>;
  for (const s of STATISTICS) r[s.name] = s.kind.toLowerCase().includes("histogram") ? { "3": fill, "7": 2 * fill } : fill;
  return { ...(r as StatsRow), touchpoint, fcr_cohorts: cohorts };
};

describe("mergeStatsRows", () => {
  it("adds every statistic of a group present on both sides, key by key for histograms, cohorts per bucket", () => {
    const a = [row("ivr", 1, [[60, 60, 5, { "2": 1 }]])];
    const b = [row("ivr", 2, [[60, 60, 3, { "2": 2, "9": -1 }], [120, 60, 4, {}]])];
    const [m] = mergeStatsRows(a, b, ["touchpoint"]);
    for (const s of STATISTICS) {
      const v = (m as Record<string, unknown>)[s.name];
      if (s.kind.toLowerCase().includes("histogram")) expect(v).toEqual({ "3": 3, "7": 6 });
      else expect(v).toBe(3);
    }
    expect(m!.fcr_cohorts).toEqual([
      [60, 60, 8, { "2": 3, "9": -1 }],
      [120, 60, 4, {}],
    ]);
    // Inputs untouched (the tier keeps them).
    expect(a[0]!.fcr_cohorts).toEqual([[60, 60, 5, { "2": 1 }]]);
    expect((a[0] as Record<string, unknown>).events).toBe(1);
  });

  it("keeps groups of one side as they are and orders groups by the UTF-8 bytes, as ClickHouse's ORDER BY", () => {
    const merged = mergeStatsRows([row("é", 1), row("b", 1)], [row("z", 2), row("B", 1)], ["touchpoint"]);
    // "é" is 0xC3 0xA9 in UTF-8, after "z" (0x7A); uppercase before lowercase.
    expect(merged.map((r) => r.touchpoint)).toEqual(["B", "b", "z", "é"]);
  });

  it("merges the single row of an ungrouped query", () => {
    const merged = mergeStatsRows([row("", 1)], [row("", 4)], []);
    expect(merged).toHaveLength(1);
    expect((merged[0] as Record<string, unknown>).events).toBe(5);
  });
});
