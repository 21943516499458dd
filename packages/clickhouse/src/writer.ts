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
      try {
        await ch.use((client) => client.insert({
          table,
          columns: [...columns] as [string, ...string[]],
          values: rows,
          format: "JSONCompactEachRow",
          clickhouse_settings: {
            // Always sent, "" when absent: embedded chDB applies settings with SET on a shared
            // session, so a token left over from an earlier insert would otherwise stick.
            insert_deduplication_token: opts.dedupToken ?? "",
            insert_deduplicate: 1,
            deduplicate_blocks_in_dependent_materialized_views: 1,
            // Keep one insert one block, so the dedup token covers the whole batch.
            max_insert_block_size: "1000000000",
            min_insert_block_size_rows: "0",
            min_insert_block_size_bytes: "0",
          },
        }));
      } catch (e) {
        throw classifyClickHouseError(e, `insert into ${table}`);
      }
    },
  };
}

/** ClickHouse error codes that mean "the data is wrong": retrying cannot help. */
const PERMANENT = new Set([
  "CANNOT_PARSE_INPUT_ASSERTION_FAILED",
  "CANNOT_PARSE_TEXT",
  "TYPE_MISMATCH",
  "INCORRECT_DATA",
  "UNKNOWN_IDENTIFIER",
  "NO_SUCH_COLUMN_IN_TABLE",
  "UNKNOWN_TABLE",
  "SYNTAX_ERROR",
  "CANNOT_PARSE_DATETIME",
  "VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE",
]);

export function classifyClickHouseError(e: unknown, what: string): PulseError {
  const type = typeof e === "object" && e !== null && "type" in e ? String((e).type) : "";
  const message = e instanceof Error ? e.message : String(e);
  const retry = !PERMANENT.has(type);
  return new PulseError(retry ? "clickhouse_unavailable" : "clickhouse_rejected", `${what} failed: ${type ? `${type}: ` : ""}${message}`, {
    retry,
    status: retry ? 503 : 500,
    cause: e,
  });
}
