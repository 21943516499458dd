import { eventPartitionKey, type FeedbackEvent } from "@pulse/contract";
import type { OutMessage } from "@pulse/kafka";

/**
 * One event as the collector puts it on pulse.feedback.v1 (the worker's `decodeMessage` reads it):
 * value {"v":1,"tenant","source","receivedAt","event"}, key = tenant:customer so one customer's
 * events stay ordered on one partition.
 */
export function toWireMessage(tenant: string, source: string, receivedAt: string, event: FeedbackEvent): OutMessage {
  return {
    key: eventPartitionKey(tenant, event),
    value: JSON.stringify({ v: 1, tenant, source, receivedAt, event }),
  };
}
