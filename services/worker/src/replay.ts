import { randomUUID } from "node:crypto";
import { gunzipSync } from "node:zlib";
import type { ClickHouse, Reader, Writer } from "@pulse/clickhouse";
import { decodeWire, type DecodedWire as Decoded, type DecodeWireOptions } from "@pulse/contract";
import { BadRequestError, PulseError, type Logger } from "@pulse/kit";
import type { ObjectStore } from "@pulse/storage";
import type { ArchivedMessage } from "./archive";
import type { EnrichmentPort } from "./enrichment";
import { buildEventRows, isContact } from "./event-rows";
import { DEFAULT_FCR_BIN_MS, DEFAULT_FCR_WINDOW_MS, DEFAULT_PLACEHOLDER_CUSTOMERS, placeholderSet } from "@pulse/enrichment";
import { FCR_CONTACT_COLUMNS, fcrContactOf, fcrContactRows } from "./fcr-contacts";
import { deleteFcrRange, reconcileFcr } from "./fcr-replay";
import type { CaseOpener } from "./cases";
import { chTime, EVENT_COLUMNS } from "./rows";

export interface ReplayRequest {
  /** Inclusive, a UTC midnight. */
  from: Date;
  /** Exclusive, a UTC midnight. */
  to: Date;
  tenant?: string;
}

export interface ReplayDeps {
  /** The event time bounds, as the worker decodes with them. */
  wire?: DecodeWireOptions;
  ch: ClickHouse;
  reader: Reader;
  writer: Writer;
  store: ObjectStore;
  enrichment: EnrichmentPort;
  logger: Logger;
  /** First-contact resolution settings, as the live worker has them (default 7 days, default placeholders). */
  fcr?: { windowMs: number; placeholders?: readonly string[] };
  /**
   * Refuse the range when its newest event was stored less than this long ago (`range_active`):
   * an event stored between the archive check and the delete would be deleted and not rebuilt.
   * Unset or 0: no check (callers that know the range is quiet, such as tests).
   */
  quietMs?: number;
  /** Called after every archive object with (done, total). */
  progress?: (done: number, total: number) => void | Promise<void>;
  /** Follow-up cases, as the live worker opens them: an event that has its case already opens nothing. */
  cases?: CaseOpener | undefined;
}

export interface ReplayResult {
  runId: string;
  objects: number;
  messages: number;
  inserted: number;
  duplicates: number;
  skipped: number;
}

const DAY = 86_400_000;
const ROLLUPS = ["rollup_minute", "rollup_hour", "rollup_day"] as const;

export function checkReplayRange(r: ReplayRequest): void {
  for (const [name, d] of [["from", r.from], ["to", r.to]] as const) {
    if (Number.isNaN(d.getTime())) throw new BadRequestError("invalid_range", `--${name} must be a date (YYYY-MM-DD)`);
    // Whole UTC days: every minute, hour and day bucket of the range then lies fully inside it,
    // so deleting and rebuilding the buckets cannot touch events outside the range.
    if (d.getTime() % DAY !== 0) throw new BadRequestError("invalid_range", `--${name} must be a UTC midnight (a whole day)`);
  }
  if (r.to.getTime() <= r.from.getTime()) {
    const next = new Date(r.from.getTime() + DAY).toISOString().slice(0, 10);
    throw new BadRequestError("invalid_range", `--to is the first day NOT replayed and must be after --from (to replay ${r.from.toISOString().slice(0, 10)} alone: --to ${next})`);
  }
}

async function assertQuiet(deps: ReplayDeps, req: ReplayRequest, params: Record<string, string>, tenantFilter: string, quietMs: number): Promise<void> {
  const [row] = await deps.reader.query<{ newest: number | string }>(
    `SELECT toUnixTimestamp64Milli(max(ingested_at)) AS newest, count() AS n FROM feedback_events
     WHERE occurred_at >= {from:DateTime64(3, 'UTC')} AND occurred_at < {to:DateTime64(3, 'UTC')}${tenantFilter}
     HAVING n > 0`,
    params,
  );
  if (row === undefined) return;
  const age = Date.now() - Number(row.newest);
  if (age < quietMs) {
    throw new PulseError(
      "range_active",
      `the range is still receiving events (the newest was stored ${Math.max(0, Math.round(age / 1000))} s ago; a replay waits until none was stored for ${Math.round(quietMs / 1000)} s, REPLAY_QUIET_SECONDS): events arriving while it runs could be missed. Replay whole days that are over (for today's traffic: --to ${req.from.toISOString().slice(0, 10)} or earlier), or try again when the sources are quiet`,
    );
  }
}

/**
 * Rebuilds feedback_events and the rollups for [from, to) from the raw archive, with today's
 * enrichment rules. Steps: delete the range's rows (events and rollup buckets, synchronously),
 * re-insert every archived event that occurred in the range (ids deduplicated exactly as live) with
 * its FCR contact, then recompute the outcome of every contact within W of the range (fcr-replay.ts). Each insert carries a token of this run,
 * so a retried step counts once, and a new run is never mistaken for an old one.
 */
export async function replayRange(req: ReplayRequest, deps: ReplayDeps): Promise<ReplayResult> {
  checkReplayRange(req);
  const runId = randomUUID();
  const params = { from: chTime(req.from), to: chTime(req.to), tenant: req.tenant ?? "" };
  const tenantFilter = req.tenant ? " AND tenant = {tenant:String}" : "";
  if (deps.quietMs) await assertQuiet(deps, req, params, tenantFilter, deps.quietMs);
  const keys = await archiveKeys(deps.store, req);

  // Nothing is deleted unless the archive holds every event ClickHouse has for the range: an
  // archive gap (objects still pending when a worker died during an S3 outage) must not turn a
  // replay into a loss. This reads the archive twice; a replay is rare, a loss is not undoable.
  const archived = new Set<string>();
  for (const key of keys) for (const x of await readArchived(deps.store, key, req, undefined, deps.wire)) archived.add(`${x.d.tenant}\u0000${x.d.event.id}`);
  const [stored] = await deps.reader.query<{ n: number | string }>(
    `SELECT uniqExact(tenant, event_id) AS n FROM feedback_events
     WHERE occurred_at >= {from:DateTime64(3, 'UTC')} AND occurred_at < {to:DateTime64(3, 'UTC')}${tenantFilter}`,
    params,
  );
  if (archived.size < Number(stored?.n ?? 0)) {
    throw new PulseError(
      "archive_incomplete",
      `the archive holds ${archived.size} distinct events for the range but ClickHouse has ${Number(stored?.n ?? 0)}: replaying would lose events, nothing was changed (after an archive storage outage the worker writes the missing objects in the background and logs 'archive still unavailable' until it can: try again once it stops)`,
    );
  }

  const mutate = async (sql: string) => deps.ch.client.command({ query: sql, query_params: params, clickhouse_settings: { mutations_sync: "2" } });
  await mutate(`ALTER TABLE feedback_events DELETE WHERE occurred_at >= {from:DateTime64(3, 'UTC')} AND occurred_at < {to:DateTime64(3, 'UTC')}${tenantFilter}`);
  for (const table of ROLLUPS) {
    await mutate(`ALTER TABLE ${table} DELETE WHERE bucket >= toDateTime({from:DateTime64(3, 'UTC')}, 'UTC') AND bucket < toDateTime({to:DateTime64(3, 'UTC')}, 'UTC')${tenantFilter}`);
  }

  await deleteFcrRange(deps.ch, params);
  const fcrWindow = { windowMs: deps.fcr?.windowMs ?? DEFAULT_FCR_WINDOW_MS, binMs: DEFAULT_FCR_BIN_MS };
  const placeholders = placeholderSet(deps.fcr?.placeholders ?? DEFAULT_PLACEHOLDER_CUSTOMERS);

  const result: ReplayResult = { runId, objects: keys.length, messages: 0, inserted: 0, duplicates: 0, skipped: 0 };
  let done = 0;
  for (const key of keys) {
    const items = await readArchived(deps.store, key, req, result, deps.wire);
    if (items.length > 0) {
      // The range's events were deleted above, so the registry still shows each at its own
      // position: keep those (keepStored), drop only copies of ids stored elsewhere.
      const { rows, duplicates, enriched } = await buildEventRows(items, { reader: deps.reader, enrichment: deps.enrichment }, true);
      await deps.writer.insert("feedback_events", EVENT_COLUMNS, rows, { dedupToken: `replay:${runId}:${key}` });
      const kafkaTopic = archivedTopic(key);
      const contacts = enriched.filter((e) => isContact(e.d.event)).map((e) => fcrContactOf(e.d.tenant, e.d.event, e.x, { kafkaTopic, partition: e.partition, offset: e.m.offset }));
      await deps.writer.insert("fcr_contacts", FCR_CONTACT_COLUMNS, fcrContactRows(contacts, placeholders), { dedupToken: `replay:${runId}:${key}:fcr-contacts` });
      if (deps.cases) await deps.cases.fromChunk(enriched);
      result.inserted += rows.length;
      result.duplicates += duplicates;
    }
    await deps.progress?.(++done, keys.length);
  }

  await reconcileFcr(deps.ch, params, fcrWindow, `replay:${runId}:fcr-repeats`);
  deps.logger.info({ ...result, from: req.from.toISOString(), to: req.to.toISOString() }, "replay done");
  return result;
}

/**
 * The archive objects that may hold events of the range, from one listing. Events are archived by
 * the hour they were RECEIVED, which is never before they occurred (less the contract's future
 * skew), so every object dated from the day before `from` on may hold some.
 */
async function archiveKeys(store: ObjectStore, req: ReplayRequest): Promise<string[]> {
  const firstDay = new Date(req.from.getTime() - DAY).toISOString().slice(0, 10);
  return (await store.list(req.tenant ? `raw/${req.tenant}/` : "raw/")).filter((k) => (k.split("/")[2] ?? "") >= firstDay);
}

/** The Kafka topic of an archive object, from its name `<topic>-<partition>-<first>-<last>.ndjson.gz`. */
function archivedTopic(key: string): string {
  const name = key.split("/").pop() ?? "";
  return name.replace(/\.ndjson\.gz$/, "").split("-").slice(0, -3).join("-");
}

type ArchivedItem = { m: { offset: string; timestamp: string }; d: Decoded; partition: number };

/** The decodable archived events of one object that occurred in the range (counts into `tally` when given). */
async function readArchived(store: ObjectStore, key: string, req: ReplayRequest, tally?: ReplayResult, wire?: DecodeWireOptions): Promise<ArchivedItem[]> {
  const body = await store.get(key);
  const lines = body ? gunzipSync(body).toString("utf8").split("\n").filter(Boolean) : [];
  const items: ArchivedItem[] = [];
  for (const line of lines) {
    if (tally) tally.messages++;
    const a = JSON.parse(line) as ArchivedMessage;
    const step = decodeWire(a.value, wire);
    if (!step.ok) {
      if (tally) tally.skipped++;
      continue;
    }
    const t = Date.parse(step.value.event.occurredAt);
    if (t >= req.from.getTime() && t < req.to.getTime()) items.push({ m: { offset: a.offset, timestamp: a.timestamp }, d: step.value, partition: a.partition });
  }
  return items;
}
