import { Kafka, logLevel, type KafkaConfig, type LogEntry } from "kafkajs";
import type { Logger } from "@pulse/kit";

export interface KafkaClientConfig {
  brokers: string[];
  clientId: string;
  logger: Logger;
  /** Connection timeout per broker; short so a dead broker turns into a quick 503, not a hang. */
  connectionTimeoutMs?: number;
  requestTimeoutMs?: number;
  retries?: number;
}

const LEVELS: Record<number, "error" | "warn" | "info" | "debug"> = {
  [logLevel.ERROR]: "error",
  [logLevel.WARN]: "warn",
  [logLevel.INFO]: "info",
  [logLevel.DEBUG]: "debug",
};

/** kafkajs with its logs routed into our structured logger. */
export function createKafka(config: KafkaClientConfig): Kafka {
  const base = config.logger.child({ component: "kafkajs" });
  const kafkaConfig: KafkaConfig = {
    clientId: config.clientId,
    brokers: config.brokers,
    connectionTimeout: config.connectionTimeoutMs ?? 3000,
    requestTimeout: config.requestTimeoutMs ?? 30000,
    retry: { retries: config.retries ?? 5, initialRetryTime: 200, maxRetryTime: 5000 },
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, label, log }: LogEntry) => {
        const { message, ...extra } = log;
        // kafkajs warns "Limiting retries for the idempotent producer may invalidate EoS guarantees"
        // at every producer. Pulse bounds the retries on purpose (producer.ts, SEND_RETRIES) and its
        // exactly-once does not rest on Kafka EoS (the worker drops resent ids), so an operator
        // cannot act on the line: it is kept, at debug level.
        const method = typeof message === "string" && message.startsWith("Limiting retries for the idempotent producer") ? "debug" : (LEVELS[level] ?? "info");
        base[method]({ kafkaLevel: label, ...extra }, message);
      },
  };
  return new Kafka(kafkaConfig);
}
