import type { OutMessage, PulseProducer } from "@pulse/kafka";

/**
 * Coalesces the messages of concurrent requests into shared Kafka sends (group commit):
 * while a send is in flight, new requests queue up and leave together in the next one; an idle
 * batcher waits `lingerMs` for company first. Each request's promise settles only when every
 * send holding its messages is acknowledged (acks=all), and rejects if any of them fails, so a
 * request is never answered "accepted" for a message Kafka does not have.
 *
 * A send carries at most `maxSendBytes` (uncompressed), which keeps every record batch below the
 * topic's max.message.bytes; a bigger request is split into several sends, sent in order, and
 * sending stops at the first failure.
 */
export interface ProduceBatcher {
  send(messages: OutMessage[]): Promise<void>;
  /** Resolves once nothing is queued or in flight. */
  drain(): Promise<void>;
}

export interface SendInfo {
  messages: number;
  bytes: number;
  requests: number;
  seconds: number;
  ok: boolean;
}

export interface ProduceBatcherOptions {
  producer: Pick<PulseProducer, "send">;
  topic: string;
  lingerMs: number;
  maxSendBytes: number;
  /** Flushes that may be in flight at once (kafkajs serialises idempotent sends per broker anyway). */
  maxInFlight?: number;
  /** false: every request gets its own send(s), at once (for measuring what coalescing buys). */
  coalesce?: boolean;
  onSend?: (info: SendInfo) => void;
}

interface Waiting {
  messages: OutMessage[];
  bytes: number;
  resolve: () => void;
  reject: (e: unknown) => void;
}

function messageBytes(m: OutMessage): number {
  // Approximation of the record size: UTF-16 length ≥ bytes for ASCII JSON; headers are small.
  return (typeof m.value === "string" ? m.value.length : m.value.byteLength) + (m.key === null ? 0 : m.key.length) + 64;
}

export function createProduceBatcher(opts: ProduceBatcherOptions): ProduceBatcher {
  const coalesce = opts.coalesce ?? true;
  const maxInFlight = coalesce ? (opts.maxInFlight ?? 1) : Number.POSITIVE_INFINITY;
  const queue: Waiting[] = [];
  let queuedBytes = 0;
  let inFlight = 0;
  let timer: NodeJS.Timeout | undefined;
  let immediate: NodeJS.Immediate | undefined;
  let idle: { promise: Promise<void>; resolve: () => void } | undefined;

  const settleIdle = () => {
    if (queue.length === 0 && inFlight === 0 && idle) {
      idle.resolve();
      idle = undefined;
    }
  };

  const schedule = (waited: boolean) => {
    if (queue.length === 0 || inFlight >= maxInFlight) return;
    if (waited || !coalesce || queuedBytes >= opts.maxSendBytes) {
      if (timer) clearTimeout(timer);
      timer = undefined;
      void flush();
      return;
    }
    if (timer || immediate) return;
    // lingerMs = 0 still gathers what arrives in the same turn of the event loop.
    if (opts.lingerMs > 0) timer = setTimeout(onTimer, opts.lingerMs);
    else immediate = setImmediate(onTimer);
  };
  const onTimer = () => {
    timer = undefined;
    immediate = undefined;
    schedule(true);
  };

  const flush = async () => {
    // Take whole requests up to maxSendBytes (at least one).
    const taken: Waiting[] = [];
    let takenBytes = 0;
    while (queue.length > 0) {
      const next = queue[0] as Waiting;
      if (taken.length > 0 && (!coalesce || takenBytes + next.bytes > opts.maxSendBytes)) break;
      taken.push(next);
      takenBytes += next.bytes;
      queue.shift();
    }
    queuedBytes -= takenBytes;
    // Split into sends; remember the last send each request needs.
    const sends: OutMessage[][] = [[]];
    const sizes: number[] = [0];
    let sendBytes = 0;
    const lastSendOf: number[] = [];
    for (const w of taken) {
      for (const m of w.messages) {
        const b = messageBytes(m);
        const current = sends[sends.length - 1] as OutMessage[];
        if (current.length > 0 && sendBytes + b > opts.maxSendBytes) {
          sends.push([m]);
          sizes.push(b);
          sendBytes = b;
        } else {
          current.push(m);
          sendBytes += b;
          sizes[sizes.length - 1] = sendBytes;
        }
      }
      lastSendOf.push(sends.length - 1);
    }
    inFlight++;
    let failedAt = sends.length;
    let error: unknown;
    for (let i = 0; i < sends.length; i++) {
      const batch = sends[i] as OutMessage[];
      const t0 = performance.now();
      const info = (ok: boolean): SendInfo => ({ messages: batch.length, bytes: sizes[i] ?? 0, requests: taken.length, seconds: (performance.now() - t0) / 1000, ok });
      try {
        await opts.producer.send(opts.topic, batch);
        opts.onSend?.(info(true));
      } catch (e) {
        opts.onSend?.(info(false));
        failedAt = i;
        error = e;
        break;
      }
    }
    inFlight--;
    taken.forEach((w, i) => {
      if ((lastSendOf[i] as number) < failedAt) w.resolve();
      else w.reject(error);
    });
    // Whatever queued meanwhile has already waited for company: send it now.
    schedule(true);
    settleIdle();
  };

  return {
    send(messages) {
      if (messages.length === 0) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        let bytes = 0;
        for (const m of messages) bytes += messageBytes(m);
        queue.push({ messages, bytes, resolve, reject });
        queuedBytes += bytes;
        schedule(false);
      });
    },
    drain() {
      if (queue.length === 0 && inFlight === 0) return Promise.resolve();
      if (!idle) {
        let resolve!: () => void;
        const promise = new Promise<void>((r) => (resolve = r));
        idle = { promise, resolve };
      }
      if (timer) clearTimeout(timer);
      timer = undefined;
      schedule(true);
      return idle.promise;
    },
  };
}
