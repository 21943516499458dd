import { describe, expect, it } from "vitest";
import type { OutMessage } from "@pulse/kafka";
import { createProduceBatcher } from "./produce-batcher";
import { FakeProducer } from "./test-support/fakes";

const msg = (i: number, size = 10): OutMessage => ({ key: `k${i}`, value: "x".repeat(size) });

// Pure checks of the coalescing logic; Kafka's acknowledgement semantics are tested against the real broker.
describe("produce batcher", () => {
  it("coalesces concurrent requests into one send, in arrival order", async () => {
    const p = new FakeProducer();
    const b = createProduceBatcher({ producer: p, topic: "t", lingerMs: 2, maxSendBytes: 1_000_000 });
    await Promise.all([b.send([msg(1), msg(2)]), b.send([msg(3)]), b.send([msg(4)])]);
    expect(p.sent).toHaveLength(1);
    expect(p.sent[0]?.messages.map((m) => m.key)).toEqual(["k1", "k2", "k3", "k4"]);
  });

  it("queues requests arriving while a send is in flight into the next send", async () => {
    const p = new FakeProducer();
    const b = createProduceBatcher({ producer: p, topic: "t", lingerMs: 0, maxSendBytes: 1_000_000 });
    const first = b.send([msg(1)]);
    await new Promise((r) => setImmediate(r));
    await Promise.all([first, b.send([msg(2)]), b.send([msg(3)])]);
    expect(p.sent.map((s) => s.messages.length)).toEqual([1, 2]);
  });

  it("splits a large request into sends below maxSendBytes", async () => {
    const p = new FakeProducer();
    const b = createProduceBatcher({ producer: p, topic: "t", lingerMs: 0, maxSendBytes: 1000 });
    await b.send(Array.from({ length: 20 }, (_, i) => msg(i, 200)));
    expect(p.sent.length).toBeGreaterThan(4);
    expect(p.sent.flatMap((s) => s.messages.map((m) => m.key))).toEqual(Array.from({ length: 20 }, (_, i) => `k${i}`));
  });

  it("rejects every request of a failed send and recovers for the next", async () => {
    const p = new FakeProducer();
    const b = createProduceBatcher({ producer: p, topic: "t", lingerMs: 1, maxSendBytes: 1_000_000 });
    p.failWith = new Error("down");
    const results = await Promise.allSettled([b.send([msg(1)]), b.send([msg(2)])]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    p.failWith = undefined;
    await b.send([msg(3)]);
    expect(p.messages.map((m) => m.key)).toEqual(["k3"]);
    await b.drain();
  });
});

describe("produce batcher without coalescing", () => {
  it("gives every request its own send", async () => {
    const p = new FakeProducer();
    const b = createProduceBatcher({ producer: p, topic: "t", lingerMs: 5, maxSendBytes: 1_000_000, coalesce: false });
    await Promise.all([b.send([msg(1)]), b.send([msg(2)]), b.send([msg(3)])]);
    expect(p.sent.map((s) => s.messages.length)).toEqual([1, 1, 1]);
  });
});
