import type { ClickHouse } from "./client";
import { classifyClickHouseError } from "./writer";

export interface Reader {
  /**
   * Runs a read query. User input only ever reaches SQL through `params`
   * (`{name:Type}` placeholders bound by the server), never by string building.
   */
  query<T>(sql: string, params?: Record<string, unknown>): Promise<T[]>;
}

export function createReader(ch: ClickHouse): Reader {
  return {
    async query<T>(sql: string, params: Record<string, unknown> = {}): Promise<T[]> {
      try {
        return await ch.use(async (client) => {
          const rs = await client.query({
            query: sql,
            query_params: params,
            format: "JSONEachRow",
            // No per-query `readonly`: embedded chDB keeps settings on its session, and readonly cannot
            // be lowered again. Reads stay safe because user input only arrives as bound parameters.
            clickhouse_settings: { output_format_json_quote_64bit_integers: 0 },
          });
          return rs.json<T>();
        });
      } catch (e) {
        throw classifyClickHouseError(e, "query");
      }
    },
  };
}
