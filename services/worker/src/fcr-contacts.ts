import { fcrDeltasForKey, isPlaceholderCustomer, sortContacts, type FcrGap, type FcrWindow } from "@pulse/enrichment";
import type { Reader } from "@pulse/clickhouse";
import type { FeedbackEvent } from "@pulse/contract";
import { chTime, type Enriched } from "./rows";

/**
 * First-contact resolution with ClickHouse as its state (migration 0010; the argument is in the
 * worker README, "First-contact resolution"). Every contact goes to `fcr_contacts`; the outcome
 * changes it causes go to `fcr_repeats` as signed rows, computed from the stored neighbours of the
 * chunk's contacts. The lookup excludes rows at the chunk's own Kafka positions, so a chunk retried
 * after any crash computes byte-identical rows and its insert tokens drop what is already there.
 */

/** A stored contact, with the dimensions of its cohort (the rollup group of its own minute). */
export interface FcrContactRow {
  tenant: string;
  customerId: string;
  topic: string;
  /** occurred_at, epoch ms */
  t: number;
  /** the event id */
  id: string;
  touchpoint: string;
  channel: string;
  segment: string;
  journeyStage: string;
}

export interface FcrPositioned extends FcrContactRow {
  kafkaTopic: string;
  partition: number;
  offset: string;
}

/** The Kafka positions of the chunk being processed: its own rows are never its neighbours. */
export interface ChunkPositions {
  topic: string;
  partition: number;
  first: string;
  last: string;
}

/** The contact's own columns, first in both fcr_contacts and fcr_repeats. */
const FCR_CONTACT_KEY_COLUMNS = [
  "tenant",
  "customer_id",
  "topic",
  "occurred_at",
  "contact_id",
  "touchpoint",
  "channel",
  "segment",
  "journey_stage",
] as const;

export const FCR_CONTACT_COLUMNS = [
  ...FCR_CONTACT_KEY_COLUMNS,
  "kafka_topic",
  "kafka_partition",
  "kafka_offset",
] as const;

export const FCR_REPEAT_COLUMNS = [...FCR_CONTACT_KEY_COLUMNS, "repeat_bin", "sign"] as const;

/** A stored contact event as FCR sees it (dimensions exactly as its feedback_events row has them). */
export function fcrContactOf(
  tenant: string,
  event: FeedbackEvent,
  x: Pick<Enriched, "topic" | "touchpoint" | "segment" | "journeyStage">,
  at: { kafkaTopic: string; partition: number; offset: string },
): FcrPositioned {
  return {
    tenant,
    customerId: event.customer.id,
    topic: x.topic,
    t: Date.parse(event.occurredAt),
    id: event.id,
    touchpoint: x.touchpoint,
    channel: event.channel,
    segment: x.segment,
    journeyStage: x.journeyStage,
    ...at,
  };
}

/** fcr_contacts rows of the contacts that are not placeholder customers (a replay re-inserts only these). */
export function fcrContactRows(contacts: readonly FcrPositioned[], placeholders: ReadonlySet<string>): unknown[][] {
  return contacts.filter((c) => !isPlaceholderCustomer(c.customerId, placeholders)).map(contactRow);
}

export interface FcrPlan {
  contactRows: unknown[][];
  repeatRows: unknown[][];
  /** Contacts of placeholder customers, left out. */
  placeholders: number;
}

export interface FcrPlanner {
  plan(contacts: readonly FcrPositioned[], chunk: ChunkPositions | null): Promise<FcrPlan>;
}

export interface FcrPlannerDeps {
  reader: Pick<Reader, "query">;
  window: FcrWindow;
  /** Trimmed, lower-cased placeholder ids (see @pulse/enrichment placeholderSet). */
  placeholders: ReadonlySet<string>;
}

type KeyGroup = { tenant: string; customerId: string; topic: string; fresh: FcrPositioned[] };

/** [t, id, touchpoint, channel, segment, journey_stage] as the lookup returns a stored contact. */
type StoredTuple = [number | string, string, string, string, string, string];
type GapRow = { k: number; g: number; first: StoredTuple; last: StoredTuple };

export function createFcrPlanner(deps: FcrPlannerDeps): FcrPlanner {
  const w = deps.window;
  return {
    async plan(contacts, chunk) {
      let placeholders = 0;
      const groups = new Map<string, KeyGroup>();
      for (const c of contacts) {
        if (isPlaceholderCustomer(c.customerId, deps.placeholders)) {
          placeholders++;
          continue;
        }
        const id = JSON.stringify([c.tenant, c.customerId, c.topic]);
        const g = groups.get(id) ?? { tenant: c.tenant, customerId: c.customerId, topic: c.topic, fresh: [] };
        g.fresh.push(c);
        groups.set(id, g);
      }
      // Keys in a fixed order and contacts sorted within each: the rows of a retried chunk are identical.
      const keys = [...groups.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([, g]) => ({ ...g, fresh: sortContacts(g.fresh) }));
      const gaps = await lookupGaps(deps.reader, keys, w, chunk);
      const contactRows: unknown[][] = [];
      const repeatRows: unknown[][] = [];
      keys.forEach((key, k) => {
        for (const c of key.fresh) contactRows.push(contactRow(c));
        const keyGaps = gaps.get(k) ?? new Map<number, FcrGap<FcrContactRow>>();
        const list = Array.from({ length: key.fresh.length + 1 }, (_, g) => keyGaps.get(g) ?? null);
        for (const d of fcrDeltasForKey<FcrContactRow>(key.fresh, list, w)) repeatRows.push(repeatRow(d.contact, d.bin, d.sign));
      });
      return { contactRows, repeatRows, placeholders };
    },
  };
}

/**
 * One query per chunk: for every key of the chunk, the stored contacts within W of its new ones
 * (a primary-key range of fcr_contacts), reduced in ClickHouse to the first and last stored contact
 * of each gap between consecutive new contacts. Only those can change: the answer is at most
 * 2 × (new contacts + keys) rows whatever the history of a customer.
 */
async function lookupGaps(reader: Pick<Reader, "query">, keys: readonly KeyGroup[], w: FcrWindow, chunk: ChunkPositions | null): Promise<Map<number, Map<number, FcrGap<FcrContactRow>>>> {
  const out = new Map<number, Map<number, FcrGap<FcrContactRow>>>();
  if (keys.length === 0) return out;
  const lo = keys.map((k) => (k.fresh[0]?.t ?? 0) - w.windowMs);
  const hi = keys.map((k) => (k.fresh[k.fresh.length - 1]?.t ?? 0) + w.windowMs);
  const params = {
    kt: keys.map((k) => k.tenant),
    kc: keys.map((k) => k.customerId),
    kp: keys.map((k) => k.topic),
    lo,
    hi,
    ts: keys.map((k) => k.fresh.map((c) => c.t)),
    ids: keys.map((k) => k.fresh.map((c) => c.id)),
    from: chTime(new Date(Math.min(...lo))),
    to: chTime(new Date(Math.max(...hi))),
    ctopic: chunk?.topic ?? "",
    cpart: chunk?.partition ?? 0,
    cfirst: chunk?.first ?? "1",
    clast: chunk?.last ?? "0",
  };
  // The chunk's keys arrive as parallel arrays and become a small table (one row per key, with its
  // own new contacts' times and ids) that the stored contacts are hash-joined to: the work is linear
  // in the stored rows read plus the keys. (Indexing the parameter arrays by a per-row key instead,
  // `{ts}[k]` or `indexOf(keys, …)`, costs keys × rows: seconds per chunk at thousands of keys.)
  const rows = await reader.query<GapRow>(
    `SELECT k, g,
       argMin(tuple(t, contact_id, toString(touchpoint), toString(channel), toString(segment), toString(journey_stage)), tuple(t, contact_id)) AS first,
       argMax(tuple(t, contact_id, toString(touchpoint), toString(channel), toString(segment), toString(journey_stage)), tuple(t, contact_id)) AS last
     FROM (
       SELECT key.k AS k, toUnixTimestamp64Milli(c.occurred_at) AS t, c.contact_id AS contact_id, c.touchpoint AS touchpoint, c.channel AS channel,
              c.segment AS segment, c.journey_stage AS journey_stage,
              arrayCount((pt, pid) -> tuple(pt, pid) < tuple(t, c.contact_id), key.ts, key.ids) AS g
       FROM fcr_contacts AS c
       INNER JOIN (
         SELECT z.1 AS k, z.2 AS tenant, z.3 AS customer_id, z.4 AS topic, z.5 AS lo, z.6 AS hi, z.7 AS ts, z.8 AS ids
         FROM (SELECT arrayJoin(arrayZip(range(1, length({kt:Array(String)}) + 1), {kt:Array(String)}, {kc:Array(String)}, {kp:Array(String)},
                                         {lo:Array(Int64)}, {hi:Array(Int64)}, {ts:Array(Array(Int64))}, {ids:Array(Array(String))})) AS z)
       ) AS key ON toString(c.tenant) = key.tenant AND c.customer_id = key.customer_id AND toString(c.topic) = key.topic
       WHERE (c.tenant, c.customer_id, c.topic) IN (SELECT arrayJoin(arrayZip({kt:Array(String)}, {kc:Array(String)}, {kp:Array(String)})))
         AND c.occurred_at >= {from:DateTime64(3, 'UTC')} AND c.occurred_at <= {to:DateTime64(3, 'UTC')}
         AND NOT (c.kafka_topic = {ctopic:String} AND c.kafka_partition = {cpart:UInt16} AND c.kafka_offset >= {cfirst:UInt64} AND c.kafka_offset <= {clast:UInt64})
         AND t >= key.lo AND t <= key.hi
     )
     GROUP BY k, g`,
    params,
  );
  for (const r of rows) {
    const key = keys[r.k - 1];
    if (!key) continue;
    const m = out.get(r.k - 1) ?? new Map<number, FcrGap<FcrContactRow>>();
    m.set(Number(r.g), { first: stored(key, r.first), last: stored(key, r.last) });
    out.set(r.k - 1, m);
  }
  return out;
}

function stored(key: KeyGroup, [t, id, touchpoint, channel, segment, journeyStage]: StoredTuple): FcrContactRow {
  return { tenant: key.tenant, customerId: key.customerId, topic: key.topic, t: Number(t), id, touchpoint, channel, segment, journeyStage };
}

function contactRow(c: FcrPositioned): unknown[] {
  return [c.tenant, c.customerId, c.topic, chTime(new Date(c.t)), c.id, c.touchpoint, c.channel, c.segment, c.journeyStage, c.kafkaTopic, c.partition, Number(c.offset)];
}

function repeatRow(c: FcrContactRow, bin: number, sign: 1 | -1): unknown[] {
  return [c.tenant, c.customerId, c.topic, chTime(new Date(c.t)), c.id, c.touchpoint, c.channel, c.segment, c.journeyStage, bin, sign];
}
