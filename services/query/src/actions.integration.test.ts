/**
 * Corrective actions through HTTP, against real chDB rollups and the real relational store (a
 * Postgres server and embedded PGlite, the same assertions on both). Generated NPS answers with a
 * planted +25-point improvement on the treated touchpoint after the action's start, a +5 seasonal
 * rise everywhere (which difference-in-differences must remove) and a fall on a touchpoint of
 * another journey stage (which must not be a control). Every served figure is compared with a
 * computation from the raw answers made here, not through actionEffect.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ClickHouse } from "@pulse/clickhouse";
import { createMetricsRegistry, silentLogger } from "@pulse/kit";
import { normalTwoSidedP, tQuantile, tTwoSidedP } from "@pulse/scoring";
import { openTestStore, STORE_BACKENDS, type TestStore } from "@pulse/store";
import { createQueryApp, type QueryApp } from "./app";
import { createSqlActionStore } from "./actions.store";
import { DAY, FCR_W, MINUTE, NOW, Z, compareNpsRef, compareShareRef, insertDataset, npsRef, openTestDb, prng, welchRef, type RawEvent, type RawFcrContact } from "./fixtures.test-helper";
import { parseTokenSpec } from "./tokens";

const READ = "acme-actions-read-0001";
const WRITE = "acme-actions-write-001";
const BETA_READ = "beta-actions-read-0001";
const BETA_WRITE = "beta-actions-write-001";
const TOKENS = `${READ}=acme,${WRITE}=acme:write,${BETA_READ}=beta,${BETA_WRITE}=beta:write`;

const W = 14;
const START = Date.parse("2025-05-20T00:00:00Z");
const BEFORE = { from: START - W * DAY, to: START };
const AFTER = { from: START, to: START + W * DAY };
const Z80 = 0.8416212335729143;

/** P(promoter) = 0.45 + shift/200, P(detractor) = 0.25 − shift/200: NPS = 20 + shift in expectation. */
function npsAnswer(rand: () => number, shift: number): number {
  const u = rand();
  const s = shift / 200;
  if (u < 0.45 + s) return 9 + Math.floor(rand() * 2);
  if (u < 0.75 + s) return 7 + Math.floor(rand() * 2);
  return Math.floor(rand() * 7);
}

type Spec = { touchpoint: string; stage: string; before: number; after: number };

/** Answers per touchpoint and period, with their NPS shift. */
const WORLD: Spec[] = [
  // Support stage: the IVR action (+25 planted) with the +5 seasonal rise everywhere.
  { touchpoint: "ivr", stage: "support", before: 0, after: 30 },
  { touchpoint: "chat", stage: "support", before: 0, after: 5 },
  { touchpoint: "email", stage: "support", before: 0, after: 5 },
  // Another stage falls sharply: used as a control it would inflate the effect.
  { touchpoint: "store", stage: "purchase", before: 0, after: -30 },
  // Billing stage: an action that changed nothing (seasonal rise only).
  { touchpoint: "invoice", stage: "billing", before: 0, after: 5 },
  { touchpoint: "portal", stage: "billing", before: 0, after: 5 },
];
const PER_CELL = 400;

type Periods = Map<string, { before: number[]; after: number[] }>;

type Period = "before" | "after";

/**
 * Observations of each touchpoint in each period: `count` of them per period, each value drawn by
 * `draw` from the period's parameter (before, after) and written by `record` at a random second.
 */
function periods(
  rand: () => number,
  specs: readonly (readonly [string, number, number])[],
  count: () => number,
  draw: (param: number) => number,
  record: (touchpoint: string, period: Period, i: number, at: number, value: number) => void,
): Periods {
  const out: Periods = new Map();
  for (const [touchpoint, before, after] of specs) {
    const cell = { before: [] as number[], after: [] as number[] };
    for (const [period, range, param] of [
      ["before", BEFORE, before],
      ["after", AFTER, after],
    ] as const) {
      const n = count();
      for (let i = 0; i < n; i++) {
        const value = draw(param);
        const at = range.from + Math.floor((rand() * (range.to - range.from)) / 1000) * 1000;
        cell[period].push(value);
        record(touchpoint, period, i, at, value);
      }
    }
    out.set(touchpoint, cell);
  }
  return out;
}

function generate(tenant: string, seed: number): { events: RawEvent[]; fcr: RawFcrContact[]; answers: Periods; waits: Periods; csat: Periods; resolved: Periods } {
  const rand = prng(seed);
  const events: RawEvent[] = [];
  const fcr: RawFcrContact[] = [];
  const base = { tenant, segment: "retail" } as const;
  const stageOf = new Map(WORLD.map((s) => [s.touchpoint, s.stage]));
  // NPS answers: the WORLD's shifts.
  const answers = periods(
    rand,
    WORLD.map((s) => [s.touchpoint, s.before, s.after] as const),
    () => PER_CELL + Math.floor(rand() * 60),
    (shift) => npsAnswer(rand, shift),
    (touchpoint, period, i, at, nps) =>
      events.push({ ...base, id: `${tenant}-${touchpoint}-${period}-${i}`, type: "survey.response", at, touchpoint, channel: "web", journeyStage: stageOf.get(touchpoint)!, customer: `c${i}`, nps }),
  );
  // Answered calls: the queue's mean wait falls by 40 s after the start (30 the action, 10 the season), the callback line's by 10 s.
  const waits = periods(
    rand,
    [
      ["queue", 120, 80],
      ["callback", 120, 110],
    ],
    () => 300,
    (mean) => Math.round(mean + (rand() + rand() + rand() - 1.5) * 80),
    (touchpoint, period, i, at, wait) =>
      events.push({ ...base, id: `${tenant}-${touchpoint}-${period}-call-${i}`, type: "call.completed", at, touchpoint, channel: "phone", journeyStage: "phone", customer: `w${i}`, wait, abandoned: 0 }),
  );
  // CSAT answers (1–5): the web's top-2 share rises from 0.60 to 0.75, the app's stays at 0.60.
  const csat = periods(
    rand,
    [
      ["web", 0.6, 0.75],
      ["app", 0.6, 0.6],
    ],
    () => 350,
    (top2) => (rand() < top2 ? 4 + Math.floor(rand() * 2) : 1 + Math.floor(rand() * 3)),
    (touchpoint, period, i, at, answer) =>
      events.push({ ...base, id: `${tenant}-${touchpoint}-${period}-csat-${i}`, type: "survey.response", at, touchpoint, channel: "web", journeyStage: "digital", customer: `s${i}`, csat: answer }),
  );
  // Contacts for FCR (1 = resolved first time): the desk 70% before and 85% after; the counter 70% throughout.
  const resolved = periods(
    rand,
    [
      ["desk", 0.7, 0.85],
      ["counter", 0.7, 0.7],
    ],
    () => 320,
    (p) => (rand() < p ? 1 : 0),
    (touchpoint, period, i, at, ok) =>
      fcr.push({ ...base, contactId: `${tenant}-${touchpoint}-${period}-fcr-${i}`, at, touchpoint, channel: "phone", journeyStage: "care", topic: "billing", customer: `f${i}`, repeatAfterMs: ok ? null : Math.floor(rand() * (FCR_W - MINUTE)) + MINUTE }),
  );
  return { events, fcr, answers, waits, csat, resolved };
}

/** The expected effect from the raw answers: cells, before/after z-test, DiD with its interval, MDE, verdict. */
function reference(answers: Map<string, { before: number[]; after: number[] }>, treated: string[], control: string[], direction: "increase" | "decrease") {
  const pool = (tps: string[], period: "before" | "after") => tps.flatMap((t) => answers.get(t)![period]);
  const cells = {
    tb: npsRef(pool(treated, "before")),
    ta: npsRef(pool(treated, "after")),
    cb: npsRef(pool(control, "before")),
    ca: npsRef(pool(control, "after")),
  };
  const beforeAfter = compareNpsRef(pool(treated, "after"), pool(treated, "before"));
  const did = cells.ta.value! - cells.tb.value! - (cells.ca.value! - cells.cb.value!);
  const se = Math.sqrt(cells.ta.se! ** 2 + cells.tb.se! ** 2 + cells.ca.se! ** 2 + cells.cb.se! ** 2);
  const pValue = normalTwoSidedP(did / se);
  const verdict = pValue >= 0.05 ? "no_detectable_change" : Math.sign(did) === (direction === "increase" ? 1 : -1) ? "improved" : "worse";
  return { cells, beforeAfter, did, se, ci95: [did - Z * se, did + Z * se], pValue, mde: (Z + Z80) * se, verdict };
}

function close(actual: unknown, expected: number, tol = 1e-9): void {
  expect(typeof actual).toBe("number");
  expect(Math.abs((actual as number) - expected), `${String(actual)} vs ${expected}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(expected)));
}

type Cell = { n: number; value: number; se: number };
type Effect = {
  verdict: string;
  reason: string;
  primary: string;
  effect: number;
  ci95: [number, number];
  minimumDetectableEffect: number;
  afterComplete: boolean;
  before: { from: string; to: string };
  after: { from: string; to: string };
  control: { rule: string; touchpoints: string[]; excluded: string[]; stages: string[] };
  cells: { treated: { before: Cell; after: Cell }; control: { before: Cell; after: Cell } | null };
  beforeAfter: { estimate: number; ci95: [number, number]; pValue: number };
  differenceInDifferences: { estimate: number; se: number; ci95: [number, number]; pValue: number; significant: boolean } | null;
};
type ActionBody = { id: string; name: string; status: string; version: number; touchpoints: string[]; effect: Effect };

function expectEffect(e: Effect, ref: ReturnType<typeof reference>): void {
  const pairs: [Cell, { n: number; value: number | null; se: number | null }][] = [
    [e.cells.treated.before, ref.cells.tb],
    [e.cells.treated.after, ref.cells.ta],
    [e.cells.control!.before, ref.cells.cb],
    [e.cells.control!.after, ref.cells.ca],
  ];
  for (const [served, expected] of pairs) {
    expect(served.n).toBe(expected.n);
    close(served.value, expected.value!);
    close(served.se, expected.se!);
  }
  close(e.beforeAfter.estimate, ref.beforeAfter.difference!);
  close(e.beforeAfter.ci95[0], ref.beforeAfter.ci95![0]);
  close(e.beforeAfter.ci95[1], ref.beforeAfter.ci95![1]);
  close(e.beforeAfter.pValue, ref.beforeAfter.pValue!);
  expect(e.primary).toBe("difference_in_differences");
  close(e.effect, ref.did);
  close(e.differenceInDifferences!.se, ref.se);
  close(e.ci95[0], ref.ci95[0]!);
  close(e.ci95[1], ref.ci95[1]!);
  close(e.differenceInDifferences!.pValue, ref.pValue);
  close(e.minimumDetectableEffect, ref.mde);
  expect(e.verdict).toBe(ref.verdict);
}

/**
 * A share's difference-in-differences from the raw outcomes (`success` says which count): each
 * cell p = x/n with variance p(1 − p)/n, DiD with a z-interval and two-sided p. The served cells'
 * n, the effect, interval, p-value and verdict must equal it.
 */
function expectShareEffect(e: Effect, treated: { before: number[]; after: number[] }, control: { before: number[]; after: number[] }, success: (x: number) => boolean) {
  const share = (xs: number[]) => {
    const x = xs.filter(success).length;
    const p = x / xs.length;
    return { x, n: xs.length, p, v: (p * (1 - p)) / xs.length };
  };
  const [tb, ta, cb, ca] = [share(treated.before), share(treated.after), share(control.before), share(control.after)];
  expect([e.cells.treated.before.n, e.cells.treated.after.n, e.cells.control!.before.n, e.cells.control!.after.n]).toEqual([tb.n, ta.n, cb.n, ca.n]);
  const did = ta.p - tb.p - (ca.p - cb.p);
  const se = Math.sqrt(ta.v + tb.v + ca.v + cb.v);
  const pValue = normalTwoSidedP(did / se);
  close(e.effect, did);
  close(e.ci95[0], did - Z * se);
  close(e.ci95[1], did + Z * se);
  close(e.differenceInDifferences!.pValue, pValue);
  close(e.minimumDetectableEffect, (Z + Z80) * se);
  expect(e.verdict).toBe(pValue >= 0.05 ? "no_detectable_change" : did > 0 ? "improved" : "worse");
  return { tb, ta, cb, ca };
}

let ch: ClickHouse;
let acme: ReturnType<typeof generate>;

beforeAll(async () => {
  const db = await openTestDb();
  ch = db.ch;
  acme = generate("acme", 12);
  await insertDataset(db.writer, acme);
  // Another tenant's data on the same touchpoints: must never reach acme's cells.
  await insertDataset(db.writer, generate("beta", 99));
  readerOf = db.reader;
}, 120_000);

afterAll(async () => {
  await ch?.close();
});

let readerOf: Parameters<typeof createQueryApp>[0]["reader"];

const ivrAction = {
  name: "Shorter IVR menu",
  what: "Cut the IVR menu from 7 options to 4 and put 'agent' first",
  owner: "contact-centre-ops",
  touchpoints: ["ivr"],
  startDate: "2025-05-20",
  metric: "nps",
  expectedDirection: "increase",
  windowDays: W,
};

describe.each(STORE_BACKENDS)("corrective actions (store: %s)", (backend) => {
  let store: TestStore;
  let app: QueryApp;
  let ivrId = "";

  beforeAll(async () => {
    store = await openTestStore(backend);
    app = await createQueryApp({
      reader: readerOf,
      logger: silentLogger,
      metrics: createMetricsRegistry(`query-actions-test-${backend}`, { defaults: false }),
      tokens: parseTokenSpec(TOKENS),
      actions: createSqlActionStore(store.store),
      now: () => new Date(NOW),
    });
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await store?.dispose();
  });

  const call = async (method: "GET" | "POST" | "PATCH", url: string, token: string | undefined, body?: unknown) => {
    const res = await app.inject({ method, url, headers: token ? { authorization: `Bearer ${token}` } : {}, ...(body === undefined ? {} : { payload: body as Record<string, unknown> }) });
    return { status: res.statusCode, body: res.json<Record<string, unknown>>(), headers: res.headers };
  };

  it("measures a planted improvement: effect, interval and verdict equal the raw answers' computation", async () => {
    const r = await call("POST", "/v1/actions", WRITE, ivrAction);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const created = r.body as unknown as ActionBody;
    ivrId = created.id;
    expect(r.headers.location).toBe(`/v1/actions/${ivrId}`);
    expect(created).toMatchObject({ status: "active", version: 1, touchpoints: ["ivr"] });

    const got = await call("GET", `/v1/actions/${ivrId}`, READ);
    expect(got.status).toBe(200);
    const e = (got.body as unknown as ActionBody).effect;
    // Control: the other support touchpoints, never the purchase-stage store.
    expect(e.control).toEqual({ rule: "same_journey_stage", touchpoints: ["chat", "email"], excluded: [], stages: ["support"] });
    expect(e.before).toEqual({ from: "2025-05-06T00:00:00.000Z", to: "2025-05-20T00:00:00.000Z" });
    expect(e.after).toEqual({ from: "2025-05-20T00:00:00.000Z", to: "2025-06-03T00:00:00.000Z" });
    expect(e.afterComplete).toBe(true);
    const ref = reference(acme.answers, ["ivr"], ["chat", "email"], "increase");
    expectEffect(e, ref);
    expect(e.verdict).toBe("improved");
    // The interval holds the planted +25 and the seasonal +5 is removed: before/after alone sees about 30.
    expect(e.ci95[0]).toBeLessThan(25);
    expect(e.ci95[1]).toBeGreaterThan(25);
    expect(created.effect.verdict).toBe("improved");
  });

  it("says 'no detectable change' when nothing was planted", async () => {
    const r = await call("POST", "/v1/actions", WRITE, { ...ivrAction, name: "New invoice layout", touchpoints: ["invoice"] });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const e = (r.body as unknown as ActionBody).effect;
    expect(e.control.touchpoints).toEqual(["portal"]);
    const ref = reference(acme.answers, ["invoice"], ["portal"], "increase");
    expect(ref.pValue).toBeGreaterThanOrEqual(0.05);
    expectEffect(e, ref);
    expect(e.verdict).toBe("no_detectable_change");
  });

  it("leaves out of the control a touchpoint on which another action started within the periods", async () => {
    const r = await call("POST", "/v1/actions", WRITE, { ...ivrAction, name: "Email templates", touchpoints: ["email"], startDate: "2025-05-25T09:00:00Z" });
    expect(r.status).toBe(201);
    const e = (await call("GET", `/v1/actions/${ivrId}`, READ)).body as unknown as ActionBody;
    expect(e.effect.control).toMatchObject({ rule: "same_journey_stage", touchpoints: ["chat"], excluded: ["email"] });
    expectEffect(e.effect, reference(acme.answers, ["ivr"], ["chat"], "increase"));
  });

  it("measures a mean (wait, expected to decrease) by Welch difference-in-differences, equal to the raw calls'", async () => {
    const r = await call("POST", "/v1/actions", WRITE, { ...ivrAction, name: "More agents at peak", touchpoints: ["queue"], metric: "waitMean", expectedDirection: "decrease" });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const e = (r.body as unknown as ActionBody).effect;
    expect(e.control).toMatchObject({ rule: "same_journey_stage", touchpoints: ["callback"] });
    const cells = ["before", "after"].flatMap((p) => ["queue", "callback"].map((t) => acme.waits.get(t)![p as "before" | "after"]));
    const [tb, cb, ta, ca] = cells.map((xs) => {
      const n = xs.length;
      const m = xs.reduce((a, x) => a + x, 0) / n;
      const s2 = xs.reduce((a, x) => a + (x - m) ** 2, 0) / (n - 1);
      return { n, m, v: s2 / n };
    }) as [{ n: number; m: number; v: number }, { n: number; m: number; v: number }, { n: number; m: number; v: number }, { n: number; m: number; v: number }];
    const did = ta.m - tb.m - (ca.m - cb.m);
    const se = Math.sqrt(ta.v + tb.v + ca.v + cb.v);
    const df = se ** 4 / [ta, tb, ca, cb].reduce((a, c) => a + c.v ** 2 / (c.n - 1), 0);
    const half = tQuantile(0.975, df) * se;
    const tol = 1e-7;
    close(e.effect, did, tol);
    close(e.ci95[0], did - half, tol);
    close(e.ci95[1], did + half, tol);
    close(e.differenceInDifferences!.pValue, tTwoSidedP(did / se, df), tol);
    close(e.minimumDetectableEffect, (Z + Z80) * se, tol);
    const ba = welchRef(acme.waits.get("queue")!.after, acme.waits.get("queue")!.before);
    close(e.beforeAfter.estimate, ba.difference!, tol);
    close(e.beforeAfter.pValue, ba.pValue!, tol);
    expect(e.cells.treated.after.n).toBe(ta.n);
    expect(did).toBeLessThan(0);
    expect(e.verdict).toBe(tTwoSidedP(did / se, df) < 0.05 ? "improved" : "no_detectable_change");
    expect(e.verdict).toBe("improved");
  });

  it("measures a share (CSAT top-2) by difference-in-differences of proportions, equal to the raw answers'", async () => {
    const r = await call("POST", "/v1/actions", WRITE, { ...ivrAction, name: "Simpler web checkout", touchpoints: ["web"], metric: "csatTop2" });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const e = (r.body as unknown as ActionBody).effect;
    expect(e.control).toMatchObject({ rule: "same_journey_stage", touchpoints: ["app"] });
    const ref = expectShareEffect(e, acme.csat.get("web")!, acme.csat.get("app")!, (a) => a >= 4);
    const ba = compareShareRef(ref.ta.x, ref.ta.n, ref.tb.x, ref.tb.n);
    close(e.beforeAfter.estimate, ba.difference!);
    close(e.beforeAfter.pValue, ba.pValue!);
    expect(e.verdict).toBe("improved");
  });

  it("measures first-contact resolution on closed windows only, equal to the raw contacts'", async () => {
    const r = await call("POST", "/v1/actions", WRITE, { ...ivrAction, name: "Desk can refund", touchpoints: ["desk"], metric: "fcr" });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const e = (r.body as unknown as ActionBody & { effect: { settledAt: string } }).effect;
    expect(e.control).toMatchObject({ rule: "same_journey_stage", touchpoints: ["counter"] });
    // The after window ended on 3 June; its last contacts' verdicts were final 7 days + 1 hour later, before NOW.
    expect(e.settledAt).toBe("2025-06-10T01:00:00.000Z");
    expect(e.afterComplete).toBe(true);
    expectShareEffect(e, acme.resolved.get("desk")!, acme.resolved.get("counter")!, (ok) => ok === 1);
  });

  it("is too early until the after window has passed, even with data", async () => {
    const start = new Date(Math.floor((NOW - 3 * DAY) / MINUTE) * MINUTE).toISOString();
    const r = await call("POST", "/v1/actions", WRITE, { ...ivrAction, name: "Store greeting", touchpoints: ["store"], startDate: start, metric: "csatTop2", controlTouchpoints: ["chat"] });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const e = (r.body as unknown as ActionBody).effect;
    expect(e.afterComplete).toBe(false);
    expect(e.verdict).toBe("too_early");
    expect(e.control).toMatchObject({ rule: "explicit", touchpoints: ["chat"] });
    // A planned action (starting tomorrow): no period yet, nothing read, too early.
    const planned = await call("POST", "/v1/actions", WRITE, { ...ivrAction, name: "Planned chat bot", touchpoints: ["chat"], startDate: new Date(Math.floor((NOW + DAY) / MINUTE) * MINUTE).toISOString() });
    expect(planned.status, JSON.stringify(planned.body)).toBe(201);
    const p = (planned.body as unknown as ActionBody).effect;
    expect(p).toMatchObject({ verdict: "too_early", afterComplete: false, effect: null });
    expect([p.cells.treated.before.n, p.cells.treated.after.n]).toEqual([0, 0]);
  });

  it("lists the tenant's actions with their effect, filtered by status and touchpoint", async () => {
    const r = await call("GET", "/v1/actions", READ);
    expect(r.status).toBe(200);
    const list = (r.body as { actions: ActionBody[] }).actions;
    expect(list.map((a) => a.name).sort()).toEqual(["Desk can refund", "Email templates", "More agents at peak", "New invoice layout", "Planned chat bot", "Shorter IVR menu", "Simpler web checkout", "Store greeting"]);
    expect(list.find((a) => a.id === ivrId)!.effect.verdict).toBe("improved");
    const ivrOnly = await call("GET", "/v1/actions?touchpoint=IVR", READ);
    expect((ivrOnly.body as { actions: ActionBody[] }).actions.map((a) => a.id)).toEqual([ivrId]);
    expect((await call("GET", "/v1/actions?status=closed", READ)).body).toMatchObject({ actions: [] });
    expect(await call("GET", "/v1/actions?status=done", READ)).toMatchObject({ status: 400, body: { code: "invalid_parameter", parameter: "status" } });
  });

  it("closes with an outcome under optimistic concurrency; a stale version gets 409", async () => {
    expect(await call("PATCH", `/v1/actions/${ivrId}`, WRITE, { version: 1, status: "closed" })).toMatchObject({ status: 400, body: { parameter: "outcome" } });
    const ok = await call("PATCH", `/v1/actions/${ivrId}`, WRITE, { version: 1, status: "closed", outcome: "Kept: NPS up about 25 points" });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body).toMatchObject({ status: "closed", version: 2, outcome: "Kept: NPS up about 25 points" });
    expect((ok.body as { closedAt: string }).closedAt).toBe(new Date(NOW).toISOString());
    expect(await call("PATCH", `/v1/actions/${ivrId}`, WRITE, { version: 1, owner: "someone-else" })).toMatchObject({ status: 409, body: { code: "version_conflict", current: 2, sent: 1 } });
    // What is measured cannot be changed afterwards.
    expect(await call("PATCH", `/v1/actions/${ivrId}`, WRITE, { version: 2, startDate: "2025-05-01" })).toMatchObject({ status: 400, body: { parameter: "startDate" } });
    expect((await call("GET", "/v1/actions?status=closed", READ)).body).toMatchObject({ actions: [{ id: ivrId }] });
  });

  it("keeps an audit history: who created and changed the action, what, when; a stale or refused change records nothing", async () => {
    const reopened = await call("PATCH", `/v1/actions/${ivrId}`, WRITE, { version: 2, status: "active", actor: "mia@ops" });
    expect(reopened.status, JSON.stringify(reopened.body)).toBe(200);
    const later = new Date(NOW).toISOString();
    expect(await call("PATCH", `/v1/actions/${ivrId}`, WRITE, { version: 3, owner: "lee", what: "IVR menu cut to three options", actor: "lee@ops" })).toMatchObject({ status: 200, body: { version: 4 } });
    expect(await call("PATCH", `/v1/actions/${ivrId}`, WRITE, { version: 3, owner: "late" })).toMatchObject({ status: 409 });
    expect(await call("PATCH", `/v1/actions/${ivrId}`, WRITE, { version: 4, actor: "" })).toMatchObject({ status: 400, body: { parameter: "actor" } });
    const r = await call("GET", `/v1/actions/${ivrId}`, READ);
    expect(r.status).toBe(200);
    const history = (r.body as { history: { seq: number; version: number; at: string; actor: string; kind: string; changes: Record<string, [unknown, unknown]> }[] }).history;
    expect(history.map((h) => [h.version, h.kind, h.actor])).toEqual([
      [1, "created", "api"],
      [2, "closed", "api"],
      [3, "reopened", "mia@ops"],
      [4, "updated", "lee@ops"],
    ]);
    expect(history.map((h) => h.seq)).toEqual([...history.map((h) => h.seq)].sort((a, b) => a - b));
    expect(history.every((h) => h.at === later)).toBe(true);
    expect(history[0]!.changes).toMatchObject({ name: [null, ivrAction.name], touchpoints: [null, ["ivr"]], metric: [null, "nps"], status: [null, "active"] });
    expect(history[1]!.changes).toEqual({ status: ["active", "closed"], closedAt: [null, later], outcome: [null, "Kept: NPS up about 25 points"] });
    expect(history[2]!.changes).toEqual({ status: ["closed", "active"], closedAt: [later, null] });
    expect(history[3]!.changes).toEqual({ owner: [ivrAction.owner, "lee"], what: [ivrAction.what, "IVR menu cut to three options"] });
    // Another tenant sees neither the action nor its history.
    expect(await call("GET", `/v1/actions/${ivrId}`, BETA_READ)).toMatchObject({ status: 404 });
    const { rows } = await store.store.query<{ n: number }>("SELECT count(*) AS n FROM action_history WHERE action_id = $1::uuid", [ivrId]);
    expect(Number(rows[0]?.n)).toBe(4);
  });

  it("refuses bad bodies naming the field and the rule", async () => {
    expect(await call("POST", "/v1/actions", WRITE, { ...ivrAction, startDate: "20/05/2025" })).toMatchObject({ status: 400, body: { code: "invalid_body", parameter: "startDate" } });
    expect(await call("POST", "/v1/actions", WRITE, { ...ivrAction, metric: "mood" })).toMatchObject({ status: 400, body: { parameter: "metric" } });
    expect(await call("POST", "/v1/actions", WRITE, { ...ivrAction, touchpoints: [] })).toMatchObject({ status: 400, body: { parameter: "touchpoints" } });
    expect(await call("GET", "/v1/actions/not-a-uuid", READ)).toMatchObject({ status: 404 });
  });

  it("needs a write token to write and a read token to read", async () => {
    expect(await call("POST", "/v1/actions", READ, ivrAction)).toMatchObject({ status: 403, body: { code: "wrong_token_kind" } });
    expect(await call("PATCH", `/v1/actions/${ivrId}`, READ, { version: 4, owner: "x" })).toMatchObject({ status: 403 });
    expect(await call("POST", "/v1/actions", undefined, ivrAction)).toMatchObject({ status: 401 });
    expect(await call("GET", "/v1/actions", WRITE)).toMatchObject({ status: 403 });
    expect(await call("GET", "/v1/actions", undefined)).toMatchObject({ status: 401 });
  });

  it("keeps tenants apart: another tenant neither sees nor changes acme's actions, and its own effect uses its own data", async () => {
    expect((await call("GET", "/v1/actions", BETA_READ)).body).toMatchObject({ actions: [] });
    expect(await call("GET", `/v1/actions/${ivrId}`, BETA_READ)).toMatchObject({ status: 404 });
    expect(await call("PATCH", `/v1/actions/${ivrId}`, BETA_WRITE, { version: 4, owner: "beta" })).toMatchObject({ status: 404 });
    const own = await call("POST", "/v1/actions", BETA_WRITE, ivrAction);
    expect(own.status).toBe(201);
    const beta = generate("beta", 99);
    expectEffect((own.body as unknown as ActionBody).effect, reference(beta.answers, ["ivr"], ["chat", "email"], "increase"));
    const acmeIds = ((await call("GET", "/v1/actions", READ)).body as { actions: ActionBody[] }).actions.map((a) => a.id);
    expect(acmeIds).toHaveLength(8);
    expect(acmeIds).not.toContain((own.body as { id: string }).id);
  });

  it("is in the OpenAPI document and counted in /metrics", async () => {
    const doc = (await app.inject({ method: "GET", url: "/docs/json" })).json<{ paths: Record<string, Record<string, unknown>> }>();
    expect(Object.keys(doc.paths["/v1/actions"] ?? {}).sort()).toEqual(["get", "post"]);
    expect(Object.keys(doc.paths["/v1/actions/{id}"] ?? {}).sort()).toEqual(["get", "patch"]);
    const text = await app.queryMetrics.actionWrites.get();
    const ok = text.values.find((v) => v.labels.op === "create" && v.labels.result === "ok");
    expect(ok?.value).toBe(9);
    const conflicts = text.values.find((v) => v.labels.op === "update" && v.labels.result === "conflict");
    expect(conflicts?.value).toBe(2);
    const get = doc.paths["/v1/actions/{id}"]?.get as { responses: Record<string, { content: Record<string, { schema: { properties: Record<string, unknown> } }> }> };
    expect(Object.keys(get.responses["200"]!.content["application/json"]!.schema.properties)).toContain("history");
  });
});
