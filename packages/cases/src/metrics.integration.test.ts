import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seededRandom as mulberry32 } from "@pulse/kit";
import { openTestStore, STORE_BACKENDS, type TestStore } from "@pulse/store";
import { followedUpCustomers, loopMetrics, recoveryByGroup } from "./index";

// Generated cases, and the loop metrics computed again here by direct counting and sorting.
type Gen = {
  id: string;
  touchpoint: string;
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
};

const FROM = Date.parse("2026-11-01T00:00:00Z");
const TO = Date.parse("2026-11-08T00:00:00Z");
const NOW = Date.parse("2026-11-09T00:00:00Z");

function generate(n: number): Gen[] {
  const r = mulberry32(12);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)] as T;
  return Array.from({ length: n }, (_, i) => {
    // Some outside the window on either side.
    const created = FROM - 86_400_000 + Math.floor(r() * 9 * 86_400_000);
    const frDue = created + 4 * 3600_000;
    const rsDue = created + 48 * 3600_000;
    const fr = r() < 0.8 ? created + Math.floor(r() * 8 * 3600_000) : null;
    const rs = fr !== null && r() < 0.7 ? fr + Math.floor(r() * 72 * 3600_000) : null;
    const state = rs === null ? pick(["open", "in_progress", "waiting_customer"]) : pick(["resolved", "closed"]);
    return {
      id: `g${i}`,
      touchpoint: pick(["checkout", "delivery", "billing"]),
      team: pick(["care", "billing_team"]),
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
    };
  });
}

function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const pos = p * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return (sorted[lo] as number) + ((sorted[hi] as number) - (sorted[lo] as number)) * (pos - lo);
}

describe.each(STORE_BACKENDS)("loop metrics on %s", (backend) => {
  let t: TestStore;
  const cases = generate(400);
  beforeAll(async () => {
    t = await openTestStore(backend);
    for (const c of cases) {
      await t.store.query(
        `INSERT INTO cases (id, tenant_id, event_id, trigger, severity, customer_id, touchpoint, team, evidence, event_at, state, root_cause, outcome,
                            first_response_due, resolution_due, first_response_at, resolved_at, first_response_breached_at, resolution_breached_at, created_at)
         VALUES ($1, 't1', $1, 'nps_detractor', 'high', $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $6)`,
        [
          c.id,
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
          c.fr === null ? null : new Date(c.fr),
          c.rs === null ? null : new Date(c.rs),
          c.frBreached ? new Date(c.frDue) : null,
          c.rsBreached ? new Date(c.rsDue) : null,
        ],
      );
    }
    // Another tenant's cases never count.
    await t.store.query(
      `INSERT INTO cases (id, tenant_id, event_id, trigger, severity, touchpoint, team, event_at, first_response_due, resolution_due, created_at)
       VALUES ('x1', 't2', 'x1', 'csat_low', 'high', 'checkout', 'care', $1, $1, $1, $1)`,
      [new Date(FROM + 1000)],
    );
  });
  afterAll(async () => {
    await t?.dispose();
  });

  it.each(["touchpoint", "team"] as const)("per %s, equal to a direct computation", async (groupBy) => {
    const served = await loopMetrics(t.store, "t1", { from: new Date(FROM), to: new Date(TO), groupBy, now: new Date(NOW) });
    const inWindow = cases.filter((c) => c.created >= FROM && c.created < TO);
    const keys = [...new Set(inWindow.map((c) => c[groupBy]))].sort();
    expect(served.map((g) => g.key)).toEqual(keys);
    for (const key of keys) {
      const g = inWindow.filter((c) => c[groupBy] === key);
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
  });

  it("recovery rate per touchpoint equals a direct count over the customers' later answers", async () => {
    const followed = await followedUpCustomers(t.store, "t1", { from: new Date(FROM), to: new Date(TO), groupBy: "touchpoint" });
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
      // Earliest case per customer in this touchpoint.
      const first = new Map<string, Gen>();
      for (const c of inWindow.filter((x) => x.touchpoint === key).sort((a, b) => a.created - b.created || (a.id < b.id ? -1 : 1)))
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
      expect(compared).toBeGreaterThan(0);
    }
  });
});
