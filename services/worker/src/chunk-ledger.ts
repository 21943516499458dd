import type { Reader, Writer } from "@pulse/clickhouse";
import type { Range } from "./chunks";

/** Where a chunk came from, stored beside its ledger entries for operators reading the table. */
export interface LedgerChunk extends Range {
  token: string;
  topic: string;
  partition: number;
}

export interface LedgerEntry {
  /** Every insert of the chunk returned: re-delivering it must change nothing. */
  applied: boolean;
  /** Nodes of the split tree ("" = the whole chunk, "0"/"1" its halves, ...) that were split. */
  split: ReadonlySet<string>;
}

export interface ChunkLedger {
  lookup(token: string): Promise<LedgerEntry>;
  markSplit(chunk: LedgerChunk, node: string): Promise<void>;
  markApplied(chunk: LedgerChunk): Promise<void>;
}

export const LEDGER_COLUMNS = ["token", "node", "kind", "topic", "partition", "first_offset", "last_offset"] as const;

/** The chunk ledger in ClickHouse (migration 0008): durable exactly as long as the data it describes. */
export function createChunkLedger(reader: Pick<Reader, "query">, writer: Writer): ChunkLedger {
  const row = (c: LedgerChunk, node: string, kind: "applied" | "split") => [c.token, node, kind, c.topic, c.partition, String(c.start), String(c.end)];
  return {
    async lookup(token) {
      const rows = await reader.query<{ node: string; kind: string }>("SELECT node, toString(kind) AS kind FROM chunk_ledger WHERE token = {token:String}", { token });
      return { applied: rows.some((r) => r.kind === "applied" && r.node === ""), split: new Set(rows.filter((r) => r.kind === "split").map((r) => r.node)) };
    },
    async markSplit(c, node) {
      await writer.insert("chunk_ledger", LEDGER_COLUMNS, [row(c, node, "split")], { dedupToken: `${c.token}:split:${node}` });
    },
    async markApplied(c) {
      await writer.insert("chunk_ledger", LEDGER_COLUMNS, [row(c, "", "applied")], { dedupToken: `${c.token}:applied` });
    },
  };
}
