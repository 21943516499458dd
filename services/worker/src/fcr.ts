import { createHash } from "node:crypto";
import { onContact, onWindowClose, parseFcrState, type FcrState, type FcrVerdict } from "@pulse/enrichment";
import type { Writer } from "@pulse/clickhouse";
import type { Logger } from "@pulse/kit";
import type { Redis } from "@pulse/redis";
import type { FeedbackEvent } from "@pulse/contract";
import { chTime, type Enriched } from "./rows";

export interface FcrContact {
  tenant: string;
  event: FeedbackEvent;
  enriched: Omit<Enriched, "hoursToResolve">;
}

export interface FcrPort {
  /** Computes verdict rows for these contacts (in offset order) without changing any state. */
  plan(contacts: FcrContact[]): Promise<{ verdictRows: unknown[][]; commit: () => Promise<void> }>;
}

export const FCR_COLUMNS = [
  "tenant",
  "contact_id",
  "occurred_at",
  "touchpoint",
  "channel",
  "segment",
  "journey_stage",
  "topic",
  "customer_id",
  "resolved",
  "repeat_id",
] as const;

export interface RedisFcrDeps {
  redis: Redis;
  writer: Writer;
  logger: Logger;
  windowMs: number;
  /** A key is swept only after it has been quiet this long, so a slow import's next contact can still arrive. */
  graceMs: number;
  /** Event-time lateness tolerated within one customer's stream (see @pulse/enrichment fcr.ts). */
  allowedLatenessMs?: number;
  onVerdicts?: (n: number) => void;
  now?: () => number;
}

const DUE = "fcr:due";
const stateKey = (k: string) => `fcr:s:${k}`;

/**
 * Derived first-contact resolution with its state in Redis (it survives restarts).
 * Per key (tenant, customer, topic) the pure state machine decides verdicts; this adapter loads
 * states once per chunk (MGET), and writes them back only after the verdict rows are in
 * ClickHouse (commit). A crash before the commit recomputes the same verdicts from the old state
 * (the chunk's insert token drops the copy); after it, the contacts are found in the state and
 * skipped as duplicates. Rollups count verdicts with uniqExact(contact_id), so a verdict written
 * twice (a sweep racing a crash) still counts once.
 */
export function createRedisFcr(deps: RedisFcrDeps): FcrPort & { sweep(now?: number): Promise<number>; close(): void } {
  const opts = { windowMs: deps.windowMs, allowedLatenessMs: deps.allowedLatenessMs ?? 3_600_000 };
  const now = deps.now ?? Date.now;
  const lateness = opts.allowedLatenessMs;

  const load = async (keys: string[], client: Redis = deps.redis): Promise<Map<string, FcrState | null>> => {
    const out = new Map<string, FcrState | null>();
    if (keys.length === 0) return out;
    const raw = await client.mget(...keys.map(stateKey));
    keys.forEach((k, i) => {
      const v = raw[i];
      if (!v) return out.set(k, null);
      const parsed = parseFcrState(JSON.parse(v));
      if (!parsed.ok) deps.logger.warn({ key: k, error: parsed.error.message }, "discarding an invalid FCR state");
      out.set(k, parsed.ok ? parsed.value : null);
    });
    return out;
  };

  const dueOf = (s: FcrState, wall: number): number => {
    const first = s.entries.find((e) => e.status === "open") ?? s.entries[0];
    const eventDue = first ? first.t + deps.windowMs + lateness : wall;
    return Math.max(eventDue, wall + deps.graceMs);
  };

  const writes = (tx: ReturnType<Redis["pipeline"]>, states: Map<string, FcrState | null>) => {
    const wall = now();
    for (const [k, s] of states) {
      if (!s || s.entries.length === 0) tx.del(stateKey(k)).zrem(DUE, k);
      else tx.set(stateKey(k), JSON.stringify(s)).zadd(DUE, dueOf(s, wall), k);
    }
    return tx;
  };
  const save = async (states: Map<string, FcrState | null>) => {
    if (states.size === 0) return;
    // A pipeline, not MULTI: each key's SET and ZADD are independent of other keys', and a
    // partial write is healed by the next chunk or sweep (contacts already in a state are skipped).
    const res = await writes(deps.redis.pipeline(), states).exec();
    const failed = res?.find(([e]) => e);
    if (failed?.[0]) throw failed[0];
  };
  // The sweep reads and writes on a connection of its own under WATCH: when a chunk changes a key
  // between the sweep's read and its write, the write is dropped instead of overwriting the newer
  // state (the verdicts it inserted are re-emitted by a later sweep and counted once).
  let sweeper: Redis | null = null;

  return {
    async plan(contacts: FcrContact[]) {
      const keyOf = (c: FcrContact) => `${c.tenant}:${c.event.customer.id}:${c.enriched.topic}`;
      const states = await load([...new Set(contacts.map(keyOf))]);
      const rows: unknown[][] = [];
      for (const c of contacts) {
        const k = keyOf(c);
        const step = onContact(
          states.get(k) ?? null,
          {
            eventId: c.event.id,
            occurredAt: c.event.occurredAt,
            touchpoint: c.enriched.touchpoint,
            channel: c.event.channel,
            segment: c.enriched.segment,
            journeyStage: c.enriched.journeyStage,
          },
          opts,
        );
        states.set(k, step.newState);
        for (const v of step.verdicts) rows.push(verdictRow(c.tenant, c.event.customer.id, c.enriched.topic, v));
      }
      return { verdictRows: rows, commit: () => save(states) };
    },

    close() {
      sweeper?.disconnect();
      sweeper = null;
    },

    /** Closes due windows; returns how many verdicts it emitted. */
    async sweep(at = now()) {
      let total = 0;
      sweeper ??= deps.redis.duplicate();
      for (;;) {
        const keys = await sweeper.zrangebyscore(DUE, "-inf", at, "LIMIT", 0, 500);
        if (keys.length === 0) return total;
        await sweeper.watch(...keys.map(stateKey));
        const states = await load(keys, sweeper);
        const rows: unknown[][] = [];
        const next = new Map<string, FcrState | null>();
        for (const k of keys) {
          const step = onWindowClose(states.get(k) ?? null, at, opts);
          next.set(k, step.newState);
          const [tenant = "", customer = "", ...topic] = k.split(":");
          for (const v of step.verdicts) rows.push(verdictRow(tenant, customer, topic.join(":"), v));
        }
        if (rows.length > 0) {
          const token = `fcr-sweep:${createHash("sha256").update(rows.map((r) => r[1]).join(",")).digest("hex")}`;
          try {
            await deps.writer.insert("fcr_verdicts", FCR_COLUMNS, rows, { dedupToken: token });
          } catch (e) {
            await sweeper.unwatch();
            throw e;
          }
        }
        // A key whose windows are all still open moves its due time on; one with nothing left goes.
        const committed = await writes(sweeper.multi(), next).exec();
        total += rows.length;
        if (committed === null) {
          deps.logger.debug({ keys: keys.length }, "fcr sweep: a key changed meanwhile; its state is left to the next sweep");
          deps.onVerdicts?.(rows.length);
          return total;
        }
        deps.onVerdicts?.(rows.length);
        if (keys.length < 500) return total;
      }
    },
  };
}

function verdictRow(tenant: string, customer: string, topic: string, v: FcrVerdict): unknown[] {
  return [
    tenant,
    v.contactId,
    chTime(v.occurredAt),
    v.touchpoint,
    v.channel,
    v.segment ?? "unknown",
    v.journeyStage ?? "unknown",
    topic,
    customer,
    v.resolved ? 1 : 0,
    v.repeatContactId ?? "",
  ];
}

export type RedisFcr = ReturnType<typeof createRedisFcr>;
