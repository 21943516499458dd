import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { silentLogger } from "@pulse/kit";
import { createBatchConsumer, createKafka, createProducer, consumerLag, kafkaReachable, type Kafka } from "./index";

// Runs against the real broker the integration global setup started (Apache Kafka, KRaft).
const brokers = inject("stack").KAFKA_BROKERS.split(",");
const topic = `it.kafka.${randomUUID()}`;
let kafka: Kafka;

beforeAll(async () => {
  kafka = createKafka({ brokers, clientId: "kafka-adapter-test", logger: silentLogger });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
  await admin.disconnect();
});

describe("Kafka adapter against a real broker", () => {
  it("is reachable", async () => {
    expect(await kafkaReachable(kafka, topic)).toBe(true);
  });

  it("round-trips keyed messages through a consumer group and commits offsets manually", async () => {
    const producer = createProducer(kafka);
    const sent = Array.from({ length: 60 }, (_, i) => ({ key: `customer-${i % 7}`, value: JSON.stringify({ i }) }));
    await producer.send(topic, sent);
    await producer.disconnect();

    const groupId = `g-${randomUUID()}`;
    const received: { key: string; i: number; partition: number }[] = [];
    let resolveDone!: () => void;
    const done = new Promise<void>((r) => (resolveDone = r));
    const consumer = createBatchConsumer(kafka, {
      groupId,
      topics: [topic],
      eachBatch: async (payload) => {
        const { batch } = payload;
        for (const m of batch.messages) {
          received.push({ key: m.key?.toString() ?? "", i: (JSON.parse(m.value?.toString() ?? "{}") as { i: number }).i, partition: batch.partition });
          payload.resolveOffset(m.offset);
        }
        // autoCommit is off: offsets move only when the caller says its work is durable.
        await consumer.raw.commitOffsets([{ topic, partition: batch.partition, offset: String(BigInt(batch.lastOffset()) + 1n) }]);
        if (received.length >= sent.length) resolveDone();
      },
    });
    await consumer.start();
    await done;
    await consumer.stop();

    expect(received.map((r) => r.i).sort((a, b) => a - b)).toEqual(sent.map((_, i) => i));
    // Same key, same partition: one customer's events stay ordered.
    const partitionsOfKey = new Map<string, Set<number>>();
    for (const r of received) partitionsOfKey.set(r.key, (partitionsOfKey.get(r.key) ?? new Set()).add(r.partition));
    for (const set of partitionsOfKey.values()) expect(set.size).toBe(1);
    for (const key of partitionsOfKey.keys()) {
      const order = received.filter((r) => r.key === key).map((r) => r.i);
      expect(order).toEqual([...order].sort((a, b) => a - b));
    }
    const lag = await consumerLag(kafka, groupId, topic);
    expect(lag).toHaveLength(3);
    expect(lag.reduce((s, p) => s + p.high, 0n)).toBe(60n);
    expect(lag.every((p) => p.lag === 0n)).toBe(true);
  });

  it("turns an unreachable broker into a retryable kafka_unavailable error", async () => {
    const dead = createKafka({ brokers: ["127.0.0.1:1"], clientId: "dead", logger: silentLogger, retries: 0, connectionTimeoutMs: 300 });
    await expect(createProducer(dead).send(topic, [{ key: "k", value: "v" }])).rejects.toMatchObject({ code: "kafka_unavailable", retry: true, status: 503 });
  });
});

afterAll(async () => {
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
  await admin.disconnect();
});
