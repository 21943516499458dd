import type { FeedbackEvent } from "@pulse/contract";
import type { TenantLedger } from "./load";

/** The rollup sums the chaos run checks, computed from the events sent (not from Pulse's code). */
export interface Sums {
  events: number;
  nps_n: number;
  nps_promoters: number;
  calls_offered: number;
  wait_ms_sum: number;
}

export const SUM_COLUMNS = ["events", "nps_n", "nps_promoters", "calls_offered", "wait_ms_sum"] as const;
export const GRAINS = ["rollup_minute", "rollup_hour", "rollup_day"] as const;

export function expectedSums(events: Iterable<FeedbackEvent>): Sums {
  const s: Sums = { events: 0, nps_n: 0, nps_promoters: 0, calls_offered: 0, wait_ms_sum: 0 };
  for (const e of events) {
    s.events++;
    if (e.type === "survey.response" && e.body.nps !== undefined) {
      s.nps_n++;
      if (e.body.nps >= 9) s.nps_promoters++;
    }
    if (e.type === "call.completed") {
      s.calls_offered++;
      if (!e.body.abandoned) s.wait_ms_sum += Math.round(e.body.waitSeconds * 1000);
    }
    if (e.type === "contact.completed" && e.body.waitSeconds !== undefined) s.wait_ms_sum += Math.round(e.body.waitSeconds * 1000);
  }
  return s;
}

export interface TenantVerdict {
  tenant: string;
  generated: number;
  accepted: number;
  counted: number;
  lost: number;
  doubled: number;
  unexpected: number;
  rejected: number;
  /** `<grain>.<column>: got X, expected Y` for every rollup sum that differs. */
  rollupMismatches: string[];
}

/**
 * Per tenant: every generated event must have been accepted (the sender retried until it was),
 * stored exactly once, and every rollup grain must equal the independent sums.
 */
export function judgeTenant(ledger: TenantLedger, storedIds: string[], rollups: Record<string, Sums>): TenantVerdict {
  const seen = new Map<string, number>();
  for (const id of storedIds) seen.set(id, (seen.get(id) ?? 0) + 1);
  let lost = 0;
  for (const id of ledger.sent.keys()) if (!seen.has(id)) lost++;
  let doubled = 0;
  let unexpected = 0;
  for (const [id, n] of seen) {
    if (n > 1) doubled += n - 1;
    if (!ledger.sent.has(id)) unexpected++;
  }
  const want = expectedSums(ledger.sent.values());
  const rollupMismatches: string[] = [];
  for (const [grain, got] of Object.entries(rollups)) {
    for (const c of SUM_COLUMNS) if (got[c] !== want[c]) rollupMismatches.push(`${grain}.${c}: got ${got[c]}, expected ${want[c]}`);
  }
  return {
    tenant: ledger.tenant,
    generated: ledger.sent.size,
    accepted: ledger.acked.size,
    counted: seen.size,
    lost,
    doubled,
    unexpected,
    rejected: ledger.rejected.length,
    rollupMismatches,
  };
}
