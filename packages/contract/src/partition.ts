import type { FeedbackEvent } from "./event";

/**
 * Kafka partition key: all events of one customer of one tenant land on one partition, in order
 * (FCR needs a customer's contacts in sequence). The tenant comes from the sender's API key,
 * never from the payload, hence the separate argument.
 */
export function eventPartitionKey(tenant: string, event: Pick<FeedbackEvent, "customer">): string {
  return `${tenant}:${event.customer.id}`;
}
