import { KafkaJSAggregateError, KafkaJSConnectionError, KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError } from "kafkajs";
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
  /** A logger that keeps every line with its level (pino: debug = 20, warn = 40) instead of writing it. */
  function capturing() {
    const lines: { level: number; text: string }[] = [];
    const logger = createLogger("producer-test", "debug", {
      hooks: {
        logMethod(args, _method, level) {
          lines.push({ level, text: args.map((a) => (typeof a === "string" ? a : JSON.stringify(a))).join(" ") });
        },
      },
    });
    return { logger, lines };
  }

  it("creating producers logs no warning a user cannot act on (kafkajs's 'may invalidate EoS guarantees' is kept at debug)", async () => {
    const { logger, lines } = capturing();
    const kafka = createKafka({ brokers: ["127.0.0.1:1"], clientId: "producer-test", logger });
    const producer = createProducer(kafka, { instances: 2 });
    expect(lines.filter((l) => l.level >= 40)).toEqual([]);
    // The line is still there for whoever runs at debug: kafkajs logged it, the adapter demoted it.
    expect(lines.filter((l) => l.text.includes("Limiting retries for the idempotent producer may invalidate EoS guarantees")).map((l) => l.level)).toEqual([20, 20]);
    await producer.disconnect();
  });
});
