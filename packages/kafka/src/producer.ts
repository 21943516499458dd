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
  /** How many times an idempotent producer was replaced after a fatal sequence error or a timed-out send. */
  readonly resets: number;
  /** Sends that can be in flight at once (ProducerOptions.instances). */
  readonly concurrency: number;
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

export interface ProducerOptions {
  /** GZIP record batches (default true). */
  compression?: boolean;
  /**
   * Independent idempotent producers behind this one (default 1). kafkajs holds a lock per broker
   * for the whole round trip of an idempotent send (encode, compress, broker append, answer), so
   * one producer has at most one request in flight per broker. With N, up to N sends proceed at
   * once, each with its own producer id and sequence numbers, so each stays exactly-once per
   * partition; a send's messages keep their order (one send goes through one producer), sends
   * running at the same time have no order between them (as concurrent requests never had).
   */
  instances?: number;
}

/**
 * kafkajs's retries of one send (same sequence numbers, so a retry never duplicates). Bounded, as
 * Pulse has always run it: a send that still fails is answered 503 and its sender's retry is a new
 * send that may duplicate, which the worker drops by event id. Unlimited retries (kafkajs's wish for
 * an idempotent producer, bounded only by `sendTimeoutMs`) were tried: a CI run of the broker-crash
 * test then found 150 acknowledged events missing from the topic, so they were taken back. kafkajs
 * warns about bounded retries at every producer; the Kafka client's log adapter (client.ts) keeps
 * that one line at debug level, with the reason.
 */
const SEND_RETRIES = 3;

/**
 * The idempotent producer with acks=all: a retried send never writes a message twice to a
 * partition, and `send` resolves only when the broker has the batch. Any failure becomes an
 * `UnavailableError` (retry = true): callers answer 503, never a false "accepted".
 *
 * A send that has not succeeded within `sendTimeoutMs` (default 10 s; kafkajs usually gives up
 * first, after its bounded retries) fails, and its producer is replaced: the old one
 * is disconnected, which ends its pending retries, so an outage cannot pile up sends in memory.
 * This is the producer's delivery timeout (Kafka's Java client has delivery.timeout.ms for it).
 */
export function createProducer(kafka: Kafka, opts: ProducerOptions & { sendTimeoutMs?: number } = {}): PulseProducer {
  const instances = Math.max(1, Math.floor(opts.instances ?? 1));
  const sendTimeoutMs = opts.sendTimeoutMs ?? 10_000;
  let resets = 0;
  const slots = Array.from({ length: instances }, () => createSlot(kafka, opts, sendTimeoutMs, () => resets++));
  let next = 0;
  return {
    get resets() {
      return resets;
    },
    concurrency: instances,
    connect: async () => {
      await Promise.all(slots.map((s) => s.connect()));
    },
    disconnect: async () => {
      await Promise.all(slots.map((s) => s.disconnect()));
    },
    send(topic, messages) {
      if (messages.length === 0) return Promise.resolve();
      // The least busy producer; ties go round-robin so every producer id stays in use.
      let best = slots[next % slots.length] as Slot;
      for (let i = 1; i < slots.length; i++) {
        const s = slots[(next + i) % slots.length] as Slot;
        if (s.inFlight < best.inFlight) best = s;
      }
      next++;
      return best.send(topic, messages);
    },
  };
}

interface Slot {
  inFlight: number;
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  send(topic: string, messages: OutMessage[]): Promise<void>;
}

function createSlot(kafka: Kafka, opts: ProducerOptions, sendTimeoutMs: number, onReset: () => void): Slot {
  const make = (): Producer => {
    const p = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 5,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
      retry: { retries: SEND_RETRIES, initialRetryTime: 100, maxRetryTime: 2000 },
    });
    p.on(p.events.DISCONNECT, () => {
      if (raw === p) connected = null;
    });
    return p;
  };
  let connected: Promise<void> | null = null;
  let raw: Producer = make();
  // A new producer gets a new producer id from the broker, so its sequence numbers start afresh.
  // The sends that failed were answered 503 (never "accepted"); if some of their messages did
  // reach the log, the sender's retry makes a duplicate that the worker drops by event id.
  const replace = (failed: Producer) => {
    if (raw !== failed) return;
    onReset();
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
  const slot: Slot = {
    inFlight: 0,
    connect,
    disconnect: async () => {
      connected = null;
      await raw.disconnect();
    },
    async send(topic, messages) {
      const producer = raw;
      let timer: NodeJS.Timeout | undefined;
      slot.inFlight++;
      try {
        const sent = (async () => {
          await connect();
          await producer.send({
            topic,
            acks: -1,
            timeout: 10_000,
            compression: opts.compression === false ? CompressionTypes.None : CompressionTypes.GZIP,
            messages,
          });
        })();
        // After a timeout nobody awaits `sent` any more; its later failure is expected.
        sent.catch(() => undefined);
        const expired = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new SendTimeoutError(sendTimeoutMs)), sendTimeoutMs);
        });
        await Promise.race([sent, expired]);
      } catch (e) {
        // kafkajs would retry a timed-out send forever: replacing the producer disconnects it.
        if (e instanceof SendTimeoutError || isFatalProducerError(e)) replace(producer);
        throw new UnavailableError("kafka_unavailable", `Kafka did not acknowledge the events: ${e instanceof Error ? e.message : String(e)}`, 5, e);
      } finally {
        clearTimeout(timer);
        slot.inFlight--;
      }
    },
  };
  return slot;
}

class SendTimeoutError extends Error {
  constructor(ms: number) {
    super(`no acknowledgement within ${ms} ms`);
  }
}
