import type { Writer } from "@pulse/clickhouse";
import { PulseError } from "@pulse/kit";

export interface SplitInsert {
  writer: Writer;
  table: string;
  columns: readonly string[];
  rows: readonly unknown[][];
  /** The whole block's token; a part's token is `<token>/<node>` (node "0", "1", "01", ...). */
  token: string;
  /** Nodes an earlier attempt split (from the chunk ledger): split again, never inserted whole. */
  splitBefore: ReadonlySet<string>;
  /** Records that `node` is being split, before any of its parts is inserted. */
  onSplit: (node: string) => Promise<void>;
}

/**
 * True when ClickHouse refused the data itself (a value it cannot parse or store, a constraint):
 * the same rows would be refused again, so retrying cannot help, but other rows of the block may
 * be fine. An error raised while pushing to a materialized view is not one of these: the block is
 * already in the source table by then, so splitting it would store those rows twice; such an error
 * is retried (and visible as a stalled partition) instead.
 */
export function isRejectedData(e: unknown): e is PulseError {
  return e instanceof PulseError && e.code === "clickhouse_rejected_data" && !/while pushing to view/i.test(e.message);
}

/**
 * Inserts `rows` as one block. When ClickHouse rejects the block for its data, splits it in halves
 * recursively until the rejected rows stand alone; every other row is inserted exactly once.
 * Deterministic across retries: the split points depend only on the row count, each part carries
 * its own token, and a node once split (recorded through `onSplit` before its parts are inserted)
 * is split again on a retry, even if inserting it whole would now succeed. Returns the rejected
 * rows' indexes with ClickHouse's reason; other errors propagate (the caller retries the chunk).
 */
export async function insertSplitting(s: SplitInsert): Promise<Map<number, PulseError>> {
  const rejected = new Map<number, PulseError>();
  const go = async (lo: number, hi: number, node: string): Promise<void> => {
    if (lo >= hi) return;
    if (!s.splitBefore.has(node)) {
      try {
        await s.writer.insert(s.table, s.columns, s.rows.slice(lo, hi), { dedupToken: node === "" ? s.token : `${s.token}/${node}` });
        return;
      } catch (e) {
        if (!isRejectedData(e)) throw e;
        if (hi - lo === 1) {
          rejected.set(lo, e);
          return;
        }
        await s.onSplit(node);
      }
    }
    const mid = lo + Math.ceil((hi - lo) / 2);
    await go(lo, mid, `${node}0`);
    await go(mid, hi, `${node}1`);
  };
  await go(0, s.rows.length, "");
  return rejected;
}
