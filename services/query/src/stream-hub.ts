/**
 * Live channels for /v1/stream. A channel is one distinct (tenant, grouping, filters, window); all
 * its subscribers share ONE loader call per tick, however many there are. A tick is skipped while
 * the previous one is still running, so a slow ClickHouse never piles up queries. A payload is
 * pushed only when it differs from the previous one; a new subscriber gets the latest at once.
 *
 * Limits (each channel costs one query per tick): channels in total and per tenant, subscribers
 * per client address. Over a limit, `admit` throws StreamLimitError (429 `stream_limit`, naming
 * the limit). A subscriber that does not read is dropped once its unsent bytes pass
 * `maxBufferedBytes`, so a stalled client never holds more than that in memory.
 */
import { PulseError, type Logger } from "@pulse/kit";
import type { QueryMetrics } from "./metrics";

export type StreamMessage = { event: "scores" | "problem"; data: string };

export interface StreamLimits {
  maxChannels: number;
  maxChannelsPerTenant: number;
  maxSubscribersPerClient: number;
  maxBufferedBytes: number;
}

export const DEFAULT_STREAM_LIMITS: StreamLimits = { maxChannels: 500, maxChannelsPerTenant: 25, maxSubscribersPerClient: 10, maxBufferedBytes: 1024 * 1024 };

export type StreamLimitName = "channels" | "channels_per_tenant" | "subscribers_per_client";

export class StreamLimitError extends PulseError {
  constructor(limit: StreamLimitName, max: number) {
    const what = { channels: "live channels in total", channels_per_tenant: "live channels (distinct filter sets) for this tenant", subscribers_per_client: "open streams from this client address" }[limit];
    super("stream_limit", `at most ${max} ${what}; close a stream or reuse the same filters`, { status: 429, retry: true, details: { limit, max } });
  }
}

/** Who subscribes: the limits are counted per tenant and per client address. */
export interface Subscriber {
  tenant: string;
  client: string;
  /** Bytes written but not yet taken by the client (e.g. the socket's writableLength). */
  buffered?: () => number;
  /** Ends the connection of a subscriber that does not read. */
  drop?: () => void;
}

export interface StreamHub {
  /** Throws StreamLimitError when subscribing now would pass a limit. */
  admit(channelKey: string, who: Subscriber): void;
  /** Returns the unsubscribe function. `spec` is only used when the channel is new. */
  subscribe<S>(channelKey: string, spec: S, send: (m: StreamMessage) => void, who?: Subscriber): () => void;
  channels(): number;
  close(): void;
}

export interface StreamHubOptions {
  intervalMs: number;
  /** Produces the channel's current payload (one query). `changeKey` decides whether to push. */
  load: (spec: unknown) => Promise<{ payload: unknown; changeKey: string }>;
  metrics: QueryMetrics;
  logger: Logger;
  limits?: Partial<StreamLimits>;
}

type Channel = {
  tenant: string;
  spec: unknown;
  subscribers: Map<(m: StreamMessage) => void, Subscriber | undefined>;
  timer: NodeJS.Timeout;
  inFlight: boolean;
  last: { message: StreamMessage; changeKey: string } | undefined;
};

export function createStreamHub(opts: StreamHubOptions): StreamHub {
  const channels = new Map<string, Channel>();
  const limits: StreamLimits = { ...DEFAULT_STREAM_LIMITS, ...opts.limits };
  const perClient = new Map<string, number>();
  const channelsOf = (tenant: string) => {
    let n = 0;
    for (const ch of channels.values()) if (ch.tenant === tenant) n++;
    return n;
  };

  const deliver = (send: (m: StreamMessage) => void, who: Subscriber | undefined, m: StreamMessage): void => {
    try {
      send(m);
    } catch (e) {
      opts.logger.warn({ err: (e as Error).message }, "stream write failed");
    }
    if (who?.buffered && who.buffered() > limits.maxBufferedBytes) {
      opts.metrics.streamDropped.inc({ reason: "slow_client" });
      opts.logger.info({ buffered: who.buffered(), max: limits.maxBufferedBytes }, "stream client dropped: it does not read");
      who.drop?.();
    }
  };

  const broadcast = (ch: Channel, m: StreamMessage): void => {
    for (const [send, who] of [...ch.subscribers]) deliver(send, who, m);
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

  const reject = (limit: StreamLimitName, max: number): never => {
    opts.metrics.streamRejected.inc({ limit });
    throw new StreamLimitError(limit, max);
  };

  return {
    admit(channelKey, who) {
      if ((perClient.get(who.client) ?? 0) >= limits.maxSubscribersPerClient) reject("subscribers_per_client", limits.maxSubscribersPerClient);
      if (channels.has(channelKey)) return;
      if (channels.size >= limits.maxChannels) reject("channels", limits.maxChannels);
      if (channelsOf(who.tenant) >= limits.maxChannelsPerTenant) reject("channels_per_tenant", limits.maxChannelsPerTenant);
    },
    subscribe(channelKey, spec, send, who) {
      let ch = channels.get(channelKey);
      if (who) perClient.set(who.client, (perClient.get(who.client) ?? 0) + 1);
      if (!ch) {
        const timer = setInterval(() => void tick(channelKey), opts.intervalMs);
        timer.unref();
        ch = { tenant: who?.tenant ?? "", spec, subscribers: new Map(), timer, inFlight: false, last: undefined };
        channels.set(channelKey, ch);
        opts.metrics.streamChannels.set(channels.size);
        ch.subscribers.set(send, who);
        void tick(channelKey);
      } else {
        ch.subscribers.set(send, who);
        if (ch.last) deliver(send, who, ch.last.message);
      }
      opts.metrics.streamSubscribers.inc();
      const channel = ch;
      return () => {
        if (!channel.subscribers.delete(send)) return;
        if (who) {
          const n = (perClient.get(who.client) ?? 1) - 1;
          if (n <= 0) perClient.delete(who.client);
          else perClient.set(who.client, n);
        }
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
      perClient.clear();
      opts.metrics.streamChannels.set(0);
    },
  };
}
