import type { Reader, Writer } from "@pulse/clickhouse";
import type { FeedbackEvent } from "@pulse/contract";
import type { OutMessage } from "@pulse/kafka";
import { archiveKey, type ArchivedMessage, type Archiver } from "./archive";
import { chunkToken, type Chunk } from "./chunks";
import { findDuplicates, type Candidate } from "./dedup";
import { decodeMessage, type Decoded, type DeadLetterReason } from "./message";
import { chTime, EVENT_COLUMNS, toEventRow, type Enriched } from "./rows";

/** A Kafka message as the pipeline needs it (a subset of kafkajs' KafkaMessage). */
export interface InMessage {
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  timestamp: string;
  headers?: Record<string, unknown>;
}

export interface Profile {
  segment?: string;
  valueTier?: string;
}

/** Enrichment of one decoded event: pure rules plus what was looked up for the batch. */
export interface EnrichmentPort {
  profiles(tenant: string, customerIds: string[]): Promise<Map<string, Profile>>;
  enrich(d: Decoded, profile: Profile | undefined): Omit<Enriched, "hoursToResolve">;
}

export interface FcrContact {
  tenant: string;
  event: FeedbackEvent;
  enriched: Omit<Enriched, "hoursToResolve">;
}

export interface FcrPort {
  /** Computes verdict rows for these contacts (in offset order) without changing any state. */
  plan(contacts: FcrContact[]): Promise<{ verdictRows: unknown[][]; commit: () => Promise<void> }>;
}

export interface ChunkDeps {
  group: string;
  topic: string;
  dlqTopic: string;
  reader: Pick<Reader, "query">;
  /** How long an event id is remembered for deduplication (days). */
  dedupWindowDays?: number;
  writer: Writer;
  enrichment: EnrichmentPort;
  fcr: FcrPort;
  archiver: Pick<Archiver, "write">;
  sendDeadLetters: (messages: OutMessage[]) => Promise<void>;
}

export interface ChunkOutcome {
  inserted: number;
  duplicates: number;
  deadLetters: { reason: DeadLetterReason; count: number }[];
  verdicts: number;
  /** Kafka timestamps (ms) of the inserted messages, for the freshness histogram. */
  producedAt: number[];
  /** How long the feedback_events insert (with its materialized views) took. */
  insertSeconds: number;
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

/**
 * One chunk, start to finish, in the order that makes a crash at any point harmless:
 * 1. decode + validate (bad messages become dead letters, never exceptions),
 * 2. drop ids already stored at another Kafka position, 3. enrich,
 * 4. insert events (with the chunk's deterministic token) while planning FCR verdicts from the
 *    stored state, archiving the raw messages and producing dead letters,
 * 5. insert the verdicts (token + ":fcr"), and only then advance the FCR state in Redis.
 * The caller commits the offset after this returns. Re-running a chunk after a crash
 * repeats steps 1-4 with the same tokens (ClickHouse drops them) and redoes 5 idempotently.
 */
export async function processChunk(partition: number, chunk: Chunk<InMessage>, deps: ChunkDeps): Promise<ChunkOutcome> {
  const token = chunkToken(deps.group, deps.topic, partition, chunk);
  const decoded: { m: InMessage; d: Decoded }[] = [];
  const dead: OutMessage[] = [];
  const deadCounts = new Map<DeadLetterReason, number>();
  for (const m of chunk.messages) {
    const step = decodeMessage(m.value);
    if (step.kind === "ok") decoded.push({ m, d: step.value });
    else if (step.kind === "dlq") {
      deadCounts.set(step.reason, (deadCounts.get(step.reason) ?? 0) + 1);
      dead.push(deadLetter(m, deps.topic, partition, step.reason, step.detail));
    }
  }

  const { rows, enriched, duplicates } = await buildEventRows(decoded, partition, deps);
  const contacts = enriched.filter((e) => isContact(e.d.event)).map((e) => ({ tenant: e.d.tenant, event: e.d.event, enriched: e.x }));
  // Independent I/O runs side by side; all of it completes before the caller commits the offset.
  // The FCR plan only reads Redis; its state is written after the verdicts are in ClickHouse.
  const insertStarted = performance.now();
  let insertSeconds = 0;
  const [, fcr] = await Promise.all([
    deps.writer.insert("feedback_events", EVENT_COLUMNS, rows, { dedupToken: token }).then(() => {
      insertSeconds = (performance.now() - insertStarted) / 1000;
    }),
    deps.fcr.plan(contacts),
    archiveChunk(decoded, partition, chunk, deps),
    deps.sendDeadLetters(dead),
  ]);
  await deps.writer.insert("fcr_verdicts", FCR_COLUMNS, fcr.verdictRows, { dedupToken: `${token}:fcr` });
  await fcr.commit();

  return {
    inserted: rows.length,
    duplicates,
    deadLetters: [...deadCounts].map(([reason, count]) => ({ reason, count })),
    verdicts: fcr.verdictRows.length,
    producedAt: enriched.map((e) => Number(e.m.timestamp)),
    insertSeconds,
  };
}

/**
 * Decoded messages → feedback_events rows: drops ids already stored at another Kafka position,
 * looks profiles up once per tenant, enriches, and computes complaint resolution times.
 * Shared by the live consumer and by replay from the archive.
 */
export async function buildEventRows(
  decoded: { m: Pick<InMessage, "offset" | "timestamp">; d: Decoded; partition?: number }[],
  partition: number,
  deps: Pick<ChunkDeps, "reader" | "enrichment" | "dedupWindowDays">,
) {
  const candidates = new Map<Candidate, { m: Pick<InMessage, "offset" | "timestamp">; d: Decoded; partition: number }>();
  for (const x of decoded) {
    const p = x.partition ?? partition;
    candidates.set({ tenant: x.d.tenant, id: x.d.event.id, partition: p, offset: x.m.offset }, { ...x, partition: p });
  }
  const byTenant = new Map<string, Set<string>>();
  for (const { d } of candidates.values()) byTenant.set(d.tenant, (byTenant.get(d.tenant) ?? new Set()).add(d.event.customer.id));
  // The registry lookup and the profile lookups are independent: one round trip each, in parallel.
  const [dups, profileLists] = await Promise.all([
    findDuplicates(deps.reader, [...candidates.keys()], deps.dedupWindowDays),
    Promise.all([...byTenant].map(async ([tenant, ids]) => [tenant, await deps.enrichment.profiles(tenant, [...ids])] as const)),
  ]);
  const fresh = [...candidates].filter(([c]) => !dups.has(c)).map(([, x]) => x);
  const profiles = new Map<string, Map<string, Profile>>(profileLists);

  const enriched = fresh.map((f) => ({ ...f, x: deps.enrichment.enrich(f.d, profiles.get(f.d.tenant)?.get(f.d.event.customer.id)) }));
  const hours = await hoursToResolve(deps.reader, enriched.map((e) => ({ tenant: e.d.tenant, event: e.d.event })));
  const rows = enriched.map(({ m, d, x, partition: p }) => toEventRow(d, { ...x, hoursToResolve: hours.get(d.event) ?? null }, { partition: p, offset: m.offset }));
  return { rows, enriched, duplicates: dups.size };
}

export function isContact(e: FeedbackEvent): boolean {
  return e.type === "call.completed" || e.type === "contact.completed" || e.type === "complaint.opened";
}

function deadLetter(m: InMessage, topic: string, partition: number, reason: string, detail: string): OutMessage {
  return {
    key: m.key,
    value: m.value ?? Buffer.alloc(0),
    headers: {
      "pulse-dlq-reason": reason,
      "pulse-dlq-detail": detail.slice(0, 2000),
      "pulse-source-topic": topic,
      "pulse-source-partition": String(partition),
      "pulse-source-offset": m.offset,
      "pulse-failed-at": new Date().toISOString(),
    },
  };
}

async function archiveChunk(decoded: { m: InMessage; d: Decoded }[], partition: number, chunk: Chunk<InMessage>, deps: ChunkDeps) {
  const groups = new Map<string, ArchivedMessage[]>();
  for (const { m, d } of decoded) {
    const key = archiveKey(d.tenant, d.receivedAt, deps.topic, partition, chunk.start, chunk.end);
    const list = groups.get(key) ?? [];
    list.push({ partition, offset: m.offset, key: m.key?.toString("utf8") ?? null, timestamp: m.timestamp, value: m.value?.toString("utf8") ?? "" });
    groups.set(key, list);
  }
  for (const [key, list] of groups) await deps.archiver.write(key, list);
}

/**
 * Hours from complaint.opened to complaint.resolved, looked up once per chunk: first among the
 * chunk's own events, then in ClickHouse. Unknown when the opening was never seen.
 */
async function hoursToResolve(reader: Pick<Reader, "query">, items: { tenant: string; event: FeedbackEvent }[]): Promise<Map<FeedbackEvent, number>> {
  const out = new Map<FeedbackEvent, number>();
  const resolved = items.filter((i) => i.event.type === "complaint.resolved");
  if (resolved.length === 0) return out;
  const opened = new Map<string, number>();
  for (const i of items) {
    if (i.event.type === "complaint.opened") opened.set(`${i.tenant}\u0000${i.event.body.complaintId}`, Date.parse(i.event.occurredAt));
  }
  const missing = new Map<string, string[]>();
  for (const i of resolved) {
    if (i.event.type !== "complaint.resolved") continue;
    const k = `${i.tenant}\u0000${i.event.body.complaintId}`;
    if (opened.has(k)) continue;
    const ids = missing.get(i.tenant);
    if (ids) ids.push(i.event.body.complaintId);
    else missing.set(i.tenant, [i.event.body.complaintId]);
  }
  for (const [tenant, ids] of missing) {
    const rows = await reader.query<{ complaint_id: string; opened: string }>(
      `SELECT complaint_id, toString(min(opened_at)) AS opened FROM complaints_opened
       WHERE tenant = {tenant:String} AND complaint_id IN {ids:Array(String)}
       GROUP BY complaint_id`,
      { tenant, ids },
    );
    for (const r of rows) opened.set(`${tenant}\u0000${r.complaint_id}`, Date.parse(`${r.opened.replace(" ", "T")}Z`));
  }
  for (const i of resolved) {
    if (i.event.type !== "complaint.resolved") continue;
    const at = opened.get(`${i.tenant}\u0000${i.event.body.complaintId}`);
    if (at !== undefined) out.set(i.event, Math.max(0, (Date.parse(i.event.body.resolvedAt) - at) / 3_600_000));
  }
  return out;
}

export { chTime };
