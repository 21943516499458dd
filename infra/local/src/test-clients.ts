import { Kafka, logLevel, Partitioners } from "kafkajs";

/** kafkajs client for integration tests: quiet unless something is really wrong. */
export function testKafka(brokers: string[], clientId: string): Kafka {
  return new Kafka({ clientId, brokers, logLevel: logLevel.ERROR, retry: { retries: 8 } });
}

export const defaultPartitioner = Partitioners.DefaultPartitioner;

/** Unique per test run, so reruns against a reused broker never read old messages. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
}
