import { describe, expect, it } from "vitest";
import { rankPainPoints } from "./pain-points";
import { InvalidStatsError } from "./validate";

const items = [
  {
    touchpoint: "ivr",
    volume: 10_000,
    gapToTarget: 5,
    complaintCount: 40,
    repeatContactRate: 0.1,
    owner: "ops",
  },
  {
    touchpoint: "billing",
    volume: 2_000,
    gapToTarget: 20,
    complaintCount: 120,
    repeatContactRate: 0.3,
    owner: "finance",
  },
  {
    touchpoint: "store",
    volume: 5_000,
    gapToTarget: 0,
    complaintCount: 10,
    repeatContactRate: 0.02,
    owner: "retail",
  },
];

describe("rankPainPoints", () => {
  it("scores = shortfall contacts + complaints + repeat contacts, largest first", () => {
    const ranked = rankPainPoints(items);
    // ivr: 10000·5/100 = 500, + 40, + 1000 = 1540; billing: 400 + 120 + 600 = 1120; store: 0 + 10 + 100 = 110
    expect(ranked.map((r) => [r.rank, r.touchpoint, r.score])).toEqual([
      [1, "ivr", 1540],
      [2, "billing", 1120],
      [3, "store", 110],
    ]);
    expect(ranked[1]!.evidence).toEqual({
      shortfallContacts: 400,
      complaints: 120,
      repeatContacts: 600,
      complaintsPer1000: 60,
    });
    expect(ranked[0]!.item.owner).toBe("ops"); // extra fields pass through
  });

  it("weights change the order; a score does not depend on the other items", () => {
    const ranked = rankPainPoints(items, { repeat: 0 });
    // ivr 540, billing 520, store 10
    expect(ranked.map((r) => r.touchpoint)).toEqual(["ivr", "billing", "store"]);
    const complaintsHeavy = rankPainPoints(items, { complaints: 10 });
    expect(complaintsHeavy[0]!.touchpoint).toBe("billing"); // 400 + 1200 + 600 = 2200 vs 500 + 400 + 1000 = 1900
    expect(rankPainPoints([items[1]!])[0]!.score).toBe(
      rankPainPoints(items).find((r) => r.touchpoint === "billing")!.score,
    );
  });

  it("ties break by volume then name; bad inputs are refused", () => {
    const tied = rankPainPoints([
      { touchpoint: "b", volume: 100, gapToTarget: 0, complaintCount: 5, repeatContactRate: 0 },
      { touchpoint: "a", volume: 100, gapToTarget: 0, complaintCount: 5, repeatContactRate: 0 },
      { touchpoint: "c", volume: 0, gapToTarget: 0, complaintCount: 5, repeatContactRate: 0 },
    ]);
    expect(tied.map((r) => r.touchpoint)).toEqual(["a", "b", "c"]);
    expect(tied[2]!.evidence.complaintsPer1000).toBeNull();
    expect(() =>
      rankPainPoints([
        { touchpoint: "x", volume: 1, gapToTarget: -1, complaintCount: 0, repeatContactRate: 0 },
      ]),
    ).toThrow(InvalidStatsError);
    expect(() =>
      rankPainPoints([
        { touchpoint: "x", volume: 1, gapToTarget: 0, complaintCount: 0, repeatContactRate: 1.5 },
      ]),
    ).toThrow(InvalidStatsError);
    expect(rankPainPoints([])).toEqual([]);
  });
});
