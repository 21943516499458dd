import { describe, expect, it } from "vitest";
import { chooseDrivers, coverage, toDriverRows } from "./drivers-fns";
import { largestGap, volumeOf } from "./pain-fns";
import { emptyStats } from "./scores-fns";

describe("pain-point helpers", () => {
  it("takes the largest shortfall in percentage points (FCR share ×100) and ignores met targets", () => {
    const gap = (target: number, value: number) => ({ target, value, direction: "higher-is-better" as const, gap: target - value, met: target <= value, significantMiss: false, ci95: null });
    expect(largestGap({ nps: gap(20, 15), csatTop2: gap(80, 90), fcr: gap(0.9, 0.8) })).toEqual({ gap: expect.closeTo(10, 12) as unknown, metric: "fcr" });
    expect(largestGap({ nps: gap(20, 30) })).toEqual({ gap: 0, metric: null });
    expect(largestGap(null)).toEqual({ gap: 0, metric: null });
  });
  it("counts volume as contacts, or survey answers where a touchpoint only gets surveys", () => {
    expect(volumeOf({ ...emptyStats(), contacts: 40, nps_n: 10 })).toBe(40);
    expect(volumeOf({ ...emptyStats(), nps_n: 12, csat_n: 30 })).toBe(30);
  });
});

describe("key-driver helpers", () => {
  it("builds one row per respondent, averaging repeated touchpoint answers", () => {
    const rows = toDriverRows([
      { overall: 9, touchpoints: ["ivr", "chat", "ivr"], scores: [4, 2, 5] },
      { overall: 3, touchpoints: ["chat"], scores: [1] },
    ]);
    expect(rows).toEqual([
      { overall: 9, drivers: { ivr: 4.5, chat: 2 } },
      { overall: 3, drivers: { chat: 1 } },
    ]);
    expect(coverage(rows)).toEqual(new Map([["ivr", 1], ["chat", 2]]));
    expect(chooseDrivers(rows, [])).toEqual(["chat", "ivr"]);
    expect(chooseDrivers(rows, ["store", "ivr"])).toEqual(["ivr", "store"]);
  });
});
