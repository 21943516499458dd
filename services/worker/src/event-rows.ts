import type { Reader } from "@pulse/clickhouse";
import type { FeedbackEvent } from "@pulse/contract";
import { hoursToResolve } from "./complaints-lookup";
import { checkIds, type Candidate } from "./dedup";
import type { EnrichmentPort, Profile } from "./enrichment";
import type { IdClaims } from "./id-claims";
import type { DecodedWire as Decoded } from "@pulse/contract";
import { toEventRow, type Enriched } from "./rows";

/** A decoded message with where Kafka had it. */
export interface Positioned {
  m: { offset: string; timestamp: string };
  d: Decoded;
  partition: number;
}

export interface EventRowsDeps {
  reader: Pick<Reader, "query">;
  enrichment: EnrichmentPort;
  /** Absent in a replay: the events re-inserted there were claimed when they were first stored. */
  claims?: IdClaims | null;
  /** How long an event id is remembered for deduplication (days). */
  dedupWindowDays?: number;
}

export interface EventRows<T extends Positioned> {
  /** Positional rows for feedback_events, in the same order as `enriched`. */
  rows: unknown[][];
  enriched: (T & { x: Omit<Enriched, "hoursToResolve"> })[];
  /** Copies of ids already held at another position (dropped). */
  duplicates: number;
  /** Messages the registry already holds at their own position (dropped when `keepStored` is false). */
  stored: number;
}

/**
 * Decoded messages → feedback_events rows: drops ids held elsewhere, looks profiles up once per
 * tenant, enriches, and computes complaint resolution times. Shared by the live consumer and replay.
 * `keepStored`: keep messages the registry holds at their own position. True when the insert that
 * stored them may be incomplete and its token must be sent again (a chunk re-delivered after its
 * range was recorded; a replay, which deleted them); false for a chunk never recorded, whose
 * messages can only be in the registry because a whole earlier insert of them returned.
 */
export async function buildEventRows<T extends Positioned>(decoded: T[], deps: EventRowsDeps, keepStored: boolean, lap: (step: string) => void = () => undefined): Promise<EventRows<T>> {
  const candidates = new Map<Candidate, T>();
  for (const x of decoded) candidates.set({ tenant: x.d.tenant, id: x.d.event.id, partition: x.partition, offset: x.m.offset }, x);
  const byTenant = new Map<string, Set<string>>();
  for (const { d } of candidates.values()) byTenant.set(d.tenant, (byTenant.get(d.tenant) ?? new Set()).add(d.event.customer.id));
  // The id checks and the profile lookups are independent: they run side by side.
  const [ids, profileLists] = await Promise.all([
    checkIds(deps.reader, deps.claims ?? null, [...candidates.keys()], deps.dedupWindowDays),
    Promise.all([...byTenant].map(async ([tenant, customers]) => [tenant, await deps.enrichment.profiles(tenant, [...customers])] as const)),
  ]);
  const fresh = [...candidates].filter(([c]) => !ids.elsewhere.has(c) && (keepStored || !ids.here.has(c))).map(([, x]) => x);
  const profiles = new Map<string, Map<string, Profile>>(profileLists);
  lap("dedup_and_profiles");

  const enriched = fresh.map((f) => ({ ...f, x: deps.enrichment.enrich(f.d, profiles.get(f.d.tenant)?.get(f.d.event.customer.id)) }));
  lap("enrich");
  const hours = await hoursToResolve(deps.reader, enriched.map((e) => ({ tenant: e.d.tenant, event: e.d.event })));
  const rows = enriched.map(({ m, d, x, partition }) => toEventRow(d, { ...x, hoursToResolve: hours.get(d.event) ?? null }, { partition, offset: m.offset }));
  lap("complaints_and_rows");
  return { rows, enriched, duplicates: ids.elsewhere.size, stored: keepStored ? 0 : ids.here.size };
}

/** The events that are contacts for first-contact resolution. */
export function isContact(e: FeedbackEvent): boolean {
  return e.type === "call.completed" || e.type === "contact.completed" || e.type === "complaint.opened";
}
