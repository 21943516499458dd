import { CompressionTypes, Partitioners, type Kafka, type Producer } from "kafkajs";
import { UnavailableError } from "@pulse/kit";

export interface OutMessage {
  key: string | Buffer | null;
  value: string | Buffer;
  headers?: Record<string, string>;
  /** Message timestamp (ms since epoch, as a string, as kafkajs wants it). */
  timestamp?: string;
}

export interface PulseProducer {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  /** Resolves once every message is acknowledged by all in-sync replicas (acks=all). */
  send(topic: string, messages: OutMessage[]): Promise<void>;
  readonly raw: Producer;
}

/**
 * The idempotent producer with acks=all: a retried send never writes a message twice to a
 * partition, and `send` resolves only when the broker has the batch. Any failure becomes an
 * `UnavailableError` (retry = true): callers answer 503, never a false "accepted".
 */
export function createProducer(kafka: Kafka, opts: { compression?: boolean } = {}): PulseProducer {
  const raw = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 5,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
    retry: { retries: 3, initialRetryTime: 100, maxRetryTime: 2000 },
  });
  let connected: Promise<void> | null = null;
  raw.on(raw.events.DISCONNECT, () => {
    connected = null;
  });
  const connect = () => {
    connected ??= raw.connect().catch((e: unknown) => {
      connected = null;
      throw e;
    });
    return connected;
  };
  return {
    raw,
    connect,
    disconnect: async () => {
      connected = null;
      await raw.disconnect();
    },
    async send(topic, messages) {
      if (messages.length === 0) return;
      try {
        await connect();
        await raw.send({
          topic,
          acks: -1,
          timeout: 10_000,
          compression: opts.compression === false ? CompressionTypes.None : CompressionTypes.GZIP,
          messages,
        });
      } catch (e) {
        throw new UnavailableError("kafka_unavailable", `Kafka did not acknowledge the events: ${e instanceof Error ? e.message : String(e)}`, 5, e);
      }
    },
  };
}
