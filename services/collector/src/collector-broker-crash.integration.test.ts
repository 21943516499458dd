import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, expect, inject, it } from "vitest";
import { makeSampleEvent } from "@pulse/contract/fixtures";
import { createKafka, topicNames } from "@pulse/kafka";
import { silentLogger } from "@pulse/kit";
import { startPrivateKafka, type KafkaHandle } from "@pulse/local-stack";
import type { IngestAnswer } from "./answer";
import { newTenant, startItCollector, type ItCollector } from "./test-support/integration";
import { startTopicReader } from "./test-support/kafka-reader";

/**
 * A broker SIGKILLed (not stopped) while requests are in flight: the same collector takes events
 * again once the broker is back, and every event it answered "accepted" is in the topic.
 * `pnpm chaos` once saw the producer refuse every send after such a kill
 * (OUT_OF_ORDER_SEQUENCE_NUMBER); this test did not reproduce that state in-process, the unit test
 * of `isFatalProducerError` and the chaos run cover the fix.
 */
const root = fileURLToPath(new URL("../../../", import.meta.url));
const topic = topicNames().feedback;
const t = newTenant("crash");
let broker: KafkaHandle;
let collector: ItCollector;

beforeAll(async () => {
  broker = await startPrivateKafka({ root });
  const admin = createKafka({ brokers: broker.brokers, clientId: "crash-admin", logger: silentLogger }).admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
  await admin.disconnect();
  collector = await startItCollector({ brokers: broker.brokers, redisUrl: inject("stack").REDIS_URL, tenants: [t], kafka: { requestTimeoutMs: 10_000 } });
});

afterAll(async () => {
  await collector?.close();
  await broker?.stop();
});

async function send(events: unknown[]) {
  const r = await collector.app.inject({ method: "POST", url: "/v1/events", headers: { authorization: t.auth, "content-type": "application/json" }, payload: JSON.stringify(events) });
  return { status: r.statusCode, body: r.json<IngestAnswer & { code?: string }>() };
}

it("recovers by itself after the broker is killed with sends in flight; every accepted event is in Kafka", async () => {
  const accepted = new Set<string>();
  let seq = 0;
  let running = true;
  // Twelve senders keep requests in flight all the time, as a busy collector has.
  const senders = Array.from({ length: 12 }, async () => {
    while (running) {
      const events = Array.from({ length: 50 }, () => makeSampleEvent("survey.response", { id: `${t.tenant}-${seq++}` }));
      const r = await send(events);
      if (r.status === 200) for (const e of events) accepted.add(e.id);
      else await new Promise((res) => setTimeout(res, 100));
    }
  });
  await new Promise((r) => setTimeout(r, 1500));
  await broker.kill();
  await new Promise((r) => setTimeout(r, 2000));
  await broker.restart();
  const restarted = Date.now();
  const before = accepted.size;
  // The same collector must take events again without a restart.
  while (accepted.size === before && Date.now() - restarted < 60_000) await new Promise((r) => setTimeout(r, 200));
  running = false;
  await Promise.all(senders);
  expect(accepted.size, "no event accepted within 60 s of the broker's restart").toBeGreaterThan(before);
  expect((await send([makeSampleEvent("call.completed")])).status).toBe(200);

  const reader = await startTopicReader(createKafka({ brokers: broker.brokers, clientId: "crash-reader", logger: silentLogger }), topic);
  const inTopic = new Set((await reader.caughtUp(60_000)).map((m) => m.message.event.id));
  await reader.stop();
  const missing = [...accepted].filter((id) => !inTopic.has(id));
  expect(missing).toEqual([]);
});
