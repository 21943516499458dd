/**
 * Expectation vs experience end to end: HTTP → collector → Kafka → worker → feedback_events and
 * the rollups (migration 0011) → /v1/scores, /v1/scores/timeseries and /v1/compare, with real
 * Kafka, Redis and chDB. Every figure is checked against a brute-force computation over the answers
 * sent (two-pass mean and variance, t quantiles from tables), not against @pulse/scoring.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createReader } from "@pulse/clickhouse";
import type { FeedbackEvent } from "@pulse/contract";
import { collectorKey, openE2e, queryToken, type E2e } from "./testing/harness";

const tenant = `gap${randomUUID().slice(0, 6)}`;
const KEY = `key-${randomUUID()}`;
const TOKEN = `token-${randomUUID()}`;
const HOUR = Date.UTC(2026, 9, 7, 9, 0, 0);

let e2e: E2e;
let collector: Awaited<ReturnType<E2e["startCollector"]>>;
let query: Awaited<ReturnType<E2e["startQuery"]>>;

// t_{0.975, df} from published tables (R: qt(0.975, df)); the data below give these df exactly.
const T975: Record<number, number> = { 29: 2.045229642132703, 30: 2.042272456301238, 60: 2.000297821058262, 90: 1.986674540703772 };
const Z = 1.959963984540054;

/**
 * Two hours of survey answers on two touchpoints. In the first hour phone has 61 answers with both
 * values (experience mostly short of expectation) and chat 31 (mostly exceeding it); the second
 * hour adds 30 phone answers. Around them: answers with only one of the two, or neither, which
 * must not count.
 */
function answers(): FeedbackEvent[] {
  const out: FeedbackEvent[] = [];
  let i = 0;
  const add = (touchpoint: string, min: number, body: Record<string, number>) =>
    out.push({
      id: `${tenant}-${i++}`,
      occurredAt: new Date(HOUR + min * 60_000).toISOString(),
      source: "e2e",
      touchpoint,
      channel: "survey",
      customer: { id: `c${i}`, segment: "retail" },
      schemaVersion: 1,
      type: "survey.response",
      body: { surveyId: "post", nps: i % 11, ...body },
    });
  for (let k = 0; k < 61; k++) {
    const expectation = 2 + (k % 4); // 2..5
    add("phone", k % 60, { expectation, experience: Math.max(1, expectation - (k % 3)) });
  }
  for (let k = 0; k < 31; k++) {
    const expectation = 1 + (k % 3); // 1..3
    add("chat", k, { expectation, experience: Math.max(1, Math.min(5, expectation + ((k * 7) % 4) - 1)) });
  }
  for (let k = 0; k < 30; k++) {
    const expectation = 1 + ((k * 3) % 5);
    add("phone", 60 + k, { expectation, experience: 1 + ((k * 2) % 5) });
  }
  add("phone", 5, { expectation: 5 });
  add("chat", 6, { experience: 1 });
  add("phone", 7, { csat: 4 });
  return out;
}

type Pair = { expectation: number; experience: number };
function pairs(events: FeedbackEvent[], touchpoint: string, from: number, to: number): Pair[] {
  return events.flatMap((e) => {
    const t = Date.parse(e.occurredAt);
    if (e.type !== "survey.response" || e.touchpoint !== touchpoint || t < from || t >= to) return [];
    const b = e.body;
    return b.expectation !== undefined && b.experience !== undefined ? [{ expectation: b.expectation, experience: b.experience }] : [];
  });
}

/** Brute force: mean, sample variance (two passes), t-interval; shortfall with Wilson. */
function bruteForce(ps: Pair[]) {
  const n = ps.length;
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const variance = (xs: number[]) => {
    const m = mean(xs);
    return xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1);
  };
  const tInterval = (xs: number[]) => {
    const m = mean(xs);
    const h = (T975[n - 1] as number) * Math.sqrt(variance(xs) / n);
    return [m - h, m + h];
  };
  const gaps = ps.map((p) => p.experience - p.expectation);
  const short = gaps.filter((g) => g < 0).length;
  const p = short / n;
  const d = 1 + (Z * Z) / n;
  const c = (p + (Z * Z) / (2 * n)) / d;
  const w = (Z * Math.sqrt((p * (1 - p)) / n + (Z * Z) / (4 * n * n))) / d;
  return {
    n,
    value: mean(gaps),
    ci95: tInterval(gaps),
    expectation: { mean: mean(ps.map((x) => x.expectation)), ci95: tInterval(ps.map((x) => x.expectation)) },
    experience: { mean: mean(ps.map((x) => x.experience)), ci95: tInterval(ps.map((x) => x.experience)) },
    shortfall: { value: p, count: short, ci95: [c - w, c + w] },
    variance: variance(gaps),
  };
}

type Served = {
  value: number;
  ci95: number[];
  n: number;
  pValue: number | null;
  significant: boolean;
  expectation: { mean: number; ci95: number[] };
  experience: { mean: number; ci95: number[] };
  shortfall: { value: number; count: number; ci95: number[] };
};

function expectMatches(served: Served, want: ReturnType<typeof bruteForce>, label: string): void {
  const close = (a: number | undefined, b: number | undefined, what: string) => expect(a, `${label} ${what}`).toBeCloseTo(b as number, 9);
  expect(served.n, label).toBe(want.n);
  close(served.value, want.value, "mean gap");
  served.ci95.forEach((x, k) => close(x, want.ci95[k], `gap ci95[${k}]`));
  close(served.expectation.mean, want.expectation.mean, "mean expectation");
  served.expectation.ci95.forEach((x, k) => close(x, want.expectation.ci95[k], `expectation ci95[${k}]`));
  close(served.experience.mean, want.experience.mean, "mean experience");
  served.experience.ci95.forEach((x, k) => close(x, want.experience.ci95[k], `experience ci95[${k}]`));
  expect(served.shortfall.count, label).toBe(want.shortfall.count);
  close(served.shortfall.value, want.shortfall.value, "shortfall");
  served.shortfall.ci95.forEach((x, k) => close(x, want.shortfall.ci95[k], `shortfall ci95[${k}]`));
}

beforeAll(async () => {
  e2e = await openE2e({ name: tenant, partitions: 3 });
  await e2e.startWorker({ partitionsConcurrently: 3 });
  collector = await e2e.startCollector([collectorKey(KEY, tenant)]);
  query = await e2e.startQuery([queryToken(TOKEN, tenant)]);
});

afterAll(() => e2e?.close());

const get = async (url: string) => {
  const r = await query.inject({ method: "GET", url, headers: { authorization: `Bearer ${TOKEN}` } });
  expect(r.statusCode, r.body).toBe(200);
  return r.json<Record<string, unknown>>();
};
const iso = (t: number) => new Date(t).toISOString();

describe("expectation vs experience end to end", () => {
  const events = answers();

  it("the worker stores both values of every answer", async () => {
    const body = events.map((e) => JSON.stringify(e)).join("\n");
    const r = await collector.inject({ method: "POST", url: "/v1/events", headers: { authorization: `Bearer ${KEY}`, "content-type": "application/x-ndjson" }, payload: body });
    expect(r.statusCode, r.body).toBe(200);
    await e2e.settle(tenant, events.length);
    const reader = createReader(e2e.ch);
    const rows = await reader.query<{ event_id: string; expectation: number | null; experience: number | null }>(
      "SELECT event_id, expectation, experience FROM feedback_events WHERE tenant = {t:String}",
      { t: tenant },
    );
    expect(rows).toHaveLength(events.length);
    const byId = new Map(rows.map((x) => [x.event_id, x]));
    for (const e of events) {
      if (e.type !== "survey.response") continue;
      expect(byId.get(e.id), e.id).toEqual({ event_id: e.id, expectation: e.body.expectation ?? null, experience: e.body.experience ?? null });
    }
  });

  it("/v1/scores serves the mean gap, its paired t-interval, both means and the shortfall exactly", async () => {
    // A 2-hour range read from rollup_hour, and a ragged one (minutes) that holds only the first hour.
    for (const [from, to, df] of [
      [HOUR, HOUR + 2 * 3_600_000, { phone: 90, chat: 30 }],
      [HOUR - 60_000, HOUR + 3_600_000 - 0, { phone: 60, chat: 30 }],
    ] as const) {
      const body = (await get(`/v1/scores?from=${iso(from)}&to=${iso(to)}&groupBy=touchpoint`)) as { groups: { key: { touchpoint: string }; expectationGap: Served }[] };
      expect(body.groups.map((g) => g.key.touchpoint).sort()).toEqual(["chat", "phone"]);
      for (const g of body.groups) {
        const tp = g.key.touchpoint as "phone" | "chat";
        const want = bruteForce(pairs(events, tp, from, to));
        expect(want.n - 1).toBe(df[tp]);
        expectMatches(g.expectationGap, want, `${tp} ${iso(from)}`);
      }
      // Phone falls short, chat exceeds expectations: both signs are exercised.
      const phone = body.groups.find((g) => g.key.touchpoint === "phone")?.expectationGap;
      const chat = body.groups.find((g) => g.key.touchpoint === "chat")?.expectationGap;
      expect(phone?.value).toBeLessThan(0);
      expect(chat?.value).toBeGreaterThan(0);
      expect(phone?.significant).toBe(true);
    }
  });

  it("the time series plots the mean gap per hour, and compare tests the two hours", async () => {
    const ts = (await get(`/v1/scores/timeseries?metric=expectationGap&grain=hour&from=${iso(HOUR)}&to=${iso(HOUR + 2 * 3_600_000)}&touchpoint=phone`)) as {
      series: { points: { t: string; value: number; n: number; ci95: number[] }[] }[];
    };
    const points = ts.series[0]?.points ?? [];
    expect(points).toHaveLength(2);
    points.forEach((p, k) => {
      const want = bruteForce(pairs(events, "phone", HOUR + k * 3_600_000, HOUR + (k + 1) * 3_600_000));
      expect(p.n).toBe(want.n);
      expect(p.value).toBeCloseTo(want.value, 9);
      p.ci95.forEach((x, j) => expect(x).toBeCloseTo(want.ci95[j] as number, 9));
    });

    const cmp = (await get(
      `/v1/compare?from=${iso(HOUR + 3_600_000)}&to=${iso(HOUR + 2 * 3_600_000)}&baselineFrom=${iso(HOUR)}&baselineTo=${iso(HOUR + 3_600_000)}&touchpoint=phone`,
    )) as { groups: { expectationGap: { current: number; baseline: number; currentN: number; baselineN: number; difference: number } }[] };
    const c = cmp.groups[0]?.expectationGap;
    const cur = bruteForce(pairs(events, "phone", HOUR + 3_600_000, HOUR + 2 * 3_600_000));
    const base = bruteForce(pairs(events, "phone", HOUR, HOUR + 3_600_000));
    expect(c?.currentN).toBe(cur.n);
    expect(c?.baselineN).toBe(base.n);
    expect(c?.difference).toBeCloseTo(cur.value - base.value, 9);
  });
});
