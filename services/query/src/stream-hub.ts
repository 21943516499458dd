/**
 * Live channels for /v1/stream. A channel is one distinct (tenant, grouping, filters, window); all
 * its subscribers share ONE loader call per tick, however many there are. A tick is skipped while
 * the previous one is still running, so a slow ClickHouse never piles up queries. A payload is
 * pushed only when it differs from the previous one; a new subscriber gets the latest at once.
 */
import type { Logger } from "@pulse/kit";
import type { QueryMetrics } from "./metrics";

export type StreamMessage = { event: "scores" | "problem"; data: string };

export interface StreamHub {
  /** Returns the unsubscribe function. `spec` is only used when the channel is new. */
  subscribe<S>(channelKey: string, spec: S, send: (m: StreamMessage) => void): () => void;
  channels(): number;
  close(): void;
}

export interface StreamHubOptions {
  intervalMs: number;
  /** Produces the channel's current payload (one query). `changeKey` decides whether to push. */
  load: (spec: unknown) => Promise<{ payload: unknown; changeKey: string }>;
  metrics: QueryMetrics;
  logger: Logger;
}

type Channel = {
  spec: unknown;
  subscribers: Set<(m: StreamMessage) => void>;
  timer: NodeJS.Timeout;
  inFlight: boolean;
  last: { message: StreamMessage; changeKey: string } | undefined;
};

export function createStreamHub(opts: StreamHubOptions): StreamHub {
  const channels = new Map<string, Channel>();

  const broadcast = (ch: Channel, m: StreamMessage): void => {
    for (const send of ch.subscribers) {
      try {
        send(m);
      } catch (e) {
        opts.logger.warn({ err: (e as Error).message }, "stream write failed");
      }
    }
  };

  async function tick(key: string): Promise<void> {
    const ch = channels.get(key);
    if (!ch || ch.inFlight) return;
    ch.inFlight = true;
    opts.metrics.streamTicks.inc();
    try {
      const { payload, changeKey } = await opts.load(ch.spec);
      if (ch.last?.changeKey !== changeKey) {
        ch.last = { message: { event: "scores", data: JSON.stringify(payload) }, changeKey };
        broadcast(ch, ch.last.message);
      }
    } catch (e) {
      opts.logger.error({ err: e, channel: key }, "stream refresh failed");
      const pe = e as { code?: string; message?: string };
      // Forget the last payload, so the first good refresh is pushed even if nothing changed.
      ch.last = undefined;
      broadcast(ch, { event: "problem", data: JSON.stringify({ code: pe.code ?? "internal", detail: "refresh failed; retrying" }) });
    } finally {
      ch.inFlight = false;
    }
  }

  return {
    subscribe(channelKey, spec, send) {
      let ch = channels.get(channelKey);
      if (!ch) {
        const timer = setInterval(() => void tick(channelKey), opts.intervalMs);
        timer.unref();
        ch = { spec, subscribers: new Set(), timer, inFlight: false, last: undefined };
        channels.set(channelKey, ch);
        opts.metrics.streamChannels.set(channels.size);
        ch.subscribers.add(send);
        void tick(channelKey);
      } else {
        ch.subscribers.add(send);
        if (ch.last) send(ch.last.message);
      }
      opts.metrics.streamSubscribers.inc();
      const channel = ch;
      return () => {
        if (!channel.subscribers.delete(send)) return;
        opts.metrics.streamSubscribers.dec();
        if (channel.subscribers.size === 0) {
          clearInterval(channel.timer);
          channels.delete(channelKey);
          opts.metrics.streamChannels.set(channels.size);
        }
      };
    },
    channels: () => channels.size,
    close() {
      for (const ch of channels.values()) clearInterval(ch.timer);
      channels.clear();
      opts.metrics.streamChannels.set(0);
    },
  };
}
