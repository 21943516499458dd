import { Redis } from "ioredis";
import { describe, expect, inject, it } from "vitest";
import { isPortOpen, freePort } from "./net";
import { ensureRedis, pingRedis } from "./redis";

describe("redis", () => {
  it("the stack's REDIS_URL answers PING and keeps values", async () => {
    const url = inject("stack").REDIS_URL;
    const client = new Redis(url);
    try {
      expect(await client.ping()).toBe("PONG");
      await client.set("local-stack:test", "1", "EX", 60);
      expect(await client.get("local-stack:test")).toBe("1");
    } finally {
      client.disconnect();
    }
  });

  it("reuses a Redis that already answers and does not stop it", async () => {
    const url = inject("stack").REDIS_URL;
    const handle = await ensureRedis(url, { progress: () => {} });
    expect(handle.started).toBe(false);
    await handle.stop();
    expect(await pingRedis(url)).toBe(true);
  });

  it("starts redis-server when nothing answers on a local port, and stops only that", async () => {
    const port = await freePort();
    const url = `redis://127.0.0.1:${port}`;
    expect(await pingRedis(url)).toBe(false);
    const handle = await ensureRedis(url, { progress: () => {} });
    try {
      expect(handle.started).toBe(true);
      expect(await pingRedis(url)).toBe(true);
    } finally {
      await handle.stop();
    }
    expect(await isPortOpen(port)).toBe(false);
  });
});
