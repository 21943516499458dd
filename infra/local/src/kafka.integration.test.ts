import type { EachMessagePayload } from "kafkajs";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createKafka, declaredTopics, ensureTopics } from "@pulse/kafka";
import { silentLogger } from "@pulse/kit";
import { defaultPartitioner, testKafka, uniqueName } from "./test-clients";

const brokers = inject("stack").KAFKA_BROKERS.split(",");
const kafka = testKafka(brokers, "local-stack-kafka-test");
const admin = kafka.admin();

beforeAll(() => admin.connect());
afterAll(() => admin.disconnect());

describe("test broker (Kafka 3.9.1, KRaft) with kafkajs 2.2.4", () => {
  it("the stack created the topics of infra/kafka/topics.json; a second apply changes nothing", async () => {
    const meta = await admin.fetchTopicMetadata({
      topics: ["pulse.feedback.v1", "pulse.feedback.dlq.v1"],
    });
    expect(Object.fromEntries(meta.topics.map((t) => [t.name, t.partitions.length]))).toEqual({
      "pulse.feedback.v1": 6,
      "pulse.feedback.dlq.v1": 3,
    });
    const configs = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: 2, name: "pulse.feedback.dlq.v1", configNames: ["retention.ms"] }],
    });
    expect(configs.resources[0]?.configEntries[0]?.configValue).toBe("2592000000");
    // The stack applied the declaration through @pulse/kafka's ensureTopics: a second apply is a no-op.
    const client = createKafka({ brokers, clientId: "local-stack-kafka-test", logger: silentLogger });
    expect(await ensureTopics(client, declaredTopics())).toEqual([]);
  });

  it("round-trips messages through a consumer group (idempotent producer, acks=all)", async () => {
    const topic = uniqueName("local-stack.roundtrip");
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
    const producer = kafka.producer({ idempotent: true, createPartitioner: defaultPartitioner });
    const consumer = kafka.consumer({ groupId: uniqueName("local-stack-group") });
    await producer.connect();
    await consumer.connect();
    try {
      const sent = Array.from({ length: 30 }, (_, i) => ({
        key: `customer-${i % 7}`,
        value: JSON.stringify({ i }),
      }));
      await producer.send({ topic, acks: -1, messages: sent });

      await consumer.subscribe({ topic, fromBeginning: true });
      const received: { key: string; value: string; partition: number }[] = [];
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`only ${received.length}/30 messages arrived`)),
          30_000,
        );
        void consumer.run({
          eachMessage: ({ message, partition }: EachMessagePayload) => {
            received.push({
              key: message.key!.toString(),
              value: message.value!.toString(),
              partition,
            });
            if (received.length === sent.length) {
              clearTimeout(timer);
              resolve();
            }
            return Promise.resolve();
          },
        });
      });
      expect(
        received
          .map((m) => JSON.parse(m.value) as { i: number })
          .map((v) => v.i)
          .sort((a, b) => a - b),
      ).toEqual(sent.map((_, i) => i));
      // Same key, same partition: the ordering unit the worker relies on.
      const partitionsOfKey = new Set(
        received.filter((m) => m.key === "customer-3").map((m) => m.partition),
      );
      expect(partitionsOfKey.size).toBe(1);
    } finally {
      await consumer.disconnect();
      await producer.disconnect();
    }
  });
});
