/**
 * The formulas on real public data (the shared datasets folder (PULSE_DATA_DIR, default ../shared/data), see its README): Anonymous Bank call-centre
 * waits and abandonment, and British Airways Skytrax touchpoint ratings for key-driver analysis.
 * PULSE_DATA_DIR overrides the folder; when a file is absent the same checks run on a small
 * inline sample in the same format.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { keyDrivers, type KeyDriverRow } from "./key-drivers";
import { momentStatsOf } from "./moments";
import { histogramOf, quantileFromHistogram, quantileOfValues, waitTimeScore } from "./quantiles";
import { rate } from "./rates";
import { bruteForceOls, mean, shapleyByPermutations } from "./reference-stats.test-helper";
import { meanScore } from "./mean";

const dataDir =
  process.env.PULSE_DATA_DIR ?? fileURLToPath(new URL("../../../../shared/data", import.meta.url));

function load(file: string, fallback: string): { text: string; real: boolean } {
  const path = join(dataDir, file);
  return existsSync(path)
    ? { text: readFileSync(path, "utf8"), real: true }
    : { text: fallback, real: false };
}

/** Minimal RFC 4180 reader: quoted fields, "" escapes, newlines inside quotes, CRLF. */
function parseCsv(text: string, sep = ","): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  const endField = (): void => {
    row.push(field);
    field = "";
  };
  const endRow = (): void => {
    endField();
    rows.push(row);
    row = [];
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === sep) endField();
    else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      endRow();
    } else field += ch;
  }
  if (field !== "" || row.length > 0) endRow();
  return rows.filter((r) => r.length > 1 || r[0] !== "");
}

function records(text: string, sep: string): Record<string, string>[] {
  const [header, ...body] = parseCsv(text, sep);
  return body.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i] ?? ""])));
}

const CALLS_SAMPLE = [
  "vru+line\tcall_id\tcustomer_id\tpriority\ttype\tdate\tvru_entry\tvru_exit\tvru_time\tq_start\tq_exit\tq_time\toutcome\tser_start\tser_exit\tser_time\tserver",
  "AA0101\t34536\t0\t0\tPS\t990201\t7:02:47\t7:02:56\t9\t0:00:00\t0:00:00\t0\tAGENT\t7:02:55\t7:05:41\t166\tDORIT",
  "AA0101\t34539\t23317894\t2\tPS\t990201\t8:09:16\t8:09:22\t6\t8:09:22\t8:09:27\t5\tHANG\t0:00:00\t0:00:00\t0\tNO_SERVER",
  "AA0101\t34540\t0\t0\tPS\t990201\t8:10:00\t8:10:05\t5\t8:10:05\t8:10:49\t44\tAGENT\t8:10:49\t8:12:00\t71\tTOVA",
  "AA0101\t34541\t0\t0\tPS\t990201\t8:11:00\t8:11:05\t5\t8:11:05\t8:13:05\t120\tAGENT\t8:13:05\t8:14:00\t55\tTOVA",
  "AA0102\t34542\t0\t0\tNW\t990201\t8:12:00\t8:12:05\t5\t8:12:05\t8:12:15\t10\tAGENT\t8:12:15\t8:14:00\t105\tDORIT",
  "AA0102\t34543\t0\t0\tPS\t990201\t8:15:00\t8:15:05\t5\t8:15:05\t8:15:35\t30\tHANG\t0:00:00\t0:00:00\t0\tNO_SERVER",
  "AA0102\t34544\t0\t0\tPS\t990201\t8:16:00\t8:16:05\t5\t8:16:05\t8:16:49\t44\tAGENT\t8:16:49\t8:18:00\t71\tMIKI",
  "AA0103\t34545\t0\t0\tIN\t990201\t8:20:00\t8:20:05\t5\t8:20:05\t8:25:05\t300\tAGENT\t8:25:05\t8:27:00\t115\tMIKI",
  "AA0103\t34546\t0\t0\tPS\t990201\t8:21:00\t8:21:05\t5\t0:00:00\t0:00:00\t0\tPHANTOM\t0:00:00\t0:00:00\t0\tNO_SERVER",
  "",
].join("\r\n");

const REVIEWS_SAMPLE = `header,author,date,place,content,aircraft,traveller_type,seat_type,route,date_flown,recommended,trip_verified,rating,seat_comfort,cabin_staff_service,food_beverages,ground_service,value_for_money,entertainment
a,A,03/10/2023,UK,"fine, ""ok""
two lines",A380,Couple Leisure,Economy Class,X to Y,01/10/2023,no,Verified,2,2,3,1,2,2,-1
b,B,02/10/2023,UK,text,A320,Business,Business Class,X to Y,01/09/2023,no,Verified,3,2,1,2,1,1,2
c,C,01/10/2023,UK,text,A320,Business,Business Class,X to Y,01/09/2023,yes,Verified,9,4,5,4,4,5,4
d,D,01/10/2023,UK,text,A320,Business,Business Class,X to Y,01/09/2023,yes,Verified,8,4,4,3,5,4,3
e,E,01/10/2023,UK,text,A320,Business,Business Class,X to Y,01/09/2023,yes,Verified,10,5,5,5,4,5,5
f,F,01/10/2023,UK,text,A320,Solo Leisure,Economy Class,X to Y,01/09/2023,no,Verified,1,1,2,1,1,1,1
g,G,01/10/2023,UK,text,A320,Solo Leisure,Economy Class,X to Y,01/09/2023,no,Verified,4,3,3,2,2,2,3
h,H,01/10/2023,UK,text,A320,Solo Leisure,Economy Class,X to Y,01/09/2023,yes,Verified,7,3,4,4,3,4,2
i,I,01/10/2023,UK,text,A320,Solo Leisure,Economy Class,X to Y,01/09/2023,yes,Verified,6,3,5,3,4,3,3
j,J,01/10/2023,UK,text,A320,Family Leisure,Economy Class,X to Y,01/09/2023,no,Verified,5,2,4,3,3,2,4
k,K,01/10/2023,UK,text,A320,Family Leisure,Economy Class,X to Y,01/09/2023,yes,Verified,9,5,4,5,5,4,4
l,L,01/10/2023,UK,text,A320,Family Leisure,Economy Class,X to Y,01/09/2023,no,Verified,2,1,1,-1,2,1,1
m,M,01/10/2023,UK,text,A320,Family Leisure,Economy Class,X to Y,01/09/2023,no,Verified,3,2,3,2,1,3,2
`;

describe("Anonymous Bank call centre (Feb 1999)", () => {
  const { text, real } = load("anonymous_bank_callcenter_1999_february.txt", CALLS_SAMPLE);
  const calls = records(text, "\t");

  it("wait-time p50 / p90 / mean from the per-second histogram equal the raw-value computations", () => {
    // Wait = q_time of calls that queued and reached an agent.
    const waits = calls
      .filter((c) => c.outcome === "AGENT" && c.q_start !== "0:00:00")
      .map((c) => Number(c.q_time));
    expect(waits.length).toBeGreaterThanOrEqual(5);
    const hist = histogramOf(waits);
    const score = waitTimeScore(hist);
    expect(score.n).toBe(waits.length);
    expect(score.mean!).toBeCloseTo(mean(waits), 10);
    expect(score.p50).toBe(quantileOfValues(waits, 0.5));
    expect(score.p90).toBe(quantileOfValues(waits, 0.9));
    for (const q of [0.1, 0.25, 0.75, 0.95, 0.99])
      expect(quantileFromHistogram(hist, q)).toBe(quantileOfValues(waits, q));
    expect(meanScore(momentStatsOf(waits)).ci95).toEqual(score.ci95);
  });

  it("abandonment = HANG / (AGENT + HANG) with a Wilson interval around it", () => {
    const hang = calls.filter((c) => c.outcome === "HANG").length;
    const agent = calls.filter((c) => c.outcome === "AGENT").length;
    const r = rate({ successes: hang, n: hang + agent });
    expect(r.value!).toBeCloseTo(hang / (hang + agent), 15);
    expect(r.ci95![0]).toBeLessThan(r.value!);
    expect(r.ci95![1]).toBeGreaterThan(r.value!);
    if (real) {
      // Counts stated in the shared datasets folder (PULSE_DATA_DIR, default ../shared/data)/README.md.
      expect([calls.length, agent, hang]).toEqual([33344, 27162, 5904]);
      expect(r.value!).toBeCloseTo(5904 / 33066, 15);
      expect(r.ci95![1] - r.ci95![0]).toBeLessThan(0.01);
    }
  });
});

describe("British Airways Skytrax reviews: key drivers of recommending", () => {
  // The overall outcome is `recommended` (yes → 10, no → 0): the would-you-recommend question NPS
  // asks. The file's `rating` column is not usable as the outcome: it does not track `recommended`
  // (r ≈ −0.01) or any touchpoint rating (|r| < 0.05), unlike value_for_money (r ≈ 0.78).
  const { text, real } = load("ba_skytrax_reviews.csv", REVIEWS_SAMPLE);
  const reviews = records(text, ",");
  const names = [
    "cabin_staff_service",
    "entertainment",
    "food_beverages",
    "ground_service",
    "seat_comfort",
    "value_for_money",
  ];
  const score = (v: string | undefined): number | null =>
    v === undefined || v === "" || v === "-1" ? null : Number(v);
  const rows: KeyDriverRow[] = reviews.map((r) => ({
    overall: r.recommended === "yes" ? 10 : r.recommended === "no" ? 0 : null,
    drivers: Object.fromEntries(names.map((n) => [n, score(r[n])])),
  }));

  it("LMG importances match the brute-force Shapley decomposition on complete cases", () => {
    const res = keyDrivers(rows);
    if (!res.ok) throw new Error(res.error.message);
    const complete = rows.filter(
      (r) => r.overall !== null && names.every((n) => r.drivers[n] !== null),
    );
    expect(res.value.n).toBe(complete.length);
    const y = complete.map((r) => r.overall!);
    const cols = names.map((n) => complete.map((r) => r.drivers[n]!));
    const { r2 } = bruteForceOls(y, cols);
    const shapley = shapleyByPermutations(
      names.length,
      (s) =>
        bruteForceOls(
          y,
          s.map((j) => cols[j]!),
        ).r2,
    );
    expect(res.value.r2).toBeCloseTo(r2, 12);
    for (const d of res.value.drivers)
      expect(d.rawWeight).toBeCloseTo(shapley[names.indexOf(d.driver)]!, 12);
    expect(res.value.drivers.reduce((s, d) => s + d.importance, 0)).toBeCloseTo(1, 14);
    if (real) {
      expect(reviews.length).toBe(1324);
      expect(complete.length).toBe(859); // every touchpoint rated (entertainment is often -1)
      // numpy lstsq over all 2^6 subsets, Shapley weights (computed once, outside this repo).
      const numpy: Record<string, [importance: number, correlation: number]> = {
        cabin_staff_service: [0.13895012002261836, 0.639108371052524],
        entertainment: [0.0994733572473553, 0.5610138888065234],
        food_beverages: [0.18952071743136736, 0.700380727530411],
        ground_service: [0.12079586124349939, 0.5793126093880995],
        seat_comfort: [0.1457784317336755, 0.6486412384553807],
        value_for_money: [0.30548151232148407, 0.7824223625506403],
      };
      expect(res.value.r2).toBeCloseTo(0.6717042533794421, 10);
      for (const d of res.value.drivers) {
        expect(d.importance).toBeCloseTo(numpy[d.driver]![0], 10);
        expect(d.correlation).toBeCloseTo(numpy[d.driver]![1], 10);
      }
      expect(res.value.drivers[0]!.driver).toBe("value_for_money");
    }
  });
});
