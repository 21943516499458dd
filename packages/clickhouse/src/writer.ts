import { PulseError } from "@pulse/kit";
import type { ClickHouse } from "./client";
import { assertIdentifier } from "./client";

export interface InsertOptions {
  /**
   * Deterministic token for this batch. ClickHouse drops a block whose token it has already
   * seen (within the table's deduplication window), in the table and, with
   * `deduplicate_blocks_in_dependent_materialized_views`, in every rollup fed by it: a retried
   * or replayed batch therefore counts once.
   */
  dedupToken?: string;
}

export interface Writer {
  /** Rows are positional, in `columns` order (JSONCompactEachRow: compact and fast to build). */
  insert(table: string, columns: readonly string[], rows: readonly unknown[][], opts?: InsertOptions): Promise<void>;
}

/** Write side of ClickHouse: batched inserts only, never one row per request. */
export function createWriter(ch: ClickHouse): Writer {
  return {
    async insert(table, columns, rows, opts = {}) {
      assertIdentifier(table);
      columns.forEach(assertIdentifier);
      if (rows.length === 0) return;
      const settings = {
        // Always sent, "" when absent: embedded chDB applies the client's settings with SET on a
        // shared session, so a token left over from an earlier insert would otherwise stick.
        insert_deduplication_token: opts.dedupToken ?? "",
        insert_deduplicate: 1 as const,
        deduplicate_blocks_in_dependent_materialized_views: 1 as const,
        // Keep one insert one block, so the dedup token covers the whole batch.
        max_insert_block_size: "1000000000",
        min_insert_block_size_rows: "0",
        min_insert_block_size_bytes: "0",
        // Raised deliberately from ClickHouse's default of 100: a block inserts one part per
        // month it touches, and an accepted historical import spans years. The contract bounds
        // occurredAt (2000-01 on, at most a day ahead: about 330 months in 2027), so no
        // accepted chunk can reach 1000 and be refused with TOO_MANY_PARTS forever.
        max_partitions_per_insert_block: "1000",
      };
      try {
        if (ch.insertRaw) {
          // Embedded: the payload goes to the engine as one buffer (no stream, no string copies).
          let body = "";
          for (const row of rows) body += `${JSON.stringify(row)}\n`;
          await ch.insertRaw(table, columns, Buffer.from(body), "JSONCompactEachRow", settings);
        } else {
          await ch.use((client) => client.insert({ table, columns: [...columns] as [string, ...string[]], values: rows, format: "JSONCompactEachRow", clickhouse_settings: settings }));
        }
      } catch (e) {
        throw classifyClickHouseError(e, `insert into ${table}`);
      }
    },
  };
}

/** ClickHouse error codes that mean "these rows are wrong": the same rows fail again, others may pass. */
const DATA_REJECTED = new Set([
  "CANNOT_PARSE_INPUT_ASSERTION_FAILED",
  "CANNOT_PARSE_TEXT",
  "CANNOT_PARSE_DATETIME",
  "CANNOT_PARSE_NUMBER",
  "CANNOT_PARSE_DATE",
  "CANNOT_READ_ARRAY_FROM_TEXT",
  "CANNOT_INSERT_NULL_IN_ORDINARY_COLUMN",
  "TYPE_MISMATCH",
  "INCORRECT_DATA",
  "VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE",
  "VIOLATED_CONSTRAINT",
  "TOO_LARGE_STRING_SIZE",
]);

/** Codes that mean "this statement is wrong" (schema or code): retrying the same statement cannot help. */
const STATEMENT_REJECTED = new Set(["UNKNOWN_IDENTIFIER", "NO_SUCH_COLUMN_IN_TABLE", "UNKNOWN_TABLE", "SYNTAX_ERROR", "INCORRECT_NUMBER_OF_COLUMNS"]);

/**
 * Maps a ClickHouse failure to a PulseError whose code says what a caller can do:
 * `clickhouse_rejected_data` (these rows: retrying them cannot help, other rows may pass),
 * `clickhouse_rejected` (the statement or schema: fix the code or run the migrations),
 * `clickhouse_unavailable` (anything else: retry). `details.clickhouseCode` keeps ClickHouse's own.
 */
export function classifyClickHouseError(e: unknown, what: string): PulseError {
  const type = typeof e === "object" && e !== null && "type" in e ? String((e).type) : "";
  const message = e instanceof Error ? e.message : String(e);
  const code = DATA_REJECTED.has(type) ? "clickhouse_rejected_data" : STATEMENT_REJECTED.has(type) ? "clickhouse_rejected" : "clickhouse_unavailable";
  const retry = code === "clickhouse_unavailable";
  return new PulseError(code, `${what} failed: ${type ? `${type}: ` : ""}${message}`, {
    retry,
    status: retry ? 503 : 500,
    cause: e,
    ...(type ? { details: { clickhouseCode: type } } : {}),
  });
}
