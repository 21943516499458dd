import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, inject, it } from "vitest";
import { createRedis } from "@pulse/redis";
import { CLAIM_SECONDS, createRedisIdClaims } from "./id-claims";

const stack = inject("stack");
const redis = createRedis({ url: stack.REDIS_URL, keyPrefix: `it:claims:${randomUUID()}:` });
afterAll(() => redis.disconnect());

describe("id claims in Redis", () => {
  it("the first position to claim an id keeps it; every later claimant is told that position", async () => {
    const claims = createRedisIdClaims(redis);
    const first = await claims.claim([
      { tenant: "t1", id: "a", partition: 0, offset: "10" },
      { tenant: "t1", id: "b", partition: 0, offset: "11" },
    ]);
    expect(first).toEqual([
      { partition: 0, offset: "10" },
      { partition: 0, offset: "11" },
    ]);
    const second = await claims.claim([
      { tenant: "t1", id: "a", partition: 3, offset: "7" }, // a copy on another partition
      { tenant: "t2", id: "a", partition: 3, offset: "8" }, // the same id of another tenant is another event
      { tenant: "t1", id: "b", partition: 0, offset: "11" }, // the holder asking again finds its own claim
    ]);
    expect(second).toEqual([
      { partition: 0, offset: "10" },
      { partition: 3, offset: "8" },
      { partition: 0, offset: "11" },
    ]);
    const ttl = await redis.ttl("claim:t1/a");
    expect(ttl).toBeGreaterThan(CLAIM_SECONDS - 60);
    expect(ttl).toBeLessThanOrEqual(CLAIM_SECONDS);
  });

  it("an expired claim is taken by the next position that asks", async () => {
    const claims = createRedisIdClaims(redis);
    await claims.claim([{ tenant: "t1", id: "c", partition: 1, offset: "1" }]);
    await redis.del("claim:t1/c");
    expect(await claims.claim([{ tenant: "t1", id: "c", partition: 2, offset: "5" }])).toEqual([{ partition: 2, offset: "5" }]);
    expect(await redis.get("claim:t1/c")).toBe("2@5");
  });
});
