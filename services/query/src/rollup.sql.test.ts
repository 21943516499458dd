import { describe, expect, it } from "vitest";
import { buildSeriesQuery, buildStatsQuery, decomposeRange } from "./rollup.sql";

const t = (s: string) => Date.parse(s);

describe("decomposeRange", () => {
  it("tiles a ragged 7-day range with days, hours and minutes", () => {
    const segs = decomposeRange({ from: t("2025-06-03T12:35:00Z"), to: t("2025-06-10T12:35:00Z") });
    expect(segs.map((s) => [s.table, new Date(s.from).toISOString(), new Date(s.to).toISOString()])).toEqual([
      ["rollup_minute", "2025-06-03T12:35:00.000Z", "2025-06-03T13:00:00.000Z"],
      ["rollup_hour", "2025-06-03T13:00:00.000Z", "2025-06-04T00:00:00.000Z"],
      ["rollup_day", "2025-06-04T00:00:00.000Z", "2025-06-10T00:00:00.000Z"],
      ["rollup_hour", "2025-06-10T00:00:00.000Z", "2025-06-10T12:00:00.000Z"],
      ["rollup_minute", "2025-06-10T12:00:00.000Z", "2025-06-10T12:35:00.000Z"],
    ]);
  });
  it("uses one table when the range is aligned to it, and covers the range exactly", () => {
    expect(decomposeRange({ from: t("2025-06-01T00:00:00Z"), to: t("2025-06-03T00:00:00Z") }).map((s) => s.table)).toEqual(["rollup_day"]);
    expect(decomposeRange({ from: t("2025-06-01T10:00:00Z"), to: t("2025-06-01T12:00:00Z") }).map((s) => s.table)).toEqual(["rollup_hour"]);
    expect(decomposeRange({ from: t("2025-06-01T10:01:00Z"), to: t("2025-06-01T10:59:00Z") }).map((s) => s.table)).toEqual(["rollup_minute"]);
    for (const [a, b] of [
      ["2025-06-01T10:01:00Z", "2025-06-04T10:59:00Z"],
      ["2025-06-01T23:59:00Z", "2025-06-02T00:01:00Z"],
      ["2025-06-01T00:00:00Z", "2025-06-02T05:00:00Z"],
    ] as const) {
      const segs = decomposeRange({ from: t(a), to: t(b) });
      expect(segs[0]!.from).toBe(t(a));
      expect(segs[segs.length - 1]!.to).toBe(t(b));
      segs.slice(1).forEach((s, i) => expect(s.from).toBe(segs[i]!.to));
    }
  });
});

describe("SQL builders", () => {
  it("never put values into the SQL text: tenant, times and filters are bound parameters", () => {
    const hostile = "x') OR 1=1 --";
    const q = buildStatsQuery({
      tenant: hostile,
      range: { from: t("2025-06-03T12:35:00Z"), to: t("2025-06-10T12:35:00Z") },
      groupBy: ["touchpoint", "journeyStage"],
      filters: { segment: [hostile] },
    });
    expect(q.sql).not.toContain(hostile);
    expect(q.sql).toContain("tenant = {tenant:String}");
    expect(q.sql).toContain("segment IN {f_segment:Array(String)}");
    expect(q.sql).toContain("journey_stage AS journeyStage");
    expect(q.params).toMatchObject({ tenant: hostile, f_segment: [hostile] });
    const s = buildSeriesQuery({ tenant: hostile, range: { from: 0, to: 3_600_000 }, grain: "minute", groupBy: [], filters: { channel: [hostile] } });
    expect(s.sql).not.toContain(hostile);
    expect(s.table).toBe("rollup_minute");
  });
});
