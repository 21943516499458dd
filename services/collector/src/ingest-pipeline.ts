import { redactEventPii } from "@pulse/enrichment";
import { PulseError, UnavailableError, type Logger } from "@pulse/kit";
import { encodeWire, type FeedbackEvent } from "@pulse/contract";
import type { OutMessage } from "@pulse/kafka";
import type { Principal } from "./api-keys";
import { answerStatus, buildAnswer, type IngestAnswer } from "./answer";
import type { BodyItem } from "./body/parse-body";
import type { DedupStore } from "./dedup-store";
import { classifyItems, type ItemOutcome } from "./ingest";
import type { IngestIssue } from "./issues";
import type { CollectorMetrics } from "./metrics";
import type { ProduceBatcher } from "./produce-batcher";
import type { RateLimiter } from "./rate-limit";

/** 429 with the seconds after which the tenant's bucket holds enough tokens again. */
export class RateLimitedError extends PulseError {
  readonly retryAfterSeconds: number;
  constructor(retryAfterSeconds: number) {
    super("rate_limited", `the tenant's event rate limit is exhausted; retry after ${retryAfterSeconds} s`, {
      status: 429,
      retry: true,
      details: { retryAfterSeconds },
    });
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

export interface IngestPipelineDeps {
  batcher: ProduceBatcher;
  dedup: DedupStore;
  rateLimiter: RateLimiter;
  metrics: CollectorMetrics;
  logger: Logger;
  now: () => Date;
  produceTimeoutMs: number;
  minOccurredAt?: Date;
}

export interface IngestResult {
  status: 200 | 207 | 400;
  answer: IngestAnswer;
}

export interface IngestOptions {
  /** Rewrites the issues of rejected events (webhooks report their own field names). */
  translateIssue?: (issue: IngestIssue) => IngestIssue;
}

function timeout(ms: number): { promise: Promise<never>; cancel: () => void } {
  let timer: NodeJS.Timeout | undefined;
  const promise = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no acknowledgement within ${ms} ms`)), ms);
  });
  return { promise, cancel: () => clearTimeout(timer) };
}

/**
 * Items → answer: rate limit, validate and classify, look up earlier acceptances, produce the new
 * events and wait for Kafka, and only then mark them accepted. A Kafka failure throws an
 * UnavailableError (503) and nothing of the request is marked or reported accepted.
 */
export function createIngestPipeline(deps: IngestPipelineDeps) {
  const { metrics, logger } = deps;
  let lastDegradedLog = 0;
  const degraded = (op: "seen" | "mark") => {
    metrics.dedupDegraded.inc({ op });
    const t = Date.now();
    if (t - lastDegradedLog > 10_000) {
      lastDegradedLog = t;
      logger.warn({ op }, "idempotency store unavailable: duplicate check skipped (the worker still dedups by id)");
    }
  };

  return async function ingest(principal: Principal, items: readonly BodyItem[], opts: IngestOptions = {}): Promise<IngestResult> {
    const receivedAt = deps.now();
    const budget = deps.rateLimiter.take(principal.tenant, items.length, receivedAt.getTime());
    if (!budget.ok) {
      metrics.rateLimited.inc();
      throw new RateLimitedError(budget.retryAfterSeconds);
    }

    let outcomes: ItemOutcome[] = classifyItems(items, { now: receivedAt, ...(deps.minOccurredAt ? { minOccurredAt: deps.minOccurredAt } : {}) });
    if (opts.translateIssue) {
      const t = opts.translateIssue;
      outcomes = outcomes.map((o) => (o.status === "rejected" ? { ...o, errors: o.errors.map(t) } : o));
    }
    const valid = outcomes.flatMap((o) => (o.status === "valid" ? [o.event] : []));

    let seen = await deps.dedup.seen(principal.tenant, valid.map((e) => e.id));
    if (seen === undefined) {
      degraded("seen");
      seen = new Set();
    }
    const fresh = seen.size === 0 ? valid : valid.filter((e) => !seen.has(e.id));

    if (fresh.length > 0) {
      // PII in free text and string attributes is redacted before the event leaves the process:
      // Kafka, the archive and the DLQ only ever hold the redacted form (the worker redacts again).
      const toMessage = kafkaMessageWriter(principal, receivedAt);
      const messages = fresh.map((e) => toMessage(redactEventPii(e).event));
      const limit = timeout(deps.produceTimeoutMs);
      try {
        await Promise.race([deps.batcher.send(messages), limit.promise]);
      } catch (e) {
        metrics.kafkaUnavailable.inc();
        if (e instanceof UnavailableError) throw e;
        throw new UnavailableError("kafka_unavailable", `Kafka did not acknowledge the events: ${e instanceof Error ? e.message : String(e)}`, 5, e);
      } finally {
        limit.cancel();
      }
      // Marked only after the acknowledgement: a failed produce leaves the ids free for the retry.
      if (!(await deps.dedup.mark(principal.tenant, fresh.map((e) => e.id)))) degraded("mark");
    }

    const answer = buildAnswer(outcomes, seen);
    record(metrics, principal.tenant, outcomes, answer, seen.size);
    return { status: answerStatus(answer), answer };
  };
}

function record(metrics: CollectorMetrics, tenant: string, outcomes: readonly ItemOutcome[], a: IngestAnswer, windowDuplicates: number): void {
  if (a.accepted) metrics.events.inc({ tenant, outcome: "accepted" }, a.accepted);
  if (a.duplicates) metrics.events.inc({ tenant, outcome: "duplicate" }, a.duplicates);
  if (a.rejected) metrics.events.inc({ tenant, outcome: "rejected" }, a.rejected);
  if (windowDuplicates) metrics.duplicates.inc({ scope: "window" }, windowDuplicates);
  if (a.duplicates - windowDuplicates > 0) metrics.duplicates.inc({ scope: "request" }, a.duplicates - windowDuplicates);
  for (const o of outcomes) {
    if (o.status !== "rejected") continue;
    for (const code of new Set(o.errors.map((e) => e.code))) metrics.rejections.inc({ code });
  }
}

export type IngestPipeline = ReturnType<typeof createIngestPipeline>;

/**
 * What the collector writes to pulse.feedback.v1: the contract's wire message (the tenant and
 * source are the API key's, never the payload's), plus headers and the receive time as the Kafka
 * timestamp.
 */
export function toKafkaMessage(principal: Principal, receivedAt: Date, event: FeedbackEvent): OutMessage {
  return kafkaMessageWriter(principal, receivedAt)(event);
}

/** toKafkaMessage for the events of one request: the receive time is formatted once, not per event. */
export function kafkaMessageWriter(principal: Principal, receivedAt: Date): (event: FeedbackEvent) => OutMessage {
  const { tenant, source } = principal;
  const at = receivedAt.toISOString();
  const timestamp = String(receivedAt.getTime());
  return (event) => {
    const { key, value } = encodeWire({ tenant, source, receivedAt: at, event });
    return { key, value, headers: { "content-type": "application/json", "pulse-tenant": tenant }, timestamp };
  };
}
