/**
 * GET /v1/drivers?kind=operational against real chDB with generated data: a planted effect
 * ("waited more than 5 minutes lowers NPS by 20 points") is recovered with the right sign and a
 * significant result; where nothing was planted nothing is significant; the rows the service
 * builds from ClickHouse equal a brute-force join over the raw events.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ClickHouse, Writer } from "@pulse/clickhouse";
import { createMetricsRegistry, silentLogger } from "@pulse/kit";
import { createQueryApp, type QueryApp } from "./app";
import { NOW, DAY, openTestDb, prng } from "./fixtures.test-helper";
import { parseTokenSpec } from "./tokens";

const TOKEN = "acme-operational-token-01";
const COLUMNS = ["tenant", "event_id", "type", "schema_version", "occurred_at", "received_at", "source", "touchpoint", "touchpoint_raw", "journey_stage", "channel", "customer_id", "segment", "nps", "wait_seconds", "transfers", "abandoned", "complaint_id"];
const dt = (ms: number) => new Date(ms).toISOString().replace("T", " ").replace("Z", "");

type Ev = { id: string; type: string; at: number; touchpoint: string; customer: string; nps?: number; wait?: number; transfers?: number; abandoned?: 0 | 1; complaint?: string };

/**
 * Per customer: 1–3 calls in the 6 days before one NPS answer (answers over the last 7 days).
 * `plant`: customers with an answered wait > 300 s answer with P(promoter) 10 points lower and
 * P(detractor) 10 points higher: NPS −20. Transfers, abandonment, repeats and complaints are
 * drawn independently and have no effect.
 */
function generate(touchpoint: string, customers: number, seed: number, plant: boolean): Ev[] {
  const rnd = prng(seed);
  const out: Ev[] = [];
  for (let c = 0; c < customers; c++) {
    const customer = `${touchpoint}-c${c}`;
    const answeredAt = NOW - 1000 - Math.floor(rnd() * 6 * DAY);
    const calls = 1 + Math.floor(rnd() * 3);
    let longWait = false;
    for (let k = 0; k < calls; k++) {
      const abandoned = rnd() < 0.1 ? 1 : 0;
      const wait = rnd() < 0.3 ? 301 + rnd() * 600 : rnd() * 290;
      if (abandoned === 0 && wait > 300) longWait = true;
      out.push({ id: `${customer}-call${k}`, type: "call.completed", at: answeredAt - 60_000 - Math.floor(rnd() * 5 * DAY), touchpoint: "phone", customer, wait, transfers: rnd() < 0.25 ? 1 : 0, abandoned });
    }
    if (rnd() < 0.15) {
      const opened = answeredAt - Math.floor(rnd() * 5 * DAY) - 60_000;
      out.push({ id: `${customer}-co`, type: "complaint.opened", at: opened, touchpoint: "complaints", customer, complaint: `${customer}-k` });
      if (rnd() < 0.5) out.push({ id: `${customer}-cr`, type: "complaint.resolved", at: opened + 30_000, touchpoint: "complaints", customer, complaint: `${customer}-k` });
    }
    // A call after the answer must not count for it.
    if (rnd() < 0.3) out.push({ id: `${customer}-late`, type: "call.completed", at: answeredAt + 1, touchpoint: "phone", customer, wait: 900, transfers: 1, abandoned: 0 });
    const shift = plant && longWait ? 0.1 : 0;
    const u = rnd();
    const nps = u < 0.5 - shift ? 9 + Math.floor(rnd() * 2) : u < 0.8 - shift ? 7 + Math.floor(rnd() * 2) : Math.floor(rnd() * 7);
    out.push({ id: `${customer}-survey`, type: "survey.response", at: answeredAt, touchpoint, customer, nps });
  }
  return out;
}

let ch: ClickHouse;
let writer: Writer;
let app: QueryApp;
// Fixed seeds: the data are the same on every run (with nothing planted, each of the five tests
// has a 5% chance of a false positive; these seeds give none, as 77% of seeds would).
const events = [...generate("app", 3000, 21, true), ...generate("branch", 1500, 22, false)];

beforeAll(async () => {
  const db = await openTestDb();
  ch = db.ch;
  writer = db.writer;
  await writer.insert(
    "feedback_events",
    COLUMNS,
    events.map((e) => ["acme", e.id, e.type, 1, dt(e.at), dt(e.at), "test", e.touchpoint, e.touchpoint, "service", "phone", e.customer, "retail", e.nps ?? null, e.wait ?? null, e.transfers ?? null, e.abandoned ?? null, e.complaint ?? ""]),
    { dedupToken: "operational-drivers-test" },
  );
  app = await createQueryApp({
    reader: db.reader,
    logger: silentLogger,
    metrics: createMetricsRegistry("query-operational-test", { defaults: false }),
    tokens: parseTokenSpec(`${TOKEN}=acme`),
    now: () => new Date(NOW),
  });
});

afterAll(async () => {
  await app?.close();
  await ch?.close();
});

type Driver = { driver: string; coefficient: number; ci95: [number, number] | null; pValue: number | null; significant: boolean; mean: number; n: number };
type Body = { kind: string; respondents: number; withContacts: number; lookBackDays: number; analysis: { n: number; drivers: Driver[] } };

async function get(url: string) {
  const res = await app.inject({ method: "GET", url, headers: { authorization: `Bearer ${TOKEN}` } });
  return { status: res.statusCode, body: res.json<Record<string, unknown>>() };
}

/** Brute force: each answer's drivers from the same customer's events in the 7 days before it. */
function bruteForce(touchpoint: string) {
  return events
    .filter((e) => e.type === "survey.response" && e.touchpoint === touchpoint)
    .map((a) => {
      const before = events.filter((e) => e.customer === a.customer && e.at < a.at && e.at >= a.at - 7 * DAY);
      const calls = before.filter((e) => e.type === "call.completed");
      const resolved = new Set(before.filter((e) => e.type === "complaint.resolved").map((e) => e.complaint));
      return {
        contacts: calls.length,
        waitedOver5Min: calls.some((e) => e.abandoned === 0 && (e.wait ?? 0) > 300),
        abandoned: calls.some((e) => e.abandoned === 1),
        transferred: calls.some((e) => (e.transfers ?? 0) > 0),
        repeatContact: calls.length >= 2,
        openComplaint: before.some((e) => e.type === "complaint.opened" && !resolved.has(e.complaint)),
      };
    });
}

describe("GET /v1/drivers?kind=operational", () => {
  it("recovers a planted effect: waiting more than 5 minutes lowers NPS by about 20 points", async () => {
    const r = await get("/v1/drivers?kind=operational&window=7d&touchpoint=app");
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const body = r.body as unknown as Body;
    const ref = bruteForce("app");
    expect(body.respondents).toBe(ref.length);
    expect(body.withContacts).toBe(ref.filter((x) => x.contacts > 0).length);
    expect(body.analysis.n).toBe(body.withContacts);
    // Each driver's share of respondents equals the brute-force join (the SQL's look-back is right).
    for (const name of ["waitedOver5Min", "abandoned", "transferred", "repeatContact", "openComplaint"] as const) {
      const d = body.analysis.drivers.find((x) => x.driver === name);
      expect(d?.mean, name).toBeCloseTo(ref.filter((x) => x.contacts > 0 && x[name]).length / body.withContacts, 12);
    }
    const wait = body.analysis.drivers.find((d) => d.driver === "waitedOver5Min");
    expect(wait?.coefficient).toBeLessThan(0);
    expect(wait?.significant).toBe(true);
    expect(wait?.ci95?.[0]).toBeLessThan(-20);
    expect(wait?.ci95?.[1]).toBeGreaterThan(-20);
    for (const d of body.analysis.drivers.filter((x) => x.driver !== "waitedOver5Min")) expect(d.significant, d.driver).toBe(false);
  });

  it("finds nothing significant where nothing was planted", async () => {
    const r = await get("/v1/drivers?kind=operational&window=7d&touchpoint=branch");
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const body = r.body as unknown as Body;
    expect(body.analysis.drivers).toHaveLength(5);
    for (const d of body.analysis.drivers) expect(d.significant, d.driver).toBe(false);
  });

  it("refuses bad parameters with the field and the rule, and 422 when nothing can be estimated", async () => {
    const kind = await get("/v1/drivers?kind=weather");
    expect(kind.status).toBe(400);
    expect(kind.body).toMatchObject({ code: "invalid_parameter", parameter: "kind" });
    const lb = await get("/v1/drivers?kind=operational&lookBackDays=0");
    expect(lb.status).toBe(400);
    expect(lb.body).toMatchObject({ code: "invalid_parameter", parameter: "lookBackDays" });
    const none = await get("/v1/drivers?kind=operational&window=7d&touchpoint=nowhere");
    expect(none.status).toBe(422);
    expect(none.body).toMatchObject({ code: "insufficient_data" });
  });
});
