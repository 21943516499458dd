import { describe, expect, it } from "vitest";
import { csatScore, csatStatsOf } from "./csat";
import { cesScore } from "./mean";
import { mergeAllStats, mergeHistograms, mergeStats } from "./merge";
import { momentStatsOf } from "./moments";
import { npsScore, npsStatsOf } from "./nps";
import { mulberry32, randomInts } from "./prng.test-helper";
import { histogramOf, quantileFromHistogram } from "./quantiles";
import type { NpsStats } from "./types";
import { InvalidStatsError } from "./validate";

describe("merging sufficient statistics", () => {
  const rand = mulberry32(77);
  const nps = randomInts(rand, 3000, 0, 10);
  const csat = randomInts(rand, 3000, 1, 5);
  const ces = randomInts(rand, 3000, 1, 7);
  const cut = (xs: number[]): number[][] => [
    xs.slice(0, 1000),
    xs.slice(1000, 1700),
    xs.slice(1700),
  ];

  it("merged stats equal the stats of the concatenated data, so scores are identical", () => {
    const parts = cut(nps).map(npsStatsOf);
    const merged = mergeAllStats<NpsStats>(parts, {
      n: 0,
      promoters: 0,
      passives: 0,
      detractors: 0,
    });
    expect(merged).toEqual(npsStatsOf(nps));
    expect(npsScore(merged)).toEqual(npsScore(npsStatsOf(nps)));

    const [c1, c2, c3] = cut(csat).map(csatStatsOf) as [
      ReturnType<typeof csatStatsOf>,
      ReturnType<typeof csatStatsOf>,
      ReturnType<typeof csatStatsOf>,
    ];
    expect(csatScore(mergeStats(mergeStats(c1, c2), c3))).toEqual(csatScore(csatStatsOf(csat)));

    const [m1, m2, m3] = cut(ces).map(momentStatsOf) as [
      ReturnType<typeof momentStatsOf>,
      ReturnType<typeof momentStatsOf>,
      ReturnType<typeof momentStatsOf>,
    ];
    expect(cesScore(mergeStats(m3, mergeStats(m1, m2)))).toEqual(cesScore(momentStatsOf(ces)));
    expect(mergeStats({ successes: 3, n: 10 }, { successes: 4, n: 5 })).toEqual({
      successes: 7,
      n: 15,
    });
  });

  it("histograms merge by adding counts", () => {
    const parts = cut(ces).map(histogramOf);
    const merged = mergeHistograms(...parts);
    expect([...merged].sort((a, b) => a[0] - b[0])).toEqual(
      [...histogramOf(ces)].sort((a, b) => a[0] - b[0]),
    );
    expect(quantileFromHistogram(merged, 0.9)).toBe(quantileFromHistogram(histogramOf(ces), 0.9));
  });

  it("refuses to merge different shapes", () => {
    const moments: Record<string, number> = { n: 1, sum: 2, sumSq: 4 };
    const rateStats: Record<string, number> = { successes: 1, n: 1 };
    expect(() => mergeStats(moments, rateStats)).toThrow(InvalidStatsError);
  });
});
