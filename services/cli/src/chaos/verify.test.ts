import { describe, expect, it } from "vitest";
import { eventFactory, type TenantLedger } from "./load";
import { expectedSums, judgeTenant, type Sums } from "./verify";

function ledger(n: number): TenantLedger {
  const make = eventFactory(3);
  const l: TenantLedger = { tenant: "t", key: "k", sent: new Map(), acked: new Set(), pending: [], rejected: [] };
  for (let i = 0; i < n; i++) {
    const e = make("t", i, Date.UTC(2026, 10, 30, 12));
    l.sent.set(e.id, e);
    l.acked.add(e.id);
  }
  return l;
}

describe("chaos verdict", () => {
  const l = ledger(500);
  const ids = [...l.sent.keys()];
  const exact: Record<string, Sums> = { rollup_minute: expectedSums(l.sent.values()) };

  it("finds nothing wrong when every event is stored once and the rollups match", () => {
    expect(judgeTenant(l, ids, exact)).toMatchObject({ generated: 500, counted: 500, lost: 0, doubled: 0, unexpected: 0, rollupMismatches: [] });
  });

  it("counts lost, doubled and unexpected ids and names each rollup mismatch", () => {
    const stored = [...ids.slice(2), ids[5] as string, ids[5] as string, "t-other"];
    const off = { rollup_minute: { ...exact.rollup_minute, events: 499 } as Sums };
    const v = judgeTenant(l, stored, off);
    expect(v).toMatchObject({ counted: 499, lost: 2, doubled: 2, unexpected: 1 });
    expect(v.rollupMismatches).toEqual(["rollup_minute.events: got 499, expected 500"]);
  });

  it("sums waits in exact milliseconds (quarter seconds) and leaves abandoned calls out", () => {
    const s = expectedSums(l.sent.values());
    expect(Number.isInteger(s.wait_ms_sum)).toBe(true);
    const calls = [...l.sent.values()].filter((e) => e.type === "call.completed");
    expect(s.calls_offered).toBe(calls.length);
    expect(calls.some((e) => e.type === "call.completed" && e.body.abandoned)).toBe(true);
  });
});
