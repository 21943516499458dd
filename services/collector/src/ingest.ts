/**
 * The pure core of ingestion: parsed items → one outcome per item. Validation uses the shared
 * contract; within one request the first valid event with an id wins and later ones are
 * duplicates. Nothing here knows about Kafka, Redis or HTTP.
 */
import { DEFAULT_MAX_ISSUES, validateEvent, type FeedbackEvent } from "@pulse/contract";
import type { BodyItem } from "./body/parse-body";
import type { IngestIssue } from "./issues";

export type ItemOutcome =
  | { status: "valid"; event: FeedbackEvent }
  | { status: "rejected"; id: string | undefined; errors: IngestIssue[] }
  | { status: "duplicate"; id: string };

export interface ClassifyOptions {
  now: Date;
  maxFutureSkewMs?: number;
  minOccurredAt?: Date;
  /** Issues listed for one event (the contract's default when absent). */
  maxIssues?: number;
}

/**
 * Issues one answer lists across all its events. Past it every rejected event still gets its first
 * issue and a `too_many_issues` count, so a body of 10,000 broken events cannot make an answer
 * hundreds of times its own size.
 */
export const REQUEST_ISSUE_BUDGET = 1000;

function rawId(value: unknown): string | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  const id = (value as Record<string, unknown>).id;
  return typeof id === "string" && id.length <= 128 ? id : undefined;
}

/** Body-level issues (a `__proto__` key) plus every contract issue, without repeating a (code, path). */
export function mergeIssues(first: IngestIssue[], second: readonly IngestIssue[]): IngestIssue[] {
  const seen = new Set(first.map((i) => `${i.code}\u0000${i.path}`));
  const out = [...first];
  for (const i of second) if (!seen.has(`${i.code}\u0000${i.path}`)) out.push(i);
  return out;
}

export function classifyItem(item: BodyItem, opts: ClassifyOptions): Exclude<ItemOutcome, { status: "duplicate" }> {
  const validateOpts = {
    now: opts.now,
    ...(opts.maxFutureSkewMs === undefined ? {} : { maxFutureSkewMs: opts.maxFutureSkewMs }),
    ...(opts.minOccurredAt === undefined ? {} : { minOccurredAt: opts.minOccurredAt }),
    ...(opts.maxIssues === undefined ? {} : { maxIssues: opts.maxIssues }),
  };
  if (!item.ok) {
    if (!("value" in item)) return { status: "rejected", id: undefined, errors: item.issues };
    // A value with a forbidden key is still validated, so the sender sees every issue at once.
    const r = validateEvent(item.value, validateOpts);
    return { status: "rejected", id: rawId(item.value), errors: mergeIssues(item.issues, r.ok ? [] : r.error) };
  }
  const r = validateEvent(item.value, validateOpts);
  if (r.ok) return { status: "valid", event: r.value };
  return { status: "rejected", id: rawId(item.value), errors: r.error };
}

export function classifyItems(items: readonly BodyItem[], opts: ClassifyOptions): ItemOutcome[] {
  const ids = new Set<string>();
  let budget = REQUEST_ISSUE_BUDGET;
  return items.map((item) => {
    const outcome = classifyItem(item, { ...opts, maxIssues: Math.min(opts.maxIssues ?? DEFAULT_MAX_ISSUES, Math.max(1, budget)) });
    if (outcome.status === "rejected") budget -= outcome.errors.length;
    if (outcome.status !== "valid") return outcome;
    if (ids.has(outcome.event.id)) return { status: "duplicate", id: outcome.event.id };
    ids.add(outcome.event.id);
    return outcome;
  });
}

