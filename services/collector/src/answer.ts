/**
 * The per-event answer of an ingest request, and the status code it implies:
 * 200 when nothing was rejected, 207 when some events were, 400 when all were.
 */
import type { ItemOutcome } from "./ingest";
import type { IngestIssue } from "./issues";

export type EventStatus = "accepted" | "duplicate" | "rejected";

export interface EventResult {
  index: number;
  status: EventStatus;
  id?: string;
  errors?: IngestIssue[];
}

export interface IngestAnswer {
  accepted: number;
  duplicates: number;
  rejected: number;
  results: EventResult[];
}

/**
 * `seenBefore`: ids already accepted for this tenant within the idempotency window. Valid events
 * not in it are reported accepted, so call this only once Kafka has acknowledged them.
 */
export function buildAnswer(outcomes: readonly ItemOutcome[], seenBefore: ReadonlySet<string>): IngestAnswer {
  let accepted = 0;
  let duplicates = 0;
  let rejected = 0;
  const results = outcomes.map((o, index): EventResult => {
    switch (o.status) {
      case "valid":
        if (seenBefore.has(o.event.id)) {
          duplicates++;
          return { index, status: "duplicate", id: o.event.id };
        }
        accepted++;
        return { index, status: "accepted", id: o.event.id };
      case "duplicate":
        duplicates++;
        return { index, status: "duplicate", id: o.id };
      case "rejected":
        rejected++;
        return { index, status: "rejected", ...(o.id === undefined ? {} : { id: o.id }), errors: o.errors };
    }
  });
  return { accepted, duplicates, rejected, results };
}

export function answerStatus(a: Pick<IngestAnswer, "accepted" | "duplicates" | "rejected">): 200 | 207 | 400 {
  if (a.rejected === 0) return 200;
  return a.accepted + a.duplicates === 0 ? 400 : 207;
}
