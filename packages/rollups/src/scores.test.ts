import { describe, expect, it } from "vitest";
import { emptyValues, scoreInput } from "./scores";
import { STATISTICS } from "./statistics";

describe("score mapping generated from the declaration", () => {
  it("reads each score's inputs under @pulse/scoring's field names, scaled to the score's unit", () => {
    const row = { ...emptyValues(), nps_n: 10, nps_promoters: 4, nps_detractors: 3, wait_n: 2, wait_ms_sum: 4500, wait_sq_sum: 12.5, resolve_n: 1, resolve_ms_sum: 7_200_000 };
    expect(scoreInput(row, "nps")).toEqual({ n: 10, promoters: 4, detractors: 3 });
    expect(scoreInput(row, "wait")).toEqual({ n: 2, sum: 4.5, sumSq: 12.5 });
    expect(scoreInput(row, "resolveTime")).toEqual({ n: 1, sum: 2 });
  });

  it("feeds one statistic into every score that names it", () => {
    const row = { ...emptyValues(), contacts: 7, complaints_opened: 2 };
    expect(scoreInput(row, "complaints")).toMatchObject({ contacts: 7, complaints: 2 });
    expect(scoreInput(row, "volume")).toEqual({ events: 0, contacts: 7 });
  });

  it("declares every statistic once, feeding at least one score", () => {
    const names = STATISTICS.map((s) => s.name);
    expect(new Set(names).size).toBe(names.length);
    for (const s of STATISTICS) expect(s.feeds.length, s.name).toBeGreaterThan(0);
    expect(emptyValues().wait_hist).toEqual({});
  });
});
