import { describe, expect, it } from "vitest";
import { keyDrivers, type KeyDriverRow } from "./key-drivers";
import { mulberry32 } from "./prng.test-helper";
import { bruteForceOls, pearson, sd, shapleyByPermutations } from "./reference-stats.test-helper";

describe("keyDrivers (LMG / Shapley decomposition of R²)", () => {
  it("hand case: two orthogonal drivers — importances are their squared correlations, normalised", () => {
    // x1 ⟂ x2 (2×2 factorial). ȳ = 2, y − ȳ = (−2, −1, 0, 3): Σx1·y = 6, Σx2·y = 4, Σx² = 4, Σ(y − ȳ)² = 14
    // r1² = 36/56 = 9/14, r2² = 16/56 = 4/14, R² = 13/14, importances 9/13 and 4/13.
    const x1 = [-1, -1, 1, 1];
    const x2 = [-1, 1, -1, 1];
    const y = [0, 1, 2, 5];
    const rows: KeyDriverRow[] = y.map((overall, i) => ({
      overall,
      drivers: { speed: x1[i]!, staff: x2[i]! },
    }));
    const res = keyDrivers(rows);
    if (!res.ok) throw new Error(res.error.message);
    const { r2, n, drivers } = res.value;
    expect(n).toBe(4);
    expect(r2).toBeCloseTo(13 / 14, 14);
    expect(drivers.map((d) => d.driver)).toEqual(["speed", "staff"]);
    const [speed, staff] = drivers as [(typeof drivers)[0], (typeof drivers)[0]];
    expect(speed.importance).toBeCloseTo(9 / 13, 14);
    expect(staff.importance).toBeCloseTo(4 / 13, 14);
    expect(speed.rawWeight).toBeCloseTo(9 / 14, 14);
    expect(speed.correlation).toBeCloseTo(6 / Math.sqrt(56), 14);
    expect(speed.beta).toBeCloseTo(6 / Math.sqrt(56), 14); // orthogonal: β = r
    expect(staff.beta).toBeCloseTo(4 / Math.sqrt(56), 14);
    expect(speed.n).toBe(4);
  });

  it("agrees with an independent brute force (QR regressions + Shapley over all permutations)", () => {
    const rand = mulberry32(2024);
    const names = ["billing", "delivery", "ivr", "store", "chat"];
    const rows: KeyDriverRow[] = [];
    for (let i = 0; i < 400; i++) {
      const common = rand() * 4;
      const d: Record<string, number | null> = {};
      names.forEach((name, j) => {
        d[name] = Math.min(10, Math.max(0, Math.round(common + rand() * (3 + j))));
        if (rand() < 0.05) d[name] = null; // missing answers → dropped as incomplete
      });
      const overall = Math.min(
        10,
        Math.max(
          0,
          Math.round(
            0.5 * d.billing! + 0.3 * d.delivery! + 0.1 * d.ivr! + 0.05 * d.chat! + rand() * 3,
          ),
        ),
      );
      rows.push({ overall: rand() < 0.02 ? null : overall, drivers: d });
    }
    const res = keyDrivers(rows);
    if (!res.ok) throw new Error(res.error.message);

    const complete = rows.filter(
      (r) => r.overall !== null && names.every((nm) => r.drivers[nm] !== null),
    );
    const y = complete.map((r) => r.overall!);
    const cols = names.map((nm) => complete.map((r) => r.drivers[nm]!));
    const { r2, beta } = bruteForceOls(y, cols);
    const shapley = shapleyByPermutations(
      names.length,
      (subset) =>
        bruteForceOls(
          y,
          subset.map((j) => cols[j]!),
        ).r2,
    );

    expect(res.value.n).toBe(complete.length);
    expect(res.value.r2).toBeCloseTo(r2, 12);
    let sumImportance = 0;
    for (const d of res.value.drivers) {
      const j = names.indexOf(d.driver);
      expect(d.rawWeight).toBeCloseTo(shapley[j]!, 12);
      expect(d.importance).toBeCloseTo(shapley[j]! / r2, 12);
      const sdX = sd(cols[j]!);
      expect(d.beta).toBeCloseTo((beta[j]! * sdX) / sd(y), 11);
      expect(d.correlation).toBeCloseTo(pearson(cols[j]!, y), 12);
      sumImportance += d.importance;
    }
    expect(sumImportance).toBeCloseTo(1, 14);
    // Sorted by importance, and billing (largest true weight) comes first.
    expect(res.value.drivers[0]!.driver).toBe("billing");
    const imps = res.value.drivers.map((d) => d.importance);
    expect([...imps].sort((p, q) => q - p)).toEqual(imps);
  });

  it("reports unusable inputs as error values", () => {
    const codeOf = (rows: KeyDriverRow[]): string | undefined => {
      const r = keyDrivers(rows);
      return r.ok ? undefined : r.error.code;
    };
    expect(codeOf([])).toBe("no_drivers");
    expect(
      codeOf([
        { overall: 5, drivers: { a: 1 } },
        { overall: 6, drivers: { a: 2 } },
      ]),
    ).toBe("too_few_rows");
    const constant = [1, 2, 3, 4, 5].map((v) => ({ overall: v, drivers: { a: 3, b: v % 2 } }));
    expect(keyDrivers(constant)).toMatchObject({
      ok: false,
      error: { code: "constant_variable", variable: "a" },
    });
    const collinear = [1, 2, 3, 4, 5, 6].map((v) => ({
      overall: (v * 7) % 5,
      drivers: { a: v, b: 2 * v + 1 },
    }));
    expect(codeOf(collinear)).toBe("collinear_drivers");
    const many = Object.fromEntries(Array.from({ length: 13 }, (_, i) => [`d${i}`, i]));
    expect(codeOf([{ overall: 1, drivers: many }])).toBe("too_many_drivers");
  });
});
