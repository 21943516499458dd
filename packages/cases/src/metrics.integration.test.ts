import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createReader, createWriter, migrate, openClickHouse, type ClickHouse, type Reader } from "@pulse/clickhouse";
import { seededRandom as mulberry32, silentLogger } from "@pulse/kit";
import { openTestStore, STORE_BACKENDS, type Store, type TestStore } from "@pulse/store";
import { createCaseHistoryShipper, followedUpCustomers, loopMetrics, recoveryByGroup } from "./index";

// Generated cases written to the store with their history, shipped to ClickHouse by the real
// shipper (feeding the rollup case_loop_hour), changed (reopened, reassigned, closed, responded),
// shipped again, and everything re-shipped under other batch boundaries. The served loop metrics
// are checked against the final generated cases, counted and sorted here.
type Gen = {
  id: string;
  touchpoint: string;
  /** The team the case was opened for (its `created` history row); `team` is where it is now. */
  openedTeam: string;
  team: string;
  customer: string;
  created: number;
  frDue: number;
  rsDue: number;
  fr: number | null;
  rs: number | null;
  frBreached: boolean;
  rsBreached: boolean;
  state: string;
  nps: number | null;
  version: number;
};

const ROOT = new URL("../../../", import.meta.url).pathname;
const HOUR = 3600_000;
// A window that does not start or end on an hour: the rollup's edge hours are cut to the millisecond.
const FROM = Date.parse("2026-11-01T00:00:00Z") + 17 * 60_000;
const TO = Date.parse("2026-11-08T00:00:00Z") + 41 * 60_000;
const NOW = Date.parse("2026-11-09T00:00:00Z");
const TEAMS = ["care", "billing_team", "escalations"];

function generate(n: number): Gen[] {
  const r = mulberry32(12);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)] as T;
  return Array.from({ length: n }, (_, i) => {
    // Some outside the window on either side.
    const created = FROM - 86_400_000 + Math.floor(r() * 9 * 86_400_000);
    const frDue = created + 4 * HOUR;
    const rsDue = created + 48 * HOUR;
    const fr = r() < 0.8 ? created + Math.floor(r() * 8 * HOUR) : null;
    const rs = fr !== null && r() < 0.7 ? fr + Math.floor(r() * 72 * HOUR) : null;
    const state = rs === null ? pick(["open", "in_progress", "waiting_customer"]) : pick(["resolved", "closed"]);
    const team = pick(TEAMS.slice(0, 2));
    return {
      id: `g${i}`,
      touchpoint: pick(["checkout", "delivery", "billing"]),
      openedTeam: team,
      team,
      customer: `c${Math.floor(r() * 150)}`,
      created,
      frDue,
      rsDue,
      fr: fr === null && state !== "open" ? created + 1000 : fr,
      rs,
      frBreached: fr === null && r() < 0.5,
      rsBreached: rs === null && r() < 0.3,
      state,
      nps: r() < 0.7 ? Math.floor(r() * 7) : null,
      version: 1,
    };
  });
}

/** Later changes, each a new version: reopen, reassignment (escalation), close, a late first response. */
function evolve(cases: Gen[]): Gen[] {
  const r = mulberry32(34);
  return cases.map((c) => {
    const x = r();
    if ((c.state === "resolved" || c.state === "closed") && x < 0.3)
      return { ...c, state: "in_progress", rs: null, rsBreached: false, rsDue: (c.rs as number) + 48 * HOUR, version: c.version + 1 };
    if (c.state === "resolved" && x < 0.6) return { ...c, state: "closed", version: c.version + 1 };
    if (c.state !== "resolved" && c.state !== "closed" && x < 0.25) return { ...c, team: "escalations", version: c.version + 1 };
    if (c.fr === null && x < 0.4) return { ...c, fr: c.created + 9 * HOUR, state: "in_progress", version: c.version + 1 };
    return c;
  });
}

function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const pos = p * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return (sorted[lo] as number) + ((sorted[hi] as number) - (sorted[lo] as number)) * (pos - lo);
}

const d = (ms: number | null) => (ms === null ? null : new Date(ms));

async function write(store: Store, tenant: string, c: Gen, first: boolean): Promise<void> {
  const values = [
    `${tenant}-${c.id}`,
    tenant,
    c.customer,
    c.touchpoint,
    c.team,
    JSON.stringify(c.nps === null ? { topics: [] } : { score: { kind: "nps", value: c.nps }, topics: [] }),
    new Date(c.created),
    c.state,
    c.state === "closed" ? "cause" : null,
    c.state === "closed" ? "recovered" : null,
    new Date(c.frDue),
    new Date(c.rsDue),
    d(c.fr),
    d(c.rs),
    c.frBreached ? new Date(c.frDue) : null,
    c.rsBreached ? new Date(c.rsDue) : null,
    c.version,
  ];
  if (first)
    await store.query(
      `INSERT INTO cases (id, tenant_id, event_id, trigger, severity, customer_id, touchpoint, team, evidence, event_at, state, root_cause, outcome,
                          first_response_due, resolution_due, first_response_at, resolved_at, first_response_breached_at, resolution_breached_at, version, created_at)
       VALUES ($1, $2, $1, 'nps_detractor', 'high', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $7)`,
      values,
    );
  else
    await store.query(
      `UPDATE cases SET team = $3, state = $4, root_cause = $5, outcome = $6, resolution_due = $7, first_response_at = $8, resolved_at = $9,
                        resolution_breached_at = $10, version = $11
       WHERE id = $1 AND tenant_id = $2`,
      [values[0], values[1], values[4], values[7], values[8], values[9], values[11], values[12], values[13], values[15], values[16]],
    );
  await store.query(`INSERT INTO case_history (case_id, tenant_id, version, at, actor, action, changes) VALUES ($1, $2, $3, $4, 'gen', $5, $6)`, [
    `${tenant}-${c.id}`,
    tenant,
    c.version,
    new Date(c.created),
    first ? "created" : "updated",
    JSON.stringify(first ? { state: [null, "open"], team: [null, c.openedTeam] } : { team: [c.openedTeam, c.team] }),
  ]);
}

let ch: ClickHouse;
let reader: Reader;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "pulse-loop-metrics-"));
  ch = await openClickHouse({ path: join(dir, "ch"), database: "pulse_loop_test" });
  await migrate(ch, join(ROOT, "infra/clickhouse"));
  reader = createReader(ch);
});
afterAll(async () => {
  await ch?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.each(STORE_BACKENDS)("loop metrics from the ClickHouse rollup, store on %s", (backend) => {
  let t: TestStore;
  const tenant = `t-${backend}`;
  const initial = generate(400);
  const cases = evolve(initial);
  beforeAll(async () => {
    t = await openTestStore(backend);
    const ship = (batch: number) => createCaseHistoryShipper({ store: t.store, writer: createWriter(ch), logger: silentLogger, batch }).shipAll();
    for (const c of initial) await write(t.store, tenant, c, true);
    // Another tenant's case never counts.
    await write(t.store, `${tenant}-other`, { ...(initial[0] as Gen), created: FROM + 1000 }, true);
    await ship(50);
    const changed = cases.filter((c, i) => c !== initial[i]);
    expect(changed.length).toBeGreaterThan(50);
    for (const c of changed) await write(t.store, tenant, c, false);
    await ship(50);
    // Everything shipped again (a crash before the mark), under other batch boundaries, so other
    // dedup tokens: ClickHouse stores the rows a second time, and the metrics must not move.
    await t.store.query("UPDATE case_history SET shipped_at = NULL");
    await ship(37);
    const [raw] = await reader.query<{ rows: number; seqs: number }>(
      "SELECT count() AS rows, uniqExact(seq) AS seqs FROM case_history WHERE tenant = {t:String}",
      { t: tenant },
    );
    expect(Number(raw?.rows)).toBeGreaterThan(Number(raw?.seqs));
  });
  afterAll(async () => {
    await t?.dispose();
  });

  it.each(["touchpoint", "team"] as const)("per %s, equal to a direct computation over the final cases", async (groupBy) => {
    const served = await loopMetrics(reader, tenant, { from: new Date(FROM), to: new Date(TO), groupBy, now: new Date(NOW) });
    const inWindow = cases.filter((c) => c.created >= FROM && c.created < TO);
    const keyOf = (c: Gen) => (groupBy === "team" ? c.openedTeam : c.touchpoint);
    const keys = [...new Set(inWindow.map(keyOf))].sort();
    expect(served.map((g) => g.key)).toEqual(keys);
    for (const key of keys) {
      const g = inWindow.filter((c) => keyOf(c) === key);
      const fr = g.filter((c) => c.fr !== null).map((c) => ((c.fr as number) - c.created) / 1000).sort((a, b) => a - b);
      const rs = g.filter((c) => c.rs !== null).map((c) => ((c.rs as number) - c.created) / 1000).sort((a, b) => a - b);
      const frMet = g.filter((c) => c.fr !== null && c.fr <= c.frDue && !c.frBreached).length;
      const frMissed = g.filter((c) => (c.fr !== null && c.fr > c.frDue) || c.frBreached || (c.fr === null && c.frDue <= NOW)).length;
      const rsMet = g.filter((c) => c.rs !== null && c.rs <= c.rsDue && !c.rsBreached).length;
      const rsMissed = g.filter((c) => (c.rs !== null && c.rs > c.rsDue) || c.rsBreached || (c.rs === null && c.rsDue <= NOW)).length;
      const s = served.find((x) => x.key === key)!;
      expect(s.opened).toBe(g.length);
      expect(s.firstResponse.n).toBe(fr.length);
      expect(s.firstResponse.p50Seconds).toBeCloseTo(percentile(fr, 0.5)!, 6);
      expect(s.firstResponse.p90Seconds).toBeCloseTo(percentile(fr, 0.9)!, 6);
      expect(s.resolution.n).toBe(rs.length);
      expect(s.resolution.p50Seconds).toBeCloseTo(percentile(rs, 0.5)!, 6);
      expect(s.resolution.p90Seconds).toBeCloseTo(percentile(rs, 0.9)!, 6);
      expect(s.slaHit.firstResponse).toMatchObject({ count: frMet, n: frMet + frMissed, value: frMet / (frMet + frMissed) });
      expect(s.slaHit.resolution).toMatchObject({ count: rsMet, n: rsMet + rsMissed, value: rsMet / (rsMet + rsMissed) });
      const closed = g.filter((c) => c.state === "closed").length;
      expect(s.closureRate).toMatchObject({ count: closed, n: g.length, value: closed / g.length });
    }
    // Reassigned cases stay with the team they were opened for: no group for the escalation team.
    expect(inWindow.some((c) => c.team === "escalations")).toBe(true);
  });

  it("any split of a window adds up: opened and closed of two halves equal the whole", async () => {
    const mid = FROM + Math.floor((TO - FROM) / 2) + 12_345;
    const of = (from: number, to: number) => loopMetrics(reader, tenant, { from: new Date(from), to: new Date(to), groupBy: "touchpoint", now: new Date(NOW) });
    const [a, b, whole] = await Promise.all([of(FROM, mid), of(mid, TO), of(FROM, TO)]);
    for (const w of whole) {
      const sum = (l: typeof a, f: (x: (typeof a)[number]) => number) => l.filter((x) => x.key === w.key).reduce((s, x) => s + f(x), 0);
      expect(sum(a, (x) => x.opened) + sum(b, (x) => x.opened)).toBe(w.opened);
      expect(sum(a, (x) => x.closureRate.count) + sum(b, (x) => x.closureRate.count)).toBe(w.closureRate.count);
    }
  });

  it("recovery rate per touchpoint equals a direct count over the customers' later answers", async () => {
    const followed = await followedUpCustomers(reader, tenant, { from: new Date(FROM), to: new Date(TO), groupBy: "touchpoint" });
    // Later answers: generated per customer, some before and some after the follow-up.
    const r = mulberry32(99);
    const answers = new Map<string, { at: Date; nps: number }[]>();
    for (let i = 0; i < 150; i++) {
      const list = Array.from({ length: Math.floor(r() * 4) }, () => ({ at: new Date(FROM + Math.floor(r() * 10 * 86_400_000)), nps: Math.floor(r() * 11) }));
      answers.set(`c${i}`, list);
    }
    const served = recoveryByGroup(followed, answers);

    const inWindow = cases.filter((c) => c.created >= FROM && c.created < TO && c.fr !== null);
    for (const key of ["billing", "checkout", "delivery"]) {
      // Earliest case per customer in this touchpoint (ties by id, as the store names them).
      const first = new Map<string, Gen>();
      const id = (c: Gen) => `${tenant}-${c.id}`;
      for (const c of inWindow.filter((x) => x.touchpoint === key).sort((a, b) => a.created - b.created || (id(a) < id(b) ? -1 : 1)))
        if (!first.has(c.customer)) first.set(c.customer, c);
      let answered = 0;
      let compared = 0;
      let improved = 0;
      let promoters = 0;
      for (const c of first.values()) {
        const later = (answers.get(c.customer) ?? []).filter((a) => a.at.getTime() > (c.fr as number)).sort((a, b) => a.at.getTime() - b.at.getTime());
        if (later.length === 0) continue;
        answered++;
        if (c.nps === null) continue;
        compared++;
        if ((later[0] as { nps: number }).nps > c.nps) improved++;
        if (c.nps <= 8 && (later[0] as { nps: number }).nps >= 9) promoters++;
      }
      const s = served.get(key)!;
      expect(s.response).toMatchObject({ count: answered, n: first.size });
      expect(s.improved).toMatchObject({ count: improved, n: compared });
      expect(s.becamePromoters).toMatchObject({ count: promoters, n: compared });
      expect(s.value).toBe(compared === 0 ? null : improved / compared);
      const z = 1.959963984540054;
      const p = improved / compared;
      const centre = (p + (z * z) / (2 * compared)) / (1 + (z * z) / compared);
      const half = (z / (1 + (z * z) / compared)) * Math.sqrt((p * (1 - p)) / compared + (z * z) / (4 * compared * compared));
      expect(s.ci95![0]).toBeCloseTo(centre - half, 10);
      expect(s.ci95![1]).toBeCloseTo(centre + half, 10);
      expect(compared).toBeGreaterThan(0);
    }
  });
});
