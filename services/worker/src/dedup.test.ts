import { describe, expect, it } from "vitest";
import { checkIds, type Candidate } from "./dedup";
import type { IdClaims, Position } from "./id-claims";

// A pure stand-in for the registry table: rows keyed by tenant/id with their Kafka positions.
function registry(rows: { tenant: string; event_id: string; kafka_partition: number; kafka_offset: number }[]) {
  return {
    query: <T>(_sql: string, params?: Record<string, unknown>): Promise<T[]> => {
      const { tenant, ids } = params as { tenant: string; ids: string[] };
      return Promise.resolve(rows.filter((r) => r.tenant === tenant && ids.includes(r.event_id)) as T[]);
    },
  };
}

const c = (tenant: string, id: string, partition: number, offset: number): Candidate => ({ tenant, id, partition, offset: String(offset) });

describe("findDuplicates", () => {
  it("marks later copies within a chunk as duplicates", async () => {
    const a = c("t", "e1", 0, 1);
    const b = c("t", "e1", 0, 2);
    const got = await checkIds(registry([]), null, [a, b]);
    expect([...got.elsewhere]).toEqual([b]);
    expect(got.here.size).toBe(0);
  });

  it("treats the same id in another tenant as a different event", async () => {
    expect((await checkIds(registry([]), null, [c("t1", "e1", 0, 1), c("t2", "e1", 0, 2)])).elsewhere.size).toBe(0);
  });

  it("tells an id stored at another position (a resent copy) from one stored at its own (a re-delivery)", async () => {
    const reg = registry([
      { tenant: "t", event_id: "old", kafka_partition: 3, kafka_offset: 7 },
      { tenant: "t", event_id: "mine", kafka_partition: 0, kafka_offset: 5 },
    ]);
    const retry = c("t", "old", 0, 4);
    const redelivery = c("t", "mine", 0, 5);
    const fresh = c("t", "new", 0, 6);
    const got = await checkIds(reg, null, [retry, redelivery, fresh]);
    expect([...got.elsewhere]).toEqual([retry]);
    expect([...got.here]).toEqual([redelivery]);
  });

  it("drops a copy whose id another partition claimed first, even before the registry knows it", async () => {
    // A pure stand-in for Redis' SET NX: the first position to ask keeps the id.
    const held = new Map<string, Position>();
    const claims: IdClaims = {
      claim: (requests) =>
        Promise.resolve(
          requests.map((r) => {
            const k = `${r.tenant}/${r.id}`;
            if (!held.has(k)) held.set(k, { partition: r.partition, offset: r.offset });
            return held.get(k) as Position;
          }),
        ),
    };
    const onP0 = c("t", "x", 0, 10);
    const onP3 = c("t", "x", 3, 99);
    expect((await checkIds(registry([]), claims, [onP0])).elsewhere.size).toBe(0);
    expect([...(await checkIds(registry([]), claims, [onP3])).elsewhere]).toEqual([onP3]);
    // The first claimant, re-delivered after a crash, still finds its own claim.
    expect((await checkIds(registry([]), claims, [c("t", "x", 0, 10)])).elsewhere.size).toBe(0);
  });
});
