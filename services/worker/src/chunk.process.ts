import type { Reader, Writer } from "@pulse/clickhouse";
import { decodeWire, type DecodedWire as Decoded, type DecodeWireOptions } from "@pulse/contract";
import type { Archiver } from "./archive";
import type { CaseOpener } from "./cases";
import { archiveGroups, type ArchivedMessage } from "./archive";
import type { ChunkLedger } from "./chunk-ledger";
import type { Chunk, ChunkMessage } from "./chunks";
import type { DeadLetterValue } from "./dead-letters";
import type { EnrichmentPort } from "./enrichment";
import { buildEventRows, isContact } from "./event-rows";
import { FCR_CONTACT_COLUMNS, FCR_REPEAT_COLUMNS, fcrContactOf, type FcrPlanner, type FcrPositioned } from "./fcr-contacts";
import type { IdClaims } from "./id-claims";
import { insertSplitting } from "./insert-split";
import { EVENT_COLUMNS } from "./rows";

/** A Kafka message as the worker needs it (a subset of kafkajs' KafkaMessage). */
export interface InMessage extends ChunkMessage {
  headers?: Record<string, unknown>;
}

/** Everything one chunk's processing reads and writes, except Kafka: only the consumer loop touches Kafka. */
export interface ChunkDeps {
  topic: string;
  reader: Pick<Reader, "query">;
  writer: Writer;
  ledger: ChunkLedger;
  claims: IdClaims | null;
  enrichment: EnrichmentPort;
  fcr: FcrPlanner;
  archiver: Pick<Archiver, "write">;
  /** How long an event id is remembered for deduplication (days). */
  dedupWindowDays?: number;
  /** The event time bounds (PULSE_MIN_OCCURRED_AT): the same rule as the collector's and the import's. */
  wire?: DecodeWireOptions;
  /** Follow-up cases of the stored events (absent: none are opened). */
  cases?: CaseOpener | undefined;
}

/** What happened to a chunk, as a value: the consumer loop produces the dead letters and commits. */
export type ChunkResult =
  | { kind: "applied_before" }
  | {
      kind: "done";
      inserted: number;
      duplicates: number;
      /** Re-delivered messages the registry already held (a rewound or new consumer group). */
      alreadyStored: number;
      deadLetters: DeadLetterValue[];
      /** Contacts stored for FCR, outcome-change rows written, placeholder-customer contacts left out. */
      fcr: { contacts: number; repeats: number; placeholders: number };
      /** Kafka timestamps (ms) of the inserted messages, for the freshness histogram. */
      producedAt: number[];
      /** Per tenant stored, the newest Kafka timestamp among its stored messages (the freshness watermark). */
      tenants: Map<string, number>;
      /** How long the feedback_events insert (with its materialized views) took. */
      insertSeconds: number;
      /** Seconds spent in each step of the chunk (the worker's cost breakdown, `pulse_worker_chunk_step_seconds_total`). */
      steps: StepSeconds;
    };

/**
 * Seconds per named step. Steps that run side by side inside another step are also recorded on
 * their own with a `/` in the name (`fcr_lookup_and_archive/fcr_lookup`): they overlap their parent.
 */
export type StepSeconds = Record<string, number>;

async function timed<T>(steps: StepSeconds, step: string, work: Promise<T>): Promise<T> {
  const t0 = performance.now();
  try {
    return await work;
  } finally {
    steps[step] = (steps[step] ?? 0) + (performance.now() - t0) / 1000;
  }
}

/** A stopwatch: `lap(step)` adds the time since the previous lap to `step`; `skip()` starts the next lap now. */
export function stopwatch(into: StepSeconds = {}): { lap: (step: string) => void; skip: () => void; steps: StepSeconds } {
  let last = performance.now();
  return {
    steps: into,
    skip() {
      last = performance.now();
    },
    lap(step) {
      const t = performance.now();
      into[step] = (into[step] ?? 0) + (t - last) / 1000;
      last = t;
    },
  };
}

/**
 * One chunk, start to finish, in the order that makes a crash or a retry at any point harmless
 * (the argument is written out in the worker README, "Exactly once"):
 * 1. a chunk delivered again whose every insert already returned (the chunk ledger says
 *    "applied") is skipped whole;
 * 2. decode + validate (bad messages become dead-letter values, never exceptions);
 * 3. drop ids held at another position; enrich;
 * 4. insert events with the chunk's token, splitting the block when ClickHouse rejects some rows
 *    (those become dead letters with ClickHouse's reason);
 * 5. look up the stored neighbours of the chunk's contacts (never rows at the chunk's own Kafka
 *    positions, so a retry computes the same rows) while archiving the stored messages, then insert
 *    the contacts (token + ":fcr-contacts") and their outcome changes (token + ":fcr-repeats").
 * The consumer loop then produces the dead letters, records the chunk as applied and commits.
 * `recorded`: the chunk's range was recorded before (this is a re-delivery, or a retry).
 */
export async function processChunk(partition: number, chunk: Chunk<InMessage>, token: string, recorded: boolean, deps: ChunkDeps): Promise<ChunkResult> {
  const { lap, steps } = stopwatch();
  const ledger = recorded ? await deps.ledger.lookup(token) : { applied: false, split: new Set<string>() };
  if (ledger.applied) return { kind: "applied_before" };
  lap("ledger_lookup");

  const decoded: { m: InMessage; d: Decoded; partition: number }[] = [];
  const deadLetters: DeadLetterValue[] = [];
  for (const m of chunk.messages) {
    const step = decodeWire(m.value, deps.wire);
    if (step.ok) decoded.push({ m, d: step.value, partition });
    else deadLetters.push({ reason: step.error.code, detail: step.error.message, key: m.key, value: m.value, partition, offset: m.offset });
  }

  lap("decode");
  const built = await buildEventRows(decoded, deps, recorded, lap);
  const insertStarted = performance.now();
  const rejected = await insertSplitting({
    writer: deps.writer,
    table: "feedback_events",
    columns: EVENT_COLUMNS,
    rows: built.rows,
    token,
    splitBefore: ledger.split,
    onSplit: (node) => deps.ledger.markSplit({ token, topic: deps.topic, partition, start: chunk.start, end: chunk.end }, node),
  });
  const insertSeconds = (performance.now() - insertStarted) / 1000;
  lap("insert_events");
  const stored = built.enriched.filter((_, i) => !rejected.has(i));
  for (const [i, error] of rejected) {
    const e = built.enriched[i];
    if (e) deadLetters.push({ reason: "clickhouse_rejected", detail: error.message, key: e.m.key, value: e.m.value, partition, offset: e.m.offset });
  }

  // The FCR lookup only reads ClickHouse and the archive only writes objects: they run side by side.
  // Both FCR inserts come after the events insert and before the chunk is marked applied; the
  // lookup ignores this chunk's own positions, so whichever of them a crash interrupted, the retry
  // plans identical rows and the tokens drop the copies.
  const contacts: FcrPositioned[] = stored
    .filter((e) => isContact(e.d.event))
    .map((e) => fcrContactOf(e.d.tenant, e.d.event, e.x, { kafkaTopic: deps.topic, partition, offset: e.m.offset }));
  const positions = { topic: deps.topic, partition, first: String(chunk.start), last: String(chunk.end) };
  const [fcr] = await Promise.all([timed(steps, "fcr_lookup_and_archive/fcr_lookup", deps.fcr.plan(contacts, positions)), timed(steps, "fcr_lookup_and_archive/archive", archive(stored, partition, chunk, deps))]);
  lap("fcr_lookup_and_archive");
  // Two tables, two tokens, no order between them (a crash after either is retried the same way):
  // they go to two sessions at once.
  await Promise.all([
    deps.writer.insert("fcr_contacts", FCR_CONTACT_COLUMNS, fcr.contactRows, { dedupToken: `${token}:fcr-contacts` }),
    deps.writer.insert("fcr_repeats", FCR_REPEAT_COLUMNS, fcr.repeatRows, { dedupToken: `${token}:fcr-repeats` }),
  ]);
  lap("fcr_insert");
  // After the contacts are stored (a repeat contact is found among them), before the chunk is
  // marked applied: a retry opens the same case ids again, which the store ignores.
  if (deps.cases) await deps.cases.fromChunk(stored);
  lap("cases");

  return {
    kind: "done",
    inserted: stored.length,
    duplicates: built.duplicates,
    alreadyStored: built.stored,
    deadLetters,
    fcr: { contacts: fcr.contactRows.length, repeats: fcr.repeatRows.length, placeholders: fcr.placeholders },
    producedAt: stored.map((e) => Number(e.m.timestamp)),
    tenants: newestPerTenant(stored),
    insertSeconds,
    steps,
  };
}

function newestPerTenant(stored: { m: InMessage; d: Decoded }[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const { m, d } of stored) out.set(d.tenant, Math.max(out.get(d.tenant) ?? 0, Number(m.timestamp)));
  return out;
}

async function archive(stored: { m: InMessage; d: Decoded }[], partition: number, chunk: Chunk<InMessage>, deps: ChunkDeps): Promise<void> {
  const items = stored.map(({ m, d }) => ({
    tenant: d.tenant,
    receivedAt: d.receivedAt,
    message: { partition, offset: m.offset, key: m.key?.toString("utf8") ?? null, timestamp: m.timestamp, value: m.value?.toString("utf8") ?? "" } satisfies ArchivedMessage,
  }));
  for (const [key, list] of archiveGroups(items, deps.topic, partition, chunk)) await deps.archiver.write(key, list);
}
