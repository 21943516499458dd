import { describe, expect, it } from "vitest";
import { cesScore } from "./mean";
import { npsScore } from "./nps";
import { rate } from "./rates";
import { targetGap } from "./target";
import { csatScore } from "./csat";

describe("targetGap", () => {
  it("NPS below target: significant only when the upper 95% bound is below the target", () => {
    const s = npsScore({ n: 400, promoters: 120, passives: 160, detractors: 120 }); // NPS 0, SE ≈ 3.87
    const far = targetGap(s, 20);
    expect(far).toMatchObject({ target: 20, value: 0, gap: 20, met: false, significantMiss: true });
    const near = targetGap(s, 5);
    expect(near).toMatchObject({ gap: 5, met: false, significantMiss: false });
    expect(s.ci95![1] < 20 && s.ci95![1] > 5).toBe(true);
    expect(targetGap(s, -10)).toMatchObject({ gap: -10, met: true, significantMiss: false });
  });

  it("CSAT top-2, CES mean and FCR use their own intervals and units", () => {
    const csat = csatScore({ n: 10, top2: 8, sum: 40, sumSq: 170 }); // Wilson [49.0, 94.3] %
    expect(targetGap(csat, 95)).toMatchObject({ gap: 15, significantMiss: true });
    expect(targetGap(csat, 90)).toMatchObject({ gap: 10, significantMiss: false });
    const ces = cesScore({ n: 4, sum: 16, sumSq: 66 }); // mean 4, s² = (4·66 − 256)/12 = 2/3
    const upper = 4 + 3.1824463052837078 * Math.sqrt(2 / 3 / 4);
    expect(ces.ci95![1]).toBeCloseTo(upper, 12);
    expect(targetGap(ces, upper + 1e-9).significantMiss).toBe(true);
    expect(targetGap(ces, upper - 1e-9).significantMiss).toBe(false);
    const fcr = rate({ successes: 60, n: 100 });
    expect(targetGap(fcr, 0.75)).toMatchObject({ significantMiss: true });
    expect(targetGap(fcr, 0.75).gap!).toBeCloseTo(0.15, 15);
  });

  it("lower-is-better metrics miss significantly when the lower bound is above the target", () => {
    const abandon = rate({ successes: 30, n: 200 }); // 15%, Wilson ≈ [10.7%, 20.6%]
    expect(targetGap(abandon, 0.08, "lower-is-better")).toMatchObject({
      met: false,
      significantMiss: true,
    });
    expect(targetGap(abandon, 0.12, "lower-is-better")).toMatchObject({
      met: false,
      significantMiss: false,
    });
    expect(targetGap(abandon, 0.2, "lower-is-better")).toMatchObject({
      met: true,
      significantMiss: false,
    });
    expect(targetGap(abandon, 0.08, "lower-is-better").gap!).toBeCloseTo(0.07, 15);
  });

  it("no data → no gap, never a significant miss", () => {
    expect(
      targetGap(npsScore({ n: 0, promoters: 0, passives: 0, detractors: 0 }), 30),
    ).toMatchObject({ gap: null, met: null, significantMiss: false });
    expect(targetGap(cesScore({ n: 1, sum: 2, sumSq: 4 }), 6)).toMatchObject({
      gap: 4,
      met: false,
      significantMiss: false,
    });
  });
});
