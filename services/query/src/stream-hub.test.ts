import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createMetricsRegistry, silentLogger } from "@pulse/kit";
import { createQueryMetrics } from "./metrics";
import { createStreamHub, type StreamMessage } from "./stream-hub";

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("stream hub", () => {
  it("runs one load per tick per channel, shared by all its subscribers, and pushes only changes", async () => {
    const metrics = createQueryMetrics(createMetricsRegistry("t", { defaults: false }));
    let version = 0;
    const loads: string[] = [];
    const hub = createStreamHub({
      intervalMs: 1000,
      metrics,
      logger: silentLogger,
      load: (spec) => {
        loads.push(String(spec));
        return Promise.resolve({ payload: { spec, version }, changeKey: `${version}` });
      },
    });
    const a: StreamMessage[] = [];
    const b: StreamMessage[] = [];
    const c: StreamMessage[] = [];
    const offA = hub.subscribe("k1", "one", (m) => a.push(m));
    await vi.advanceTimersByTimeAsync(0);
    const offB = hub.subscribe("k1", "one", (m) => b.push(m));
    const offC = hub.subscribe("k2", "two", (m) => c.push(m));
    expect(b).toHaveLength(1); // the latest payload at once
    await vi.advanceTimersByTimeAsync(3000);
    expect(loads.filter((l) => l === "one")).toHaveLength(4);
    expect(a).toHaveLength(1); // nothing changed: nothing pushed
    version = 1;
    await vi.advanceTimersByTimeAsync(1000);
    expect(a).toHaveLength(2);
    expect(b).toHaveLength(2);
    expect(JSON.parse(a[1]!.data)).toEqual({ spec: "one", version: 1 });
    expect(hub.channels()).toBe(2);
    offA();
    offB();
    offC();
    expect(hub.channels()).toBe(0);
    const before = loads.length;
    await vi.advanceTimersByTimeAsync(5000);
    expect(loads.length).toBe(before);
    expect((await metrics.streamTicks.get()).values[0]?.value).toBe(loads.length);
  });

  it("skips a tick while the previous load is still running and reports failures as problem events", async () => {
    const metrics = createQueryMetrics(createMetricsRegistry("t", { defaults: false }));
    let calls = 0;
    const hub = createStreamHub({
      intervalMs: 1000,
      metrics,
      logger: silentLogger,
      load: () => {
        calls++;
        return new Promise((_, reject) => setTimeout(() => reject(Object.assign(new Error("down"), { code: "clickhouse_unavailable" })), 2500));
      },
    });
    const got: StreamMessage[] = [];
    hub.subscribe("k", null, (m) => got.push(m));
    await vi.advanceTimersByTimeAsync(2600);
    expect(calls).toBe(1);
    expect(got[0]).toEqual({ event: "problem", data: JSON.stringify({ code: "clickhouse_unavailable", detail: "refresh failed; retrying" }) });
    hub.close();
  });
});
