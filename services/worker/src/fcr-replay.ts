import type { ClickHouse } from "@pulse/clickhouse";
import type { FcrWindow } from "@pulse/enrichment";

/**
 * FCR in a replay of [from, to) (replay.ts). The replay deletes the range's contacts and outcome
 * rows with its rollup buckets, re-inserts the range's contacts from the archive, then calls
 * `reconcileFcr`: for every contact of [from − W, to) it compares the outcome the stored contacts
 * now imply (its next contact of the same key, by window function) with the net of its rows in
 * fcr_repeats, and inserts the difference as signed rows. Contacts before the range whose next
 * contact was replayed (moved, re-topiced, added or removed) are corrected in their own cohorts;
 * the range's own cohorts are rebuilt whole. Only contacts within W of the range can change.
 */
export interface FcrReplayRange {
  /** ClickHouse DateTime64(3) literals (chTime) */
  from: string;
  to: string;
  tenant: string;
}

const tenantFilter = (r: FcrReplayRange) => (r.tenant ? " AND tenant = {tenant:String}" : "");

/** Deletes the range's contacts and the outcome rows of the range's cohorts (synchronously). */
export async function deleteFcrRange(ch: ClickHouse, r: FcrReplayRange): Promise<void> {
  for (const table of ["fcr_contacts", "fcr_repeats"]) {
    await ch.client.command({
      query: `ALTER TABLE ${table} DELETE WHERE occurred_at >= {from:DateTime64(3, 'UTC')} AND occurred_at < {to:DateTime64(3, 'UTC')}${tenantFilter(r)}`,
      query_params: { ...r },
      clickhouse_settings: { mutations_sync: "2" },
    });
  }
}

/** Inserts, for every contact of [from − W, to), the difference between its implied and its recorded outcome. */
export async function reconcileFcr(ch: ClickHouse, r: FcrReplayRange, w: FcrWindow, dedupToken: string): Promise<void> {
  const params = { ...r, w: w.windowMs, bin: w.binMs };
  const since = "fromUnixTimestamp64Milli(toUnixTimestamp64Milli({from:DateTime64(3, 'UTC')}) - {w:Int64}, 'UTC')";
  const until = "fromUnixTimestamp64Milli(toUnixTimestamp64Milli({to:DateTime64(3, 'UTC')}) + {w:Int64}, 'UTC')";
  const dims = "tenant, customer_id, topic, occurred_at, contact_id, touchpoint, channel, segment, journey_stage";
  await ch.client.command({
    query: `INSERT INTO fcr_repeats (${dims}, repeat_bin, sign)
SELECT ${dims}, repeat_bin, toInt8(if(delta > 0, 1, -1)) AS sign
FROM (
  SELECT ${dims}, repeat_bin, sum(c) AS delta
  FROM (
    SELECT ${dims}, toUInt32(intDiv(next_t - t + {bin:Int64} - 1, {bin:Int64})) AS repeat_bin, toInt64(1) AS c
    FROM (
      SELECT ${dims}, toUnixTimestamp64Milli(occurred_at) AS t,
             leadInFrame(toNullable(toUnixTimestamp64Milli(occurred_at))) OVER (
               PARTITION BY tenant, customer_id, topic ORDER BY occurred_at, contact_id
               ROWS BETWEEN CURRENT ROW AND 1 FOLLOWING) AS next_t
      FROM fcr_contacts
      WHERE occurred_at >= ${since} AND occurred_at <= ${until}${tenantFilter(r)}
    )
    WHERE occurred_at < {to:DateTime64(3, 'UTC')} AND next_t IS NOT NULL AND next_t - t <= {w:Int64}
    UNION ALL
    SELECT ${dims}, repeat_bin, -toInt64(sign) AS c
    FROM fcr_repeats
    WHERE occurred_at >= ${since} AND occurred_at < {to:DateTime64(3, 'UTC')}${tenantFilter(r)}
  )
  GROUP BY ${dims}, repeat_bin
  HAVING delta != 0
)
ARRAY JOIN range(toUInt64(abs(delta))) AS copy`,
    query_params: params,
    clickhouse_settings: { insert_deduplication_token: dedupToken, deduplicate_blocks_in_dependent_materialized_views: 1 },
  });
}
