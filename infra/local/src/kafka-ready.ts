import { Kafka, logLevel } from "kafkajs";
import { PulseError } from "@pulse/kit";
import type { ServerProcess } from "./child-process";
import { quoteTail } from "./log-tail";
import { sleep } from "./net";

/** One readiness probe: metadata answers and the group coordinator is loaded. Throws otherwise. */
export async function probeKafka(brokers: string[]): Promise<void> {
  const kafka = new Kafka({
    clientId: "pulse-local-stack-probe",
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1_000,
    requestTimeout: 5_000,
    retry: { retries: 0 },
  });
  const admin = kafka.admin();
  // connect() of an idempotent producer is InitProducerId, which fails while the broker has no
  // producer-id block yet; like the consumer-group check below, it keeps "ready" honest.
  const producer = kafka.producer({
    idempotent: true,
    retry: { retries: 1, initialRetryTime: 100 },
  });
  try {
    await admin.connect();
    await admin.listTopics();
    // FindCoordinator creates __consumer_offsets; waiting for it here means the first consumer
    // group of a test does not spend its first seconds on "coordinator not available".
    await admin.describeGroups(["pulse-local-stack-probe"]);
    await producer.connect();
  } finally {
    await producer.disconnect().catch(() => {});
    await admin.disconnect().catch(() => {});
  }
}

export interface WaitKafkaOptions {
  brokers: string[];
  timeoutMs: number;
  logFile: string;
  /** When we started the broker: its early exit ends the wait at once. */
  process?: ServerProcess;
}

export async function waitForKafka(opts: WaitKafkaOptions): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    const status = opts.process?.exitStatus();
    if (status !== undefined) {
      throw new PulseError(
        "kafka_exited",
        `kafka: the broker exited (${status}) before it was ready.\n${quoteTail(opts.logFile)}`,
      );
    }
    try {
      await probeKafka(opts.brokers);
      return;
    } catch (e) {
      last = e;
      await sleep(250);
    }
  }
  const reason = last instanceof Error ? last.message : String(last);
  throw new PulseError(
    "kafka_not_ready",
    `kafka: ${opts.brokers.join(",")} not ready after ${opts.timeoutMs / 1000}s (last error: ${reason}).\n${quoteTail(opts.logFile)}`,
    { retry: true },
  );
}
