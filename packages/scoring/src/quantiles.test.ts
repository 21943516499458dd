import { describe, expect, it } from "vitest";
import { mulberry32, randomInts } from "./prng.test-helper";
import {
  histogramOf,
  quantileFromHistogram,
  quantileOfValues,
  quantileRank,
  quantilesFromHistogram,
  waitTimeScore,
} from "./quantiles";

const LEVELS = [0, 0.01, 0.1, 0.25, 0.3, 0.5, 0.7, 0.75, 0.9, 0.95, 0.99, 1];

describe("quantile definition Q(q) = x₍max(1, ⌈q·N⌉)₎", () => {
  it("on 1..10 gives what ClickHouse 26.7 quantileExactWeighted(q)(x, 1) returned", () => {
    // Observed with chDB 26.7: SELECT quantileExactWeighted(q)(x, 1) FROM (SELECT number + 1 AS x FROM numbers(10))
    const xs = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    const clickhouse: [number, number][] = [
      [0, 1],
      [0.3, 3],
      [0.5, 5],
      [0.7, 7],
      [0.9, 9],
      [1, 10],
    ];
    for (const [q, want] of clickhouse) {
      expect(quantileOfValues(xs, q)).toBe(want);
      expect(quantileFromHistogram(histogramOf(xs), q)).toBe(want);
    }
    // quantileExact would give 6 for the median of 10 values; we give the lower one by definition.
    expect(quantileOfValues(xs, 0.5)).toBe(5);
    expect(quantileOfValues([...xs, 11], 0.5)).toBe(6);
  });

  it("on a weighted histogram gives what ClickHouse quantileExactWeighted(q)(v, c) returned", () => {
    // VALUES (0, 3), (5, 2), (7, 5): ClickHouse returned 5 at q = 0.5, 7 at q = 0.9, 0 at q = 0.1.
    const h: [number, number][] = [
      [7, 5],
      [0, 3],
      [5, 2],
    ];
    expect(quantileFromHistogram(h, 0.5)).toBe(5);
    expect(quantileFromHistogram(h, 0.9)).toBe(7);
    expect(quantileFromHistogram(h, 0.1)).toBe(0);
    expect(quantilesFromHistogram(new Map(h), [0.1, 0.5, 0.9])).toEqual([0, 5, 7]);
  });

  it("histogram and raw-value forms agree on random data at every level", () => {
    const rand = mulberry32(11);
    for (let trial = 0; trial < 200; trial++) {
      const n = 1 + Math.floor(rand() * 300);
      const values = randomInts(rand, n, 0, trial % 2 ? 20 : 600);
      const hist = [...histogramOf(values)];
      // Shuffle the pairs and split one value's count in two: order and duplicates must not matter.
      hist.sort(() => rand() - 0.5);
      const [v, c] = hist[0]!;
      const pairs: [number, number][] = c > 1 ? [[v, 1], ...hist.slice(1), [v, c - 1]] : hist;
      for (const q of LEVELS) {
        // By hand: walk the sorted values.
        const sorted = [...values].sort((a, b) => a - b);
        const byHand = sorted[Math.max(1, Math.ceil(q * n)) - 1];
        expect(quantileOfValues(values, q)).toBe(byHand);
        expect(quantileFromHistogram(pairs, q)).toBe(byHand);
      }
    }
  });

  it("the double-precision rank equals the exact rational ⌈q·N⌉ for the usual levels, N ≤ 200,000", () => {
    for (const [q, num] of [
      [0.5, 500],
      [0.9, 900],
      [0.95, 950],
      [0.99, 990],
      [0.75, 750],
      [0.25, 250],
    ] as const) {
      for (let n = 1; n <= 200_000; n++) {
        const exact = Math.max(1, Math.floor((num * n + 999) / 1000));
        if (quantileRank(n, q) !== exact) throw new Error(`rank mismatch q=${q} n=${n}`);
      }
    }
    expect(quantileRank(10, 0.9)).toBe(9);
  });

  it("edges: empty, zero counts, single value, bad levels", () => {
    expect(quantileFromHistogram([], 0.5)).toBeNull();
    expect(quantileFromHistogram([[5, 0]], 0.5)).toBeNull();
    expect(quantileOfValues([], 0.9)).toBeNull();
    expect(
      quantileFromHistogram(
        [
          [1, 0],
          [3, 2],
        ],
        0,
      ),
    ).toBe(3); // a zero count is no observation
    expect(quantileFromHistogram([[42, 1]], 0.99)).toBe(42);
    expect(() => quantileFromHistogram([[1, 1]], 1.5)).toThrow(RangeError);
    expect(() => quantileFromHistogram([[1, -1]], 0.5)).toThrow();
  });
});

describe("waitTimeScore", () => {
  it("mean, p50, p90 from the histogram equal those of the raw waits", () => {
    const rand = mulberry32(5);
    const waits = randomInts(rand, 5000, 0, 400);
    const s = waitTimeScore(histogramOf(waits));
    const mean = waits.reduce((a, b) => a + b, 0) / waits.length;
    expect(s.n).toBe(5000);
    expect(s.mean!).toBeCloseTo(mean, 12);
    expect(s.p50).toBe(quantileOfValues(waits, 0.5));
    expect(s.p90).toBe(quantileOfValues(waits, 0.9));
    expect(waitTimeScore([])).toMatchObject({ n: 0, mean: null, p50: null, p90: null });
  });
});
