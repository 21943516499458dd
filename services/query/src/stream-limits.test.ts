import { Writable } from "node:stream";
import { describe, expect, it, vi } from "vitest";
import { createMetricsRegistry, silentLogger } from "@pulse/kit";
import { createQueryMetrics } from "./metrics";
import { createStreamHub, StreamLimitError } from "./stream-hub";

function hub(limits = {}, intervalMs = 1_000_000) {
  const registry = createMetricsRegistry("t", { defaults: false });
  let version = 0;
  const h = createStreamHub({
    intervalMs,
    metrics: createQueryMetrics(registry),
    logger: silentLogger,
    limits: {
      maxChannels: 3,
      maxChannelsPerTenant: 2,
      maxSubscribersPerClient: 2,
      maxBufferedBytes: 64 * 1024,
      ...limits,
    },
    load: () =>
      Promise.resolve({
        payload: { big: "x".repeat(40 * 1024), v: version++ },
        changeKey: String(version),
      }),
  });
  return { h, registry };
}

describe("stream limits", () => {
  it("limits channels per tenant, in total and streams per client, naming the limit", async () => {
    const { h, registry } = hub();
    const who = (tenant: string, client: string) => ({ tenant, client });
    const open = (key: string, w: ReturnType<typeof who>) => {
      h.admit(key, w);
      return h.subscribe(key, key, () => undefined, w);
    };
    open("a1", who("a", "1.1.1.1"));
    open("a2", who("a", "1.1.1.2"));
    expect(() => h.admit("a3", who("a", "1.1.1.3"))).toThrow(StreamLimitError);
    try {
      h.admit("a3", who("a", "1.1.1.3"));
    } catch (e) {
      expect(e).toMatchObject({
        status: 429,
        code: "stream_limit",
        details: { limit: "channels_per_tenant", max: 2 },
      });
    }
    // Joining an existing channel costs no query: allowed even at the tenant's channel limit.
    open("a1", who("a", "1.1.1.3"));
    const offB = open("b1", who("b", "2.2.2.2"));
    expect(() => h.admit("c1", who("c", "3.3.3.3"))).toThrow(/at most 3 live channels in total/);
    open("b1", who("b", "2.2.2.2"));
    expect(() => h.admit("b1", who("b", "2.2.2.2"))).toThrow(
      /at most 2 open streams from this client/,
    );
    offB();
    h.admit("b1", who("b", "2.2.2.2"));
    const text = await registry.metrics();
    expect(text).toMatch(/pulse_query_stream_rejected_total\{limit="channels_per_tenant"[^}]*\} [1-9]/);
    expect(text).toMatch(/pulse_query_stream_rejected_total\{limit="channels"[^}]*\} 1/);
    expect(text).toMatch(/pulse_query_stream_rejected_total\{limit="subscribers_per_client"[^}]*\} 1/);
    h.close();
  });

  it("drops a subscriber that does not read once its unsent bytes pass the bound; a reader keeps going", async () => {
    const { h, registry } = hub({}, 20);
    // A real Writable that never completes a write: what a client that never reads looks like.
    const stalled = new Writable({ highWaterMark: 1024, write: () => undefined });
    const reading = new Writable({ write: (_c, _e, cb) => cb() });
    const sendTo = (w: Writable) => (m: { event: string; data: string }) =>
      void w.write(`event: ${m.event}\ndata: ${m.data}\n\n`);
    let dropped = 0;
    let readerDropped = 0;
    let received = 0;
    const offStalled = h.subscribe("k", "k", sendTo(stalled), {
      tenant: "a",
      client: "1",
      buffered: () => stalled.writableLength,
      drop: () => {
        dropped++;
        offStalled();
      },
    });
    h.subscribe(
      "k",
      "k",
      (m) => {
        received++;
        sendTo(reading)(m);
      },
      {
        tenant: "a",
        client: "2",
        buffered: () => reading.writableLength,
        drop: () => readerDropped++,
      },
    );
    // Every tick pushes a changed 40 KB payload: the stalled buffer passes 64 KB on the second.
    await vi.waitFor(() => expect(dropped).toBe(1), { timeout: 10_000, interval: 10 });
    expect(stalled.writableLength).toBeGreaterThan(64 * 1024);
    const before = received;
    await vi.waitFor(() => expect(received).toBeGreaterThan(before + 2), {
      timeout: 10_000,
      interval: 10,
    });
    expect(readerDropped).toBe(0);
    expect(dropped).toBe(1); // gone from the channel: no more writes into its buffer
    expect(await registry.metrics()).toMatch(
      /pulse_query_stream_dropped_total\{reason="slow_client"[^}]*\} 1/,
    );
    h.close();
  });
});
