import { Gauge, type Registry } from "@pulse/kit";
import type { Reader } from "./reader";

/**
 * The engine's own counters (ClickHouse `system.events`, process-wide for embedded chDB, server-wide
 * for a server), read at each scrape: where the engine's time goes — inserts, selects, merges,
 * CPU — next to the role's own metrics. chDB has no query_log; these counters are what it has.
 */
export const ENGINE_EVENTS = [
  "Query",
  "InsertQuery",
  "SelectQuery",
  "InsertedRows",
  "InsertQueryTimeMicroseconds",
  "SelectQueryTimeMicroseconds",
  "Merge",
  "MergedRows",
  "MergeTotalMilliseconds",
  "UserTimeMicroseconds",
  "SystemTimeMicroseconds",
  "OSCPUVirtualTimeMicroseconds",
] as const;

export function registerEngineMetrics(registry: Registry, reader: Pick<Reader, "query">): void {
  new Gauge({
    name: "pulse_clickhouse_profile_events",
    help: "ClickHouse's cumulative counters from system.events (a counter's value since the engine started), read at scrape",
    labelNames: ["event"],
    registers: [registry],
    async collect() {
      try {
        const rows = await reader.query<{ event: string; value: string | number }>("SELECT event, value FROM system.events WHERE event IN {names:Array(String)}", {
          names: [...ENGINE_EVENTS],
        });
        for (const r of rows) this.set({ event: r.event }, Number(r.value));
      } catch {
        // An engine that cannot answer leaves the last values; the role's own health says why.
      }
    },
  });
}
