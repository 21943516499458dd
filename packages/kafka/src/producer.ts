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
  /** How many times the idempotent producer was replaced after a fatal sequence error. */
  readonly resets: number;
}

/**
 * Broker answers after which an idempotent producer's id and sequence numbers are no good any
 * more: kafkajs keeps sending with them, and every later send fails the same way. Seen under
 * `pnpm chaos` after a broker SIGKILL with sends in flight (OUT_OF_ORDER_SEQUENCE_NUMBER on
 * every send until the process was restarted).
 */
const FATAL_PRODUCER_ERRORS = new Set(["OUT_OF_ORDER_SEQUENCE_NUMBER", "UNKNOWN_PRODUCER_ID", "INVALID_PRODUCER_EPOCH", "INVALID_PRODUCER_ID_MAPPING"]);

/** True when `e`, or an error it wraps (kafkajs nests them in `cause`, `originalError`, `errors`), is fatal to the producer id. */
export function isFatalProducerError(e: unknown, depth = 0): boolean {
  if (depth > 5 || typeof e !== "object" || e === null) return false;
  const err = e as { type?: unknown; cause?: unknown; originalError?: unknown; errors?: unknown };
  if (typeof err.type === "string" && FATAL_PRODUCER_ERRORS.has(err.type)) return true;
  const nested = [err.cause, err.originalError, ...(Array.isArray(err.errors) ? (err.errors as unknown[]) : [])];
  return nested.some((n) => isFatalProducerError(n, depth + 1));
}

/**
 * The idempotent producer with acks=all: a retried send never writes a message twice to a
 * partition, and `send` resolves only when the broker has the batch. Any failure becomes an
 * `UnavailableError` (retry = true): callers answer 503, never a false "accepted".
 */
export function createProducer(kafka: Kafka, opts: { compression?: boolean } = {}): PulseProducer {
  const make = (): Producer => {
    const p = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 5,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
      retry: { retries: 3, initialRetryTime: 100, maxRetryTime: 2000 },
    });
    p.on(p.events.DISCONNECT, () => {
      if (raw === p) connected = null;
    });
    return p;
  };
  let connected: Promise<void> | null = null;
  let raw: Producer = make();
  let resets = 0;
  // A new producer gets a new producer id from the broker, so its sequence numbers start afresh.
  // The sends that failed were answered 503 (never "accepted"); if some of their messages did
  // reach the log, the sender's retry makes a duplicate that the worker drops by event id.
  const replace = (failed: Producer) => {
    if (raw !== failed) return;
    resets++;
    connected = null;
    raw = make();
    failed.disconnect().catch(() => undefined);
  };
  const connect = () => {
    connected ??= raw.connect().catch((e: unknown) => {
      connected = null;
      throw e;
    });
    return connected;
  };
  return {
    get resets() {
      return resets;
    },
    connect,
    disconnect: async () => {
      connected = null;
      await raw.disconnect();
    },
    async send(topic, messages) {
      if (messages.length === 0) return;
      const producer = raw;
      try {
        await connect();
        await producer.send({
          topic,
          acks: -1,
          timeout: 10_000,
          compression: opts.compression === false ? CompressionTypes.None : CompressionTypes.GZIP,
          messages,
        });
      } catch (e) {
        if (isFatalProducerError(e)) replace(producer);
        throw new UnavailableError("kafka_unavailable", `Kafka did not acknowledge the events: ${e instanceof Error ? e.message : String(e)}`, 5, e);
      }
    },
  };
}
