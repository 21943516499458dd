import { KafkaJSAggregateError, KafkaJSConnectionError, KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError, Partitioners } from "kafkajs";
import { createLogger } from "@pulse/kit";
import { describe, expect, it } from "vitest";
import { createKafka } from "./client";
import { createProducer, isFatalProducerError } from "./producer";

// kafkajs builds a protocol error from the broker's error entry (type, code, retriable, message).
const protocol = (type: string, code: number) => new KafkaJSProtocolError({ type, code, retriable: false, message: type } as unknown as Error);

describe("isFatalProducerError (when the idempotent producer must be replaced)", () => {
  it("recognises the broker's out-of-order sequence answer, bare or wrapped by retries and batches", () => {
    const outOfOrder = protocol("OUT_OF_ORDER_SEQUENCE_NUMBER", 45);
    expect(isFatalProducerError(outOfOrder)).toBe(true);
    expect(isFatalProducerError(new KafkaJSNumberOfRetriesExceeded(outOfOrder, { retryCount: 3, retryTime: 100 }))).toBe(true);
    expect(isFatalProducerError(new KafkaJSAggregateError("batch failed", [new Error("other"), outOfOrder]))).toBe(true);
    expect(isFatalProducerError(protocol("UNKNOWN_PRODUCER_ID", 59))).toBe(true);
    expect(isFatalProducerError(protocol("INVALID_PRODUCER_EPOCH", 47))).toBe(true);
  });

  it("leaves transient failures alone (the same producer retries them)", () => {
    expect(isFatalProducerError(new KafkaJSConnectionError("connect ECONNREFUSED"))).toBe(false);
    expect(isFatalProducerError(protocol("NOT_LEADER_FOR_PARTITION", 6))).toBe(false);
    expect(isFatalProducerError(new KafkaJSNumberOfRetriesExceeded(new KafkaJSConnectionError("timeout"), { retryCount: 3, retryTime: 100 }))).toBe(false);
    expect(isFatalProducerError("OUT_OF_ORDER_SEQUENCE_NUMBER")).toBe(false);
    expect(isFatalProducerError(undefined)).toBe(false);
  });
});

describe("createProducer's start-up", () => {
  /** A logger that keeps what is logged at warn and above (pino: warn = 40) instead of writing it. */
  function capturing() {
    const warnings: string[] = [];
    const logger = createLogger("producer-test", "debug", {
      hooks: {
        logMethod(args, _method, level) {
          if (level >= 40) warnings.push(args.map((a) => (typeof a === "string" ? a : JSON.stringify(a))).join(" "));
        },
      },
    });
    return { logger, warnings };
  }

  it("creating producers logs no warning a user cannot act on (kafkajs's 'may invalidate EoS guarantees')", async () => {
    const { logger, warnings } = capturing();
    const kafka = createKafka({ brokers: ["127.0.0.1:1"], clientId: "producer-test", logger });
    const producer = createProducer(kafka, { instances: 2 });
    expect(warnings).toEqual([]);
    // The capture sees kafkajs's warnings: a producer configured as ours used to be logs it.
    kafka.producer({ idempotent: true, createPartitioner: Partitioners.DefaultPartitioner, retry: { retries: 3 } });
    expect(warnings).toEqual([expect.stringContaining("Limiting retries for the idempotent producer may invalidate EoS guarantees")]);
    await producer.disconnect();
  });
});
