import { describe, expect, it } from "vitest";
import { findDuplicates, type Candidate } from "./dedup";

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
    expect([...(await findDuplicates(registry([]), [a, b]))]).toEqual([b]);
  });

  it("treats the same id in another tenant as a different event", async () => {
    expect((await findDuplicates(registry([]), [c("t1", "e1", 0, 1), c("t2", "e1", 0, 2)])).size).toBe(0);
  });

  it("drops an id already stored at another position, keeps a re-delivery of the same message", async () => {
    const reg = registry([
      { tenant: "t", event_id: "old", kafka_partition: 3, kafka_offset: 7 },
      { tenant: "t", event_id: "mine", kafka_partition: 0, kafka_offset: 5 },
    ]);
    const retry = c("t", "old", 0, 4);
    const redelivery = c("t", "mine", 0, 5);
    const fresh = c("t", "new", 0, 6);
    const dups = await findDuplicates(reg, [retry, redelivery, fresh]);
    expect([...dups]).toEqual([retry]);
  });
});
