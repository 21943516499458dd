/**
 * One bulk import, start to end: stream the input object, map and validate it row by row, produce
 * accepted events to Kafka in awaited batches, collect rejected rows into the error report, report
 * progress, return the counts. Used by the BullMQ processor and by `pulse import --inline`.
 *
 * Retry safety (why a failed or repeated job never double-counts): every event id comes from the
 * mapping and the row (bank-<line>-<call_id>, cfpb-<id>, ...), never from a clock or a counter, so
 * a retried job re-produces exactly the same ids, and the worker deduplicates by (tenant, id)
 * before ClickHouse (within its id-registry window, 7 days by default). Rows are produced in file order and a batch is awaited (acks=all) before more
 * rows are read, so at any crash point the events already in Kafka are a prefix of the file.
 */
import { BadRequestError, NotFoundError, silentLogger, type Logger } from "@pulse/kit";
import type { PulseProducer, OutMessage } from "@pulse/kafka";
import { countRow, describeMappingIssues, emptyCounts, importRows, resolveMapping } from "@pulse/mapping";
import { createErrorReport, errorReportKey, DEFAULT_MAX_REPORT_BYTES } from "./error-report";
import { ImportJobData, type ImportProgress, type ImportResult } from "./import.job";
import type { InputResolver } from "./inputs";
import type { ImportMetrics } from "./import.metrics";
import { encodeWire } from "@pulse/contract";

export interface ImportDeps {
  producer: Pick<PulseProducer, "send">;
  /** The feedback topic (with the environment's prefix). */
  topic: string;
  resolveInput: InputResolver;
  logger?: Logger;
  metrics?: ImportMetrics;
  clock?: () => Date;
  /** The earliest occurredAt accepted (PULSE_MIN_OCCURRED_AT): the collector's and the worker's rule. */
  minOccurredAt?: Date;
  batchSize?: number;
  maxBatchBytes?: number;
  maxReportBytes?: number;
  /** Least time between two progress reports (the last one is always sent). */
  progressIntervalMs?: number;
}

export type ProgressSink = (p: ImportProgress) => void | Promise<void>;

export async function runImport(deps: ImportDeps, rawData: unknown, onProgress?: ProgressSink): Promise<ImportResult> {
  const started = Date.now();
  const log = deps.logger ?? silentLogger;
  const parsed = ImportJobData.safeParse(rawData);
  if (!parsed.success) throw new BadRequestError("import_invalid", parsed.error.issues.map((i) => i.message).join("; "));
  const data = parsed.data;
  const mapping = resolveMapping(data.mapping);
  if (!mapping.ok) throw new BadRequestError("mapping_invalid", `the mapping is invalid: ${describeMappingIssues(mapping.error)}`);
  const source = data.source ?? mapping.value.source ?? `import:${mapping.value.name}`;

  const { store, key, size } = deps.resolveInput(data.input);
  const stream = await store.getStream(key);
  if (!stream) throw new NotFoundError(`no object at ${store.describe(key)}`);
  const totalBytes = await size(stream);

  // One receivedAt for the whole job: the worker judges future skew against it, and it does not
  // change the event ids (a retry gets a new receivedAt but the same ids).
  const receivedAt = (deps.clock ?? (() => new Date()))();
  const receivedAtIso = receivedAt.toISOString();
  const batchSize = deps.batchSize ?? 1000;
  const maxBatchBytes = deps.maxBatchBytes ?? 900 * 1024;
  const interval = deps.progressIntervalMs ?? 500;
  const counts = emptyCounts();
  const report = createErrorReport(deps.maxReportBytes ?? DEFAULT_MAX_REPORT_BYTES);
  let batch: OutMessage[] = [];
  let batchBytes = 0;
  let bytesRead = 0;
  let lastProgress = 0;

  const progress = (): ImportProgress => ({
    rows: counts.rows,
    imported: counts.imported,
    rejected: counts.rejected,
    skipped: counts.skipped,
    events: counts.events,
    bytesRead,
    totalBytes,
  });
  const flush = async () => {
    if (batch.length === 0) return;
    await deps.producer.send(deps.topic, batch);
    deps.metrics?.eventsProduced.inc(batch.length);
    batch = [];
    batchBytes = 0;
  };

  log.info({ tenant: data.tenant, input: data.input, mapping: mapping.value.name, totalBytes }, "import started");
  try {
    for await (const r of importRows(stream as AsyncIterable<Uint8Array>, mapping.value, { now: receivedAt, source, minOccurredAt: deps.minOccurredAt })) {
      countRow(counts, r.outcome);
      deps.metrics?.rows.inc({ outcome: r.outcome.kind });
      bytesRead = r.bytesRead;
      if (r.outcome.kind === "accepted") {
        for (const event of r.outcome.events) {
          const m = encodeWire({ tenant: data.tenant, source, receivedAt: receivedAtIso, event });
          batch.push(m);
          batchBytes += m.value.length + (m.key?.length ?? 0);
        }
        if (batch.length >= batchSize || batchBytes >= maxBatchBytes) await flush();
      } else if (r.outcome.kind === "rejected") {
        report.add(r);
      }
      if (onProgress && Date.now() - lastProgress >= interval) {
        lastProgress = Date.now();
        await onProgress(progress());
      }
    }
    await flush();
  } finally {
    (stream as { destroy?: () => void }).destroy?.();
  }
  if (totalBytes !== null) bytesRead = totalBytes;

  // The report replaces one a previous attempt may have left; no rejected row, no report.
  const reportKey = errorReportKey(key);
  if (report.rows > 0) await store.put(reportKey, report.body(), "application/x-ndjson");
  else await store.delete(reportKey);

  await onProgress?.(progress());
  const result: ImportResult = {
    ...counts,
    tenant: data.tenant,
    source,
    mapping: mapping.value.name,
    input: data.input,
    errorReport: report.rows > 0 ? store.describe(reportKey) : null,
    errorReportTruncated: report.truncated,
    bytesRead,
    totalBytes,
    durationMs: Date.now() - started,
  };
  log.info({ ...result, skippedByReason: undefined, rejectedByCode: undefined }, "import finished");
  return result;
}
