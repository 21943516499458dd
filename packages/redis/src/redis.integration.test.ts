import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, inject, it } from "vitest";
import { createQueueFactory, createRedis, redisReady } from "./index";

// The real Redis (127.0.0.1:6379 when it answers, else one the global setup started).
const url = inject("stack").REDIS_URL;
const prefix = `it:${randomUUID()}:`;
const redis = createRedis({ url, keyPrefix: prefix });

afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys.map((k) => k.slice(prefix.length)));
  redis.disconnect();
});

describe("Redis adapter", () => {
  it("sets and gets under the key prefix", async () => {
    await redisReady(redis);
    await redis.set("a", "1", "EX", 60);
    expect(await redis.get("a")).toBe("1");
    const raw = createRedis({ url });
    expect(await raw.get(`${prefix}a`)).toBe("1");
    raw.disconnect();
  });

  it("runs a BullMQ job round trip with progress and a result", async () => {
    const queues = createQueueFactory({ redis: { url }, prefix: `it-bull-${randomUUID()}` });
    const name = "roundtrip";
    const queue = queues.queue<{ n: number }, { doubled: number }>(name);
    const events = queues.events(name);
    const progress: number[] = [];
    const worker = queues.worker<{ n: number }, { doubled: number }>(name, async (job) => {
      await job.updateProgress(50);
      return { doubled: job.data.n * 2 };
    });
    events.on("progress", ({ data }) => progress.push(Number(data)));
    await events.waitUntilReady();
    const job = await queue.add("double", { n: 21 });
    const result = await job.waitUntilFinished(events, 30_000);
    expect(result).toEqual({ doubled: 42 });
    expect((await queue.getJob(job.id ?? ""))?.returnvalue).toEqual({ doubled: 42 });
    await worker.close();
    await events.close();
    await queue.obliterate({ force: true });
    await queue.close();
    expect(progress).toContain(50);
  });
});
