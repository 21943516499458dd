/**
 * The whole mapping path of a bulk import, still free of I/O: bytes in (any async iterable),
 * one result per data row out, in file order. The import job adds Kafka and the error report
 * around it; tests and the CLI's dry runs use it as is.
 */
import type { FeedbackEvent } from "@pulse/contract";
import { checkHeader, processRow, type MapOptions, type RowOutcome } from "./mapper";
import { readRows, type ByteSource, type ReadOptions } from "./row-reader";
import type { Mapping } from "./spec";

export interface RowResult {
  row: number;
  line: number;
  raw: string;
  bytesRead: number;
  outcome: RowOutcome;
}

export type ImportRowsOptions = MapOptions & ReadOptions;

/**
 * Yields every data row with its outcome. Throws only MappingColumnsError, before the first row,
 * when the header lacks a column the mapping reads; malformed rows come out as rejected.
 */
export async function* importRows(source: ByteSource, mapping: Mapping, opts: ImportRowsOptions): AsyncGenerator<RowResult> {
  for await (const item of readRows(source, mapping.format, opts)) {
    if (item.kind === "header") {
      checkHeader(mapping, item.columns);
      continue;
    }
    const base = { row: item.row, line: item.line, raw: item.raw, bytesRead: item.bytesRead };
    if (item.error || item.values === null) {
      yield { ...base, outcome: { kind: "rejected", issues: item.error ? [item.error] : [] } };
      continue;
    }
    yield { ...base, outcome: processRow(mapping, item.values, opts) };
  }
}

export interface ImportCounts {
  /** Data rows read (blank lines are not rows). */
  rows: number;
  /** Rows whose events all passed the contract. */
  imported: number;
  rejected: number;
  skipped: number;
  /** Events made from the imported rows (a fan-out row makes several). */
  events: number;
  skippedByReason: Record<string, number>;
  /** Rejected rows by issue code (a row counts once per distinct code). */
  rejectedByCode: Record<string, number>;
}

export function emptyCounts(): ImportCounts {
  return { rows: 0, imported: 0, rejected: 0, skipped: 0, events: 0, skippedByReason: {}, rejectedByCode: {} };
}

/** Adds one row's outcome to the counts (mutates and returns them). */
export function countRow(counts: ImportCounts, outcome: RowOutcome): ImportCounts {
  counts.rows++;
  if (outcome.kind === "accepted") {
    counts.imported++;
    counts.events += outcome.events.length;
  } else if (outcome.kind === "skipped") {
    counts.skipped++;
    counts.skippedByReason[outcome.reason] = (counts.skippedByReason[outcome.reason] ?? 0) + 1;
  } else {
    counts.rejected++;
    for (const code of new Set(outcome.issues.map((i) => i.code))) counts.rejectedByCode[code] = (counts.rejectedByCode[code] ?? 0) + 1;
  }
  return counts;
}

/** Runs a whole source through a mapping and returns the counts (and, on request, the events). */
export async function summarizeImport(
  source: ByteSource,
  mapping: Mapping,
  opts: ImportRowsOptions & { onEvent?: (event: FeedbackEvent, row: number) => void; onRejected?: (r: RowResult) => void },
): Promise<ImportCounts> {
  const counts = emptyCounts();
  for await (const r of importRows(source, mapping, opts)) {
    countRow(counts, r.outcome);
    if (r.outcome.kind === "accepted" && opts.onEvent) for (const e of r.outcome.events) opts.onEvent(e, r.row);
    if (r.outcome.kind === "rejected") opts.onRejected?.(r);
  }
  return counts;
}
