import type { FeedbackEvent } from "@pulse/contract";
import { eventPartitionKey } from "@pulse/contract";
import type { OutMessage } from "@pulse/kafka";
import type { Principal } from "./api-keys";

/** Version of the Kafka message envelope below (not of the event: that is `event.schemaVersion`). */
export const MESSAGE_VERSION = 1;

/**
 * What the collector writes to pulse.feedback.v1. The tenant and source are the API key's, never
 * the payload's; the key keeps one customer's events of one tenant on one partition, in order.
 */
export function toKafkaMessage(principal: Principal, receivedAt: Date, event: FeedbackEvent): OutMessage {
  return {
    key: eventPartitionKey(principal.tenant, event),
    value: JSON.stringify({ v: MESSAGE_VERSION, tenant: principal.tenant, source: principal.source, receivedAt: receivedAt.toISOString(), event }),
    headers: { "content-type": "application/json", "pulse-tenant": principal.tenant },
    timestamp: String(receivedAt.getTime()),
  };
}

/** The decoded message value (for consumers and tests). */
export interface CollectorMessage {
  v: typeof MESSAGE_VERSION;
  tenant: string;
  source: string;
  receivedAt: string;
  event: FeedbackEvent;
}
