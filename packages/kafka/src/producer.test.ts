import { KafkaJSAggregateError, KafkaJSConnectionError, KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError } from "kafkajs";
import { describe, expect, it } from "vitest";
import { isFatalProducerError } from "./producer";

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
