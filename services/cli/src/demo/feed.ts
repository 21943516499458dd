import type { FeedbackEvent } from "@pulse/contract";
import type { Logger } from "@pulse/kit";
import { loadRealEvents, surveyGenerator } from "./sources";

export interface DemoFeedOptions {
  collectorUrl: string;
  apiKey: string;
  /** Where the public datasets are (optional: without them the feed is generated only). */
  dataDir: string | undefined;
  eventsPerSecond: number;
  logger: Logger;
}

/**
 * A realistic live stream for `pulse start`: real calls, complaints and airline reviews from the
 * public datasets (re-timed to now, with fresh ids) interleaved with generated survey answers,
 * sent to the collector over HTTP like any source would, twice a second.
 */
export async function startDemoFeed(opts: DemoFeedOptions) {
  const real = opts.dataDir ? await loadRealEvents(opts.dataDir, 5000) : [];
  const pools = real.filter((r) => r.events.length > 0);
  const survey = surveyGenerator();
  const cursor = new Map<string, number>();
  let n = 0;
  let sent = 0;
  let failed = 0;
  const next = (now: Date): FeedbackEvent => {
    n++;
    const pool = pools[n % (pools.length + 1)];
    if (!pool) return survey(now);
    const i = cursor.get(pool.name) ?? 0;
    cursor.set(pool.name, (i + 1) % pool.events.length);
    const e = pool.events[i] as FeedbackEvent;
    const restamped = { ...e, id: `demo-${pool.name}-${Date.now().toString(36)}-${n}`, occurredAt: now.toISOString() } as FeedbackEvent;
    if (restamped.type === "complaint.resolved") return { ...restamped, body: { ...restamped.body, resolvedAt: now.toISOString() } };
    return restamped;
  };
  const perTick = Math.max(1, Math.round(opts.eventsPerSecond / 2));
  const tick = async () => {
    const now = new Date();
    const batch = Array.from({ length: perTick }, () => next(now));
    try {
      const r = await fetch(`${opts.collectorUrl}/v1/events`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${opts.apiKey}` },
        body: JSON.stringify(batch),
      });
      if (r.ok || r.status === 207) sent += batch.length;
      else {
        failed += batch.length;
        opts.logger.warn({ status: r.status }, "demo feed: collector refused a batch");
      }
    } catch (e) {
      failed += batch.length;
      opts.logger.warn({ err: (e as Error).message }, "demo feed: collector unreachable");
    }
  };
  const timer = setInterval(() => void tick(), 500);
  opts.logger.info({ datasets: pools.map((p) => `${p.name}:${p.events.length}`), eventsPerSecond: opts.eventsPerSecond }, "demo feed started");
  return {
    stats: () => ({ sent, failed, datasets: pools.map((p) => p.name) }),
    stop() {
      clearInterval(timer);
    },
  };
}
