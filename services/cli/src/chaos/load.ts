import type { FeedbackEvent } from "@pulse/contract";
import { seededRandom } from "@pulse/kit";

/** Tenant-level truth kept by the client side of the chaos run, independent of Pulse's code. */
export interface TenantLedger {
  tenant: string;
  key: string;
  /** Every event generated, by id. */
  sent: Map<string, FeedbackEvent>;
  /** Ids the collector answered `accepted` or `duplicate` for (Kafka has them). */
  acked: Set<string>;
  /** Events whose request failed (5xx, timeout, connection refused): sent again later, same id. */
  pending: FeedbackEvent[];
  /** Valid events the collector rejected: always a defect. */
  rejected: { id: string; errors: unknown }[];
}

export interface LoadStats {
  requests: number;
  failedRequests: number;
  statuses: Record<string, number>;
}

const TOUCHPOINTS = ["ivr", "chat", "store", "billing"] as const;

/** Valid events of three kinds; wait times in quarter seconds so millisecond sums are exact. */
export function eventFactory(seed: number) {
  const rnd = seededRandom(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  return (tenant: string, seq: number, now: number): FeedbackEvent => {
    const common = {
      id: `${tenant}-${seq}`,
      occurredAt: new Date(now - Math.floor(rnd() * 30 * 60_000)).toISOString(),
      source: "chaos",
      touchpoint: pick(TOUCHPOINTS),
      customer: { id: `c${Math.floor(rnd() * 2000)}`, segment: pick(["retail", "business"] as const) },
      schemaVersion: 1 as const,
    };
    const r = rnd();
    if (r < 0.5) {
      return { ...common, type: "survey.response", channel: "web", body: { surveyId: "post-contact", nps: Math.floor(rnd() * 11), ...(rnd() < 0.5 ? { csat: 1 + Math.floor(rnd() * 5) } : {}) } };
    }
    if (r < 0.8) {
      const topic = pick(["billing", "tech", "card"] as const);
      return {
        ...common,
        type: "call.completed",
        channel: "phone",
        body: { queue: topic, topic, waitSeconds: Math.floor(rnd() * 1200) / 4, handleSeconds: 60 + Math.floor(rnd() * 600), holdSeconds: 0, transfers: 0, abandoned: rnd() < 0.1 },
      };
    }
    return { ...common, type: "contact.completed", channel: "chat", body: { handleSeconds: 200, waitSeconds: Math.floor(rnd() * 400) / 4, topic: "delivery" } };
  };
}

interface Answer {
  results?: { index: number; status: "accepted" | "duplicate" | "rejected"; errors?: unknown }[];
}

/**
 * Steady load through the collector's HTTP API: `ratePerSecond` new events, spread over the
 * tenants, posted in small batches every 100 ms; failed requests are retried with the same ids
 * alongside new events, as a real sender would.
 */
export class LoadGenerator {
  readonly stats: LoadStats = { requests: 0, failedRequests: 0, statuses: {} };
  private seq = 0;
  private timer: NodeJS.Timeout | undefined;
  private inFlight = 0;
  private readonly make: ReturnType<typeof eventFactory>;

  constructor(
    private readonly url: string,
    readonly ledgers: TenantLedger[],
    private readonly ratePerSecond: number,
    seed: number,
  ) {
    this.make = eventFactory(seed);
  }

  start(): void {
    const perTick = Math.max(1, Math.round(this.ratePerSecond / 10 / this.ledgers.length));
    this.timer = setInterval(() => {
      for (const ledger of this.ledgers) {
        // A sender stops piling up requests when the collector is slow: at most 8 in flight.
        if (this.inFlight >= 8) return;
        const batch = ledger.pending.splice(0, 200);
        for (let i = 0; i < perTick; i++) {
          const e = this.make(ledger.tenant, this.seq++, Date.now());
          ledger.sent.set(e.id, e);
          batch.push(e);
        }
        void this.post(ledger, batch);
      }
    }, 100);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Resends every pending event until the collector has taken them all (faults are over). */
  async drain(timeoutMs: number): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (this.inFlight > 0 || this.ledgers.some((l) => l.pending.length > 0)) {
      if (Date.now() > until) throw new Error(`the collector did not take ${this.ledgers.reduce((s, l) => s + l.pending.length, 0)} pending events within ${timeoutMs} ms`);
      for (const ledger of this.ledgers) {
        if (ledger.pending.length > 0 && this.inFlight < 4) void this.post(ledger, ledger.pending.splice(0, 500));
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  private async post(ledger: TenantLedger, batch: FeedbackEvent[]): Promise<void> {
    this.inFlight++;
    this.stats.requests++;
    try {
      const res = await fetch(`${this.url}/v1/events`, {
        method: "POST",
        headers: { authorization: `Bearer ${ledger.key}`, "content-type": "application/json" },
        body: JSON.stringify(batch),
        signal: AbortSignal.timeout(30_000),
      });
      this.stats.statuses[res.status] = (this.stats.statuses[res.status] ?? 0) + 1;
      if (res.status !== 200 && res.status !== 207 && res.status !== 400) {
        await res.arrayBuffer().catch(() => undefined);
        throw new Error(`HTTP ${res.status}`);
      }
      const answer = (await res.json()) as Answer;
      const results = answer.results ?? [];
      if (results.length !== batch.length) throw new Error(`answer has ${results.length} results for ${batch.length} events`);
      for (const r of results) {
        const e = batch[r.index] as FeedbackEvent;
        if (r.status === "rejected") ledger.rejected.push({ id: e.id, errors: r.errors });
        else ledger.acked.add(e.id);
      }
    } catch {
      this.stats.failedRequests++;
      ledger.pending.push(...batch);
    } finally {
      this.inFlight--;
    }
  }
}
