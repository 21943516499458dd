import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { makeSampleEvent } from "@pulse/contract/fixtures";
import { createKafka, topicNames } from "@pulse/kafka";
import { silentLogger } from "@pulse/kit";
import { startPrivateKafka, type KafkaHandle } from "@pulse/local-stack";
import type { IngestAnswer } from "./answer";
import { IT_LIMITS, newTenant, startItCollector, type ItCollector } from "./test-support/integration";
import { startTopicReader } from "./test-support/kafka-reader";

// A broker of its own, stopped and started under a running collector.
const root = fileURLToPath(new URL("../../../", import.meta.url));
const topic = topicNames().feedback;
const IT_PRODUCE_TIMEOUT_MS = IT_LIMITS.produceTimeoutMs;
const t = newTenant("outage");
let broker: KafkaHandle;
let collector: ItCollector;

beforeAll(async () => {
  broker = await startPrivateKafka({ root });
  const admin = createKafka({ brokers: broker.brokers, clientId: "outage-admin", logger: silentLogger }).admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
  await admin.disconnect();
  collector = await startItCollector({
    brokers: broker.brokers,
    redisUrl: inject("stack").REDIS_URL,
    tenants: [t],
    kafka: { retries: 2, connectionTimeoutMs: 1000, requestTimeoutMs: 5000 },
  });
});

afterAll(async () => {
  await collector.close();
  await broker.stop();
});

async function send(events: unknown[]) {
  const r = await collector.app.inject({ method: "POST", url: "/v1/events", headers: { authorization: t.auth, "content-type": "application/json" }, payload: JSON.stringify(events) });
  return { status: r.statusCode, headers: r.headers, body: r.json<IngestAnswer & { code?: string }>() };
}

describe("Kafka outage", () => {
  it("answers 503 and accepts nothing while the broker is down, then recovers without a restart", async () => {
    const before = [makeSampleEvent("survey.response"), makeSampleEvent("call.completed")];
    expect((await send(before)).status).toBe(200);

    await broker.stop();
    const refusedMs: number[] = [];
    const during = Array.from({ length: 3 }, (_, i) => [makeSampleEvent("survey.response", { id: `outage-${t.tenant}-${i}` })]);
    for (const events of during) {
      const t0 = Date.now();
      const r = await send(events);
      expect(r.status).toBe(503);
      expect(r.body.code).toBe("kafka_unavailable");
      expect(Number(r.headers["retry-after"])).toBeGreaterThan(0);
      refusedMs.push(Date.now() - t0);
    }
    // The 503 comes from the producer giving up (not from the collector's own timeout), so no late delivery can follow it.
    expect(Math.max(...refusedMs)).toBeLessThan(IT_PRODUCE_TIMEOUT_MS);
    expect((await collector.app.inject({ method: "GET", url: "/readyz" })).statusCode).toBe(503);
    expect(await collector.metrics.metrics()).toMatch(/collector_kafka_unavailable_total\S* 3/);

    await broker.restart();
    // Same collector, same producer: it reconnects on its own (allow a few retries while the broker settles).
    const after = [makeSampleEvent("complaint.opened"), makeSampleEvent("contact.completed")];
    let recovered: Awaited<ReturnType<typeof send>> | undefined;
    let attempts = 0;
    const restartedAt = Date.now();
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      recovered = await send(after);
      attempts++;
      if (recovered.status === 200) break;
      expect(recovered.status).toBe(503);
      await new Promise((r) => setTimeout(r, 1000));
    }
    expect(recovered?.status).toBe(200);
    console.info(`outage: 503 after ${refusedMs.join(", ")} ms; recovered ${Date.now() - restartedAt} ms after the broker was ready (${attempts} attempt(s))`);
    expect(recovered?.body.accepted).toBe(2);
    expect((await collector.app.inject({ method: "GET", url: "/readyz" })).statusCode).toBe(200);

    // Events refused during the outage were never marked: they are accepted now, not "duplicate".
    const retried = await send(during.flat());
    expect(retried.body.results.map((r) => r.status)).toEqual(["accepted", "accepted", "accepted"]);

    const reader = await startTopicReader(createKafka({ brokers: broker.brokers, clientId: "outage-reader", logger: silentLogger }), topic);
    const all = await reader.caughtUp(60_000);
    await reader.stop();
    const ids = all.map((m) => m.message.event.id);
    // Exactly once each: before, after, and the outage events only from their successful retry.
    expect(ids.sort()).toEqual([...before, ...after, ...during.flat()].map((e) => e.id).sort());
  });
});
