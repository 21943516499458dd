/**
 * The read API against real embedded ClickHouse (chDB), migrated with infra/clickhouse and loaded
 * with a known data set. Every figure is checked against a computation from the raw arrays made
 * in fixtures.test-helper.ts (to 1e-9), including intervals and significance flags.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMetricsRegistry, silentLogger } from "@pulse/kit";
import type { ClickHouse, Reader } from "@pulse/clickhouse";
import { createQueryApp, type QueryApp } from "./app";
import { parseCatalogue } from "./catalogue";
import {
  DAY,
  HOUR,
  MINUTE,
  NOW,
  compareNpsRef,
  compareShareRef,
  diffClose,
  generateDataset,
  inRange,
  insertDataset,
  openTestDb,
  pearson,
  quantileRef,
  scoresRef,
  welchRef,
  type Dataset,
  type ScoresRef,
} from "./fixtures.test-helper";
import { parseTokenSpec } from "./tokens";

const ACME = "acme-read-token-0001";
const GLOBEX = "globex-read-token-0002";
const CATALOGUE = {
  touchpoints: {
    ivr: { label: "Phone menu", targets: { nps: 10, csatTop2: 80, ces: 5, fcr: 0.9 } },
    chat: { targets: { nps: -50, csatTop2: 20 } },
    store: { targets: { fcr: 0.5 } },
  },
  tenants: { globex: { touchpoints: { ivr: { targets: { nps: -90 } } } } },
};

let ch: ClickHouse;
let reader: Reader;
let app: QueryApp;
let acme: Dataset;
let globex: Dataset;

beforeAll(async () => {
  const db = await openTestDb();
  ch = db.ch;
  reader = db.reader;
  acme = generateDataset("acme", NOW, 1);
  globex = generateDataset("globex", NOW, 2, 0.3);
  await insertDataset(db.writer, acme);
  await insertDataset(db.writer, globex);
  app = await createQueryApp({
    reader: db.reader,
    logger: silentLogger,
    metrics: createMetricsRegistry("query-test", { defaults: false }),
    tokens: parseTokenSpec(`${ACME}=acme,${GLOBEX}=globex`),
    targets: parseCatalogue(JSON.stringify(CATALOGUE)),
    now: () => new Date(NOW),
  });
});

afterAll(async () => {
  await app?.close();
  await ch?.close();
});

async function get(url: string, token = ACME) {
  const res = await app.inject({ method: "GET", url, headers: { authorization: `Bearer ${token}` } });
  return { status: res.statusCode, headers: res.headers, body: res.json<Record<string, unknown>>() };
}

function expectClose(actual: unknown, expected: unknown): void {
  expect(diffClose(actual, expected)).toEqual([]);
}

const windowEnd = Math.floor(NOW / MINUTE) * MINUTE + MINUTE;

function targetRef(value: number | null, ci: readonly [number, number] | null, target: number) {
  if (value === null) return { target, value, gap: null, met: null, significantMiss: false };
  const gap = target - value;
  return { target, value, gap, met: gap <= 0, significantMiss: ci !== null && ci[1] < target };
}

function targetsRef(tenant: string, tp: string, s: ScoresRef) {
  const own = tenant === "globex" ? (CATALOGUE.tenants.globex.touchpoints as Record<string, { targets: Record<string, number> }>)[tp]?.targets : undefined;
  const shared = (CATALOGUE.touchpoints as Record<string, { targets: Record<string, number> }>)[tp]?.targets;
  const t = { ...shared, ...own };
  if (Object.keys(t).length === 0) return null;
  const out: Record<string, unknown> = {};
  if (t.nps !== undefined) out.nps = targetRef(s.nps.value, s.nps.ci95, t.nps);
  if (t.csatTop2 !== undefined) out.csatTop2 = targetRef(s.csat.top2Box, s.csat.ci95, t.csatTop2);
  if (t.ces !== undefined) out.ces = targetRef(s.ces.mean, s.ces.ci95, t.ces);
  if (t.fcr !== undefined) out.fcr = targetRef(s.fcr.value, s.fcr.ci95, t.fcr);
  return out;
}

type Group = { key: Record<string, string> } & Record<string, unknown>;

describe("GET /v1/scores", () => {
  it("answers a 7-day window per touchpoint from day, hour and minute rollups, every figure exact", async () => {
    const r = await get("/v1/scores?window=7d&groupBy=touchpoint");
    expect(r.status).toBe(200);
    expect(r.body.from).toBe(new Date(windowEnd - 7 * DAY).toISOString());
    expect(r.body.to).toBe(new Date(windowEnd).toISOString());
    const tables = (r.body.sources as { table: string }[]).map((s) => s.table);
    expect(tables).toEqual(["rollup_minute", "rollup_hour", "rollup_day", "rollup_hour", "rollup_minute"]);
    const groups = r.body.groups as Group[];
    expect(groups.map((g) => g.key.touchpoint)).toEqual(["chat", "ivr", "relationship", "store"]);
    for (const g of groups) {
      const tp = g.key.touchpoint!;
      const ref = scoresRef(acme, inRange(windowEnd - 7 * DAY, windowEnd, (e) => e.tenant === "acme" && e.touchpoint === tp));
      expect(ref.volume.events).toBeGreaterThan(0);
      expectClose(g, { ...ref, targets: targetsRef("acme", tp, ref) });
    }
    // The data set is built so that the IVR misses its NPS target significantly.
    const ivr = groups.find((g) => g.key.touchpoint === "ivr") as unknown as { targets: { nps: { significantMiss: boolean } }; waitSeconds: { n: number } };
    expect(ivr.targets.nps.significantMiss).toBe(true);
    expect(ivr.waitSeconds.n).toBeGreaterThan(100);
  });

  it("groups by several dimensions, filters, and answers an explicit day-aligned range from rollup_day", async () => {
    const from = Date.parse("2025-06-05T00:00:00Z");
    const to = Date.parse("2025-06-08T00:00:00Z");
    const r = await get(`/v1/scores?from=2025-06-05T00:00:00Z&to=${to}&groupBy=touchpoint,channel&segment=retail&touchpoint=chat,store`);
    expect(r.status).toBe(200);
    expect((r.body.sources as { table: string }[]).map((s) => s.table)).toEqual(["rollup_day"]);
    const groups = r.body.groups as Group[];
    const expectedKeys = [...new Set(acme.events.filter(inRange(from, to, (e) => e.segment === "retail" && ["chat", "store"].includes(e.touchpoint))).map((e) => `${e.touchpoint}|${e.channel}`))].sort();
    expect(groups.map((g) => `${g.key.touchpoint}|${g.key.channel}`)).toEqual(expectedKeys);
    for (const g of groups) {
      const ref = scoresRef(acme, inRange(from, to, (e) => e.tenant === "acme" && e.segment === "retail" && e.touchpoint === g.key.touchpoint && e.channel === g.key.channel));
      expectClose(g, { ...ref, targets: targetsRef("acme", g.key.touchpoint!, ref) });
    }
  });

  it("returns one overall group without groupBy, with targets when the filter names one touchpoint", async () => {
    for (const w of ["15m", "1h", "24h"] as const) {
      const span = { "15m": 15 * MINUTE, "1h": HOUR, "24h": DAY }[w];
      const r = await get(`/v1/scores?window=${w}`);
      expect(r.status).toBe(200);
      const groups = r.body.groups as Group[];
      expect(groups).toHaveLength(1);
      const ref = scoresRef(acme, inRange(windowEnd - span, windowEnd, (e) => e.tenant === "acme"));
      expectClose(groups[0], { key: {}, ...ref, targets: null });
    }
    const r = await get("/v1/scores?window=24h&touchpoint=ivr&groupBy=journeyStage");
    for (const g of r.body.groups as Group[]) {
      const ref = scoresRef(acme, inRange(windowEnd - DAY, windowEnd, (e) => e.tenant === "acme" && e.touchpoint === "ivr" && e.journeyStage === g.key.journeyStage));
      expectClose(g, { ...ref, targets: targetsRef("acme", "ivr", ref) });
    }
  });
});

describe("first-contact resolution over cohorts", () => {
  it("serves closed-window FCR, the pending count and the Kaplan–Meier estimate equal to a brute force over contacts from 10 days ago to now", async () => {
    const from = Date.parse("2025-05-31T00:00:00Z");
    const to = windowEnd;
    const r = await get(`/v1/scores?from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}&groupBy=touchpoint`);
    expect(r.status).toBe(200);
    const groups = r.body.groups as (Group & { fcr: ScoresRef["fcr"] })[];
    expect(groups.map((g) => g.key.touchpoint)).toEqual(["chat", "ivr", "relationship", "store"]);
    for (const g of groups) {
      const ref = scoresRef(acme, inRange(from, to, (e) => e.tenant === "acme" && e.touchpoint === g.key.touchpoint));
      expectClose(g.fcr, ref.fcr);
      if (g.key.touchpoint === "relationship") continue; // surveys only: no contacts
      // Every kind of figure is present: final verdicts, contacts still open, and an early estimate.
      expect(ref.fcr.n).toBeGreaterThan(50);
      expect(ref.fcr.pending.contacts).toBeGreaterThan(50);
      expect(ref.fcr.early.value).not.toBeNull();
    }
    // The last 24 hours alone: nothing is final, so there is no rate, only pending contacts and an
    // early estimate whose horizon is short of the window (the old figure showed only failures here).
    const day = await get("/v1/scores?window=24h&touchpoint=chat");
    const chat = (day.body.groups as { fcr: ScoresRef["fcr"] }[])[0]!.fcr;
    const ref = scoresRef(acme, inRange(windowEnd - DAY, windowEnd, (e) => e.tenant === "acme" && e.touchpoint === "chat"));
    expectClose(chat, ref.fcr);
    expect(chat.value).toBeNull();
    expect(chat.n).toBe(0);
    expect(chat.pending.knownUnresolved).toBeGreaterThan(0);
    expect(chat.early.reachesWindow).toBe(false);
    expect(chat.early.horizonHours).toBeLessThan(24);
  });
});

describe("GET /v1/scores/timeseries", () => {
  it("plots NPS per touchpoint per hour from rollup_hour, every bucket exact (empty ones null)", async () => {
    const r = await get("/v1/scores/timeseries?metric=nps&grain=hour&window=24h&groupBy=touchpoint");
    expect(r.status).toBe(200);
    expect(r.body.table).toBe("rollup_hour");
    const end = Math.floor(NOW / HOUR) * HOUR + HOUR;
    const series = r.body.series as { key: { touchpoint: string }; points: { t: string; value: number | null; n: number; ci95: unknown }[] }[];
    expect(series.length).toBe(4);
    for (const s of series) {
      expect(s.points).toHaveLength(24);
      s.points.forEach((p, i) => {
        const t = end - DAY + i * HOUR;
        expect(p.t).toBe(new Date(t).toISOString());
        const ref = scoresRef(acme, inRange(t, t + HOUR, (e) => e.tenant === "acme" && e.touchpoint === s.key.touchpoint));
        expectClose(p, { value: ref.nps.value, n: ref.nps.n, ci95: ref.nps.ci95 });
      });
    }
  });

  it("plots p90 wait per minute and FCR per day, choosing rollup_day for a day-aligned range (grain=auto)", async () => {
    const r = await get("/v1/scores/timeseries?metric=waitP90&grain=minute&window=1h&touchpoint=ivr");
    expect(r.body.table).toBe("rollup_minute");
    const points = (r.body.series as { points: { value: number | null; n: number }[] }[])[0]!.points;
    expect(points).toHaveLength(60);
    points.forEach((p, i) => {
      const t = windowEnd - HOUR + i * MINUTE;
      const waits = acme.events.filter((e) => e.touchpoint === "ivr" && e.at >= t && e.at < t + MINUTE && e.wait !== undefined && e.abandoned !== 1).map((e) => Math.round(e.wait!));
      expect(p.value).toBe(quantileRef(waits, 0.9));
      expect(p.n).toBe(waits.length);
    });

    const from = Date.parse("2025-05-28T00:00:00Z");
    const to = Date.parse("2025-06-11T00:00:00Z");
    const d = await get(`/v1/scores/timeseries?metric=fcr&from=2025-05-28T00:00:00Z&to=2025-06-11T00:00:00Z&touchpoint=chat`);
    expect(d.status).toBe(200);
    expect(d.body.grain).toBe("day");
    expect(d.body.table).toBe("rollup_day");
    const days = (d.body.series as { points: unknown[] }[])[0]!.points;
    expect(days).toHaveLength(14);
    days.forEach((p, i) => {
      const t = from + i * DAY;
      const ref = scoresRef(acme, inRange(t, Math.min(t + DAY, to), (e) => e.tenant === "acme" && e.touchpoint === "chat"));
      expectClose(p, { value: ref.fcr.value, n: ref.fcr.n, ci95: ref.fcr.ci95 });
    });
  });
});

describe("GET /v1/compare", () => {
  function compareRef(a: ScoresRef, b: ScoresRef) {
    const share = (xa: number, na: number, xb: number, nb: number, va: number | null, vb: number | null, scale = 1) => ({
      current: va,
      baseline: vb,
      currentN: na,
      baselineN: nb,
      ...compareShareRef(xa, na, xb, nb, scale),
    });
    const top2 = (s: ScoresRef) => s._raw.csatAnswers.filter((x) => x >= 4).length;
    return {
      nps: { current: a.nps.value, baseline: b.nps.value, currentN: a.nps.n, baselineN: b.nps.n, ...compareNpsRef(a._raw.npsAnswers, b._raw.npsAnswers) },
      csatTop2: share(top2(a), a.csat.n, top2(b), b.csat.n, a.csat.top2Box, b.csat.top2Box, 100),
      ces: { current: a.ces.mean, baseline: b.ces.mean, currentN: a.ces.n, baselineN: b.ces.n, ...welchRef(a._raw.cesAnswers, b._raw.cesAnswers) },
      fcr: share(a._raw.fcrYes, a._raw.fcrN, b._raw.fcrYes, b._raw.fcrN, a.fcr.value, b.fcr.value),
      abandonment: share(a._raw.abandoned, a._raw.calls, b._raw.abandoned, b._raw.calls, a.abandonment.value, b.abandonment.value),
      waitSeconds: { current: a.waitSeconds.mean, baseline: b.waitSeconds.mean, currentN: a.waitSeconds.n, baselineN: b.waitSeconds.n, ...welchRef(a._raw.waits, b._raw.waits) },
    };
  }

  it("compares the last 24 hours with the 24 hours before, per touchpoint, with intervals and significance", async () => {
    const r = await get("/v1/compare?window=24h&groupBy=touchpoint");
    expect(r.status).toBe(200);
    const cur = { from: windowEnd - DAY, to: windowEnd };
    const base = { from: windowEnd - 2 * DAY, to: windowEnd - DAY };
    expect(r.body.baseline).toEqual({ from: new Date(base.from).toISOString(), to: new Date(base.to).toISOString() });
    const groups = r.body.groups as Group[];
    expect(groups.map((g) => g.key.touchpoint)).toEqual(["chat", "ivr", "relationship", "store"]);
    const flags: boolean[] = [];
    for (const g of groups) {
      const tp = g.key.touchpoint!;
      const a = scoresRef(acme, inRange(cur.from, cur.to, (e) => e.tenant === "acme" && e.touchpoint === tp));
      const b = scoresRef(acme, inRange(base.from, base.to, (e) => e.tenant === "acme" && e.touchpoint === tp));
      const ref = compareRef(a, b);
      expectClose(g, { key: { touchpoint: tp }, ...ref });
      for (const m of Object.values(ref)) flags.push(m.significant);
    }
    // The IVR's NPS drop is built into the data: significant. Most other differences are noise.
    expect((groups.find((g) => g.key.touchpoint === "ivr") as unknown as { nps: { significant: boolean } }).nps.significant).toBe(true);
    expect(flags.filter((f) => !f).length).toBeGreaterThan(0);
  });

  it("compares any two ranges given explicitly", async () => {
    const r = await get("/v1/compare?from=2025-06-09T00:00:00Z&to=2025-06-10T00:00:00Z&baselineFrom=2025-06-03T00:00:00Z&baselineTo=2025-06-06T00:00:00Z&channel=chat");
    expect(r.status).toBe(200);
    const a = scoresRef(acme, inRange(Date.parse("2025-06-09T00:00:00Z"), Date.parse("2025-06-10T00:00:00Z"), (e) => e.tenant === "acme" && e.channel === "chat"));
    const b = scoresRef(acme, inRange(Date.parse("2025-06-03T00:00:00Z"), Date.parse("2025-06-06T00:00:00Z"), (e) => e.tenant === "acme" && e.channel === "chat"));
    const groups = r.body.groups as Group[];
    expect(groups).toHaveLength(1);
    expectClose(groups[0], { key: {}, ...compareRef(a, b) });
  });
});

describe("GET /v1/pain-points", () => {
  it("ranks touchpoints by shortfall to target, complaints and repeat contacts, with the evidence", async () => {
    const r = await get("/v1/pain-points?window=7d");
    expect(r.status).toBe(200);
    const from = windowEnd - 7 * DAY;
    const tps = [...new Set(acme.events.filter(inRange(from, windowEnd)).map((e) => e.touchpoint))];
    const expected = tps
      .map((tp) => {
        const where = inRange(from, windowEnd, (e) => e.tenant === "acme" && e.touchpoint === tp);
        const s = scoresRef(acme, where);
        const t = targetsRef("acme", tp, s) as Record<string, { gap: number | null }> | null;
        const gaps: [string, number][] = [];
        if (t?.nps?.gap != null) gaps.push(["nps", t.nps.gap]);
        if (t?.csatTop2?.gap != null) gaps.push(["csatTop2", t.csatTop2.gap]);
        if (t?.fcr?.gap != null) gaps.push(["fcr", t.fcr.gap * 100]);
        const worst = gaps.filter(([, g]) => g > 0).sort((x, y) => y[1] - x[1])[0];
        const volume = Math.max(s.complaints.contacts, s.nps.n, s.csat.n, s.ces.n);
        const repeatRate = s.fcr.value === null ? 0 : 1 - s.fcr.value;
        const gap = worst?.[1] ?? 0;
        const topicCounts = new Map<string, number>();
        for (const e of acme.events.filter(where)) if (e.type === "complaint.opened") for (const topic of e.topics ?? []) topicCounts.set(topic, (topicCounts.get(topic) ?? 0) + 1);
        const complaintTopics = [...topicCounts]
          .sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1))
          .slice(0, 5)
          .map(([topic, count]) => ({ topic, count }));
        return {
          touchpoint: tp,
          score: (volume * gap) / 100 + s.complaints.opened + volume * repeatRate,
          evidence: {
            volume,
            gapToTarget: gap,
            gapMetric: worst?.[0] ?? null,
            shortfallContacts: (volume * gap) / 100,
            complaints: s.complaints.opened,
            complaintsPer1000: volume > 0 ? (1000 * s.complaints.opened) / volume : null,
            repeatContacts: volume * repeatRate,
            repeatContactRate: repeatRate,
            fcr: { value: s.fcr.value, n: s.fcr.n, pending: s.fcr.pending.contacts },
            nps: { value: s.nps.value, n: s.nps.n },
            csatTop2: { value: s.csat.top2Box, n: s.csat.n },
            targets: t,
            complaintTopics,
          },
        };
      })
      .sort((x, y) => y.score - x.score || y.evidence.volume - x.evidence.volume || (x.touchpoint < y.touchpoint ? -1 : 1))
      .map((p, i) => ({ rank: i + 1, ...p }));
    expectClose(r.body.painPoints, expected);
    const limited = await get("/v1/pain-points?window=7d&limit=2");
    expect((limited.body.painPoints as unknown[]).length).toBe(2);
  });
});

describe("GET /v1/drivers", () => {
  function respondents(d: Dataset, from: number, to: number) {
    const bySurvey = new Map<string, { overall: number | null; drivers: Map<string, number[]> }>();
    for (const e of d.events) {
      if (e.type !== "survey.response" || !e.survey || e.at < from || e.at >= to) continue;
      const k = `${e.survey}|${e.customer}`;
      const r = bySurvey.get(k) ?? { overall: null, drivers: new Map<string, number[]>() };
      if (e.nps !== undefined) r.overall = e.nps;
      else if (e.csat !== undefined) r.drivers.set(e.touchpoint, [...(r.drivers.get(e.touchpoint) ?? []), e.csat]);
      bySurvey.set(k, r);
    }
    return [...bySurvey.values()].filter((r) => r.overall !== null);
  }

  it("measures how strongly IVR and chat CSAT move overall NPS (two drivers, closed form)", async () => {
    const r = await get("/v1/drivers?window=7d&touchpoints=ivr,chat");
    expect(r.status).toBe(200);
    const rs = respondents(acme, windowEnd - 7 * DAY, windowEnd);
    const complete = rs.filter((x) => x.drivers.has("ivr") && x.drivers.has("chat"));
    const y = complete.map((x) => x.overall!);
    const mean = (v: number[]) => v.reduce((s, a) => s + a, 0) / v.length;
    const x1 = complete.map((x) => mean(x.drivers.get("ivr")!));
    const x2 = complete.map((x) => mean(x.drivers.get("chat")!));
    const r1 = pearson(x1, y);
    const r2 = pearson(x2, y);
    const r12 = pearson(x1, x2);
    const R2 = (r1 * r1 + r2 * r2 - 2 * r1 * r2 * r12) / (1 - r12 * r12);
    const raw1 = (r1 * r1 + (R2 - r2 * r2)) / 2;
    const raw2 = (r2 * r2 + (R2 - r1 * r1)) / 2;
    const drivers = [
      { touchpoint: "ivr", importance: raw1 / R2, rawWeight: raw1, beta: (r1 - r2 * r12) / (1 - r12 * r12), correlation: r1, n: complete.length, ratedBy: rs.filter((x) => x.drivers.has("ivr")).length },
      { touchpoint: "chat", importance: raw2 / R2, rawWeight: raw2, beta: (r2 - r1 * r12) / (1 - r12 * r12), correlation: r2, n: complete.length, ratedBy: rs.filter((x) => x.drivers.has("chat")).length },
    ].sort((a, b) => b.importance - a.importance);
    expect(complete.length).toBeGreaterThan(50);
    expectClose(r.body, { respondents: rs.length, n: complete.length, r2: R2, drivers });
  });

  it("uses the most-rated touchpoints by default and reports complete cases", async () => {
    const r = await get("/v1/drivers?window=7d");
    expect(r.status).toBe(200);
    const rs = respondents(acme, windowEnd - 7 * DAY, windowEnd);
    const complete = rs.filter((x) => ["ivr", "chat", "store"].every((t) => x.drivers.has(t)));
    const drivers = r.body.drivers as { touchpoint: string; importance: number; n: number }[];
    expect(drivers.map((d) => d.touchpoint).sort()).toEqual(["chat", "ivr", "store"]);
    expect(r.body.n).toBe(complete.length);
    expect(drivers.every((d) => d.n === complete.length)).toBe(true);
    expect(drivers.reduce((s, d) => s + d.importance, 0)).toBeCloseTo(1, 12);
    // The IVR score carries the largest weight in how the data set was generated.
    expect(drivers[0]!.touchpoint).toBe("ivr");
  });

  it("answers 422 with the reason when there are too few respondents", async () => {
    const r = await get("/v1/drivers?window=15m");
    expect(r.status).toBe(422);
    expect(r.body.code).toBe("insufficient_data");
  });
});

describe("bad parameters", () => {
  const cases: [string, string, string][] = [
    ["/v1/scores/timeseries?metric=happiness", "unknown_metric", "metric 'happiness' is unknown"],
    ["/v1/scores/timeseries?window=1h", "missing_parameter", "metric is required"],
    ["/v1/scores?from=2025-06-10T10:00:00Z&to=2025-06-10T09:00:00Z", "invalid_range", "must be before"],
    ["/v1/scores?from=2024-01-01T00:00:00Z&to=2024-01-02T00:00:00Z", "beyond_retention", "retention of 400 days"],
    ["/v1/compare?from=2024-05-20T00:00:00Z&to=2025-06-01T00:00:00Z", "beyond_retention", "previous period"],
    ["/v1/scores?window=30d", "unknown_window", "window '30d' is unknown"],
    ["/v1/scores?groupBy=touchpoint,country", "unknown_group_by", "groupBy 'country' is not a dimension"],
    ["/v1/scores?from=2025-06-10T10:00:30Z&to=2025-06-10T11:00:00Z", "unaligned_range", "whole minutes"],
    ["/v1/scores/timeseries?metric=nps&grain=day&from=2025-06-01T12:00:00Z&to=2025-06-05T00:00:00Z", "unaligned_range", "whole days"],
    ["/v1/scores/timeseries?metric=nps&grain=week", "unknown_grain", "grain 'week' is unknown"],
    ["/v1/scores/timeseries?metric=nps&grain=minute&from=2025-01-01T00:00:00Z&to=2025-06-01T00:00:00Z", "too_many_points", "at most 20000 points"],
    ["/v1/scores?window=1h&from=2025-06-10T10:00:00Z", "conflicting_range", "either window or from/to"],
    ["/v1/scores?from=yesterday", "invalid_time", "from 'yesterday' must be an ISO-8601"],
    ["/v1/scores?to=2025-06-10T10:00:00Z", "missing_parameter", "to needs from"],
    ["/v1/scores?tenant=globex", "unknown_parameter", "unknown query parameter 'tenant'"],
    ["/v1/scores?touchpoint=IVR'%20OR%201=1", "invalid_filter", "touchpoint filter"],
    ["/v1/compare?baselineFrom=2025-06-01T00:00:00Z", "missing_parameter", "baselineFrom and baselineTo go together"],
    ["/v1/pain-points?limit=0", "invalid_parameter", "limit '0' must be a whole number"],
    ["/v1/drivers?touchpoints=a,b,c,d,e,f,g,h,i,j,k,l,m", "invalid_parameter", "at most 12"],
  ];
  it.each(cases)("%s → 400 %s", async (url, code, detail) => {
    const r = await get(url);
    expect(r.status).toBe(400);
    expect(r.headers["content-type"]).toContain("application/problem+json");
    expect(r.body).toMatchObject({ status: 400, code, type: `https://pulse.dev/problems/${code}` });
    expect(r.body.detail).toContain(detail);
  });

  it("rejects a window longer than the configured retention", async () => {
    const short = await createQueryApp({
      reader,
      logger: silentLogger,
      metrics: createMetricsRegistry("query-test-retention", { defaults: false }),
      tokens: parseTokenSpec(`${ACME}=acme`),
      retentionDays: 5,
      now: () => new Date(NOW),
    });
    try {
      const res = await short.inject({ url: "/v1/scores?window=7d", headers: { authorization: `Bearer ${ACME}` } });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code: "beyond_retention", parameter: "window", detail: expect.stringContaining("retention of 5 days") as unknown });
      expect((await short.inject({ url: "/v1/scores?window=24h", headers: { authorization: `Bearer ${ACME}` } })).statusCode).toBe(200);
    } finally {
      await short.close();
    }
  });

  it("rejects a missing or unknown token with 401 problem+json, and ?token= outside the stream", async () => {
    const none = await app.inject({ url: "/v1/scores" });
    expect(none.statusCode).toBe(401);
    expect(none.headers["content-type"]).toContain("application/problem+json");
    expect(none.json()).toMatchObject({ code: "unauthorized", detail: expect.stringContaining("missing read token") as unknown });
    const wrong = await app.inject({ url: "/v1/scores", headers: { authorization: "Bearer not-a-real-token-at-all" } });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json()).toMatchObject({ code: "unauthorized", detail: "unknown read token" });
    const inQuery = await app.inject({ url: `/v1/scores?token=${ACME}` });
    expect(inQuery.statusCode).toBe(401);
  });
});

describe("tenant isolation", () => {
  it("a token only ever sees its own tenant's data, and gets its tenant's targets", async () => {
    const a = await get("/v1/scores?window=7d&groupBy=touchpoint", ACME);
    const g = await get("/v1/scores?window=7d&groupBy=touchpoint", GLOBEX);
    for (const grp of g.body.groups as Group[]) {
      const tp = grp.key.touchpoint!;
      const ref = scoresRef(globex, inRange(windowEnd - 7 * DAY, windowEnd, (e) => e.tenant === "globex" && e.touchpoint === tp));
      expectClose(grp, { ...ref, targets: targetsRef("globex", tp, ref) });
    }
    const events = (r: typeof a) => (r.body.groups as { volume: { events: number } }[]).reduce((s, x) => s + x.volume.events, 0);
    expect(events(g)).toBe(globex.events.filter(inRange(windowEnd - 7 * DAY, windowEnd)).length);
    expect(events(a)).toBe(acme.events.filter(inRange(windowEnd - 7 * DAY, windowEnd)).length);
    const gIvr = (g.body.groups as Group[]).find((x) => x.key.touchpoint === "ivr") as unknown as { targets: { nps: { target: number } } };
    expect(gIvr.targets.nps.target).toBe(-90);

    const gp = await get("/v1/pain-points?window=7d", GLOBEX);
    const complaints = (gp.body.painPoints as { evidence: { complaints: number } }[]).reduce((s, p) => s + p.evidence.complaints, 0);
    expect(complaints).toBe(globex.events.filter((e) => e.type === "complaint.opened" && inRange(windowEnd - 7 * DAY, windowEnd)(e)).length);
    const gd = await get("/v1/drivers?window=7d&touchpoints=ivr,chat", GLOBEX);
    const ad = await get("/v1/drivers?window=7d&touchpoints=ivr,chat", ACME);
    expect(gd.body.respondents).not.toBe(ad.body.respondents);
  });
});

describe("service surface", () => {
  it("serves OpenAPI with every route, health, metrics and the dashboard", async () => {
    const docs = await app.inject({ url: "/docs/json" });
    expect(docs.statusCode).toBe(200);
    const paths = Object.keys((docs.json<{ paths: Record<string, unknown> }>()).paths);
    expect(paths).toEqual(expect.arrayContaining(["/v1/scores", "/v1/scores/timeseries", "/v1/compare", "/v1/pain-points", "/v1/drivers", "/v1/stream"]));
    expect((await app.inject({ url: "/healthz" })).json()).toEqual({ status: "ok" });
    const metrics = await app.inject({ url: "/metrics" });
    expect(metrics.body).toMatch(/pulse_query_request_duration_seconds_count\{[^}]*route="\/v1\/scores"[^}]*status="200"[^}]*\} [1-9]/);
    expect(metrics.body).toMatch(/pulse_query_clickhouse_queries_total\{[^}]*purpose="scores"[^}]*\} [1-9]/);
    const page = await app.inject({ url: "/" });
    expect(page.statusCode).toBe(200);
    expect(page.headers["content-type"]).toContain("text/html");
    expect((await app.inject({ url: "/vendor/uPlot.iife.min.js" })).statusCode).toBe(200);
  });
});
