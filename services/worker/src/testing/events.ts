import type { FeedbackEvent } from "@pulse/contract";
import { seededRandom } from "@pulse/kit";

/**
 * A small deterministic generator of realistic events for worker tests and benchmarks
 * (mulberry32 PRNG: the same seed gives the same events).
 */
export const prng = seededRandom;

const TOUCHPOINTS = ["ivr", "chat", "store", "delivery", "billing"] as const;
const SEGMENTS = ["retail", "business", "premium"] as const;
const COMMENTS = [
  "The agent was very helpful and polite, thank you",
  "Waited forever in the queue, terrible service",
  "Obsługa bardzo miła, polecam",
  "Nie polecam, fatalna obsługa i długie czekanie",
  "Refund still not processed, call me at +48 601 234 567",
  "",
];

export function makeEvents(count: number, opts: { seed?: number; baseTime?: number; idPrefix?: string; customers?: number } = {}): FeedbackEvent[] {
  const rnd = prng(opts.seed ?? 1);
  const base = opts.baseTime ?? Date.UTC(2026, 10, 20, 8, 0, 0);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const out: FeedbackEvent[] = [];
  for (let i = 0; i < count; i++) {
    const occurredAt = new Date(base + Math.floor(rnd() * 6 * 3600_000)).toISOString();
    const touchpoint = pick(TOUCHPOINTS);
    const customer = { id: `c-${Math.floor(rnd() * (opts.customers ?? 500))}`, segment: pick(SEGMENTS) };
    const id = `${opts.idPrefix ?? "e"}-${i}`;
    const r = rnd();
    const common = { id, occurredAt, source: "test", touchpoint, customer, schemaVersion: 1 as const };
    if (r < 0.45) {
      const comment = pick(COMMENTS);
      out.push({
        ...common,
        type: "survey.response",
        channel: "survey",
        body: {
          surveyId: "s1",
          nps: Math.floor(rnd() * 11),
          ...(rnd() < 0.7 ? { csat: 1 + Math.floor(rnd() * 5) } : {}),
          ...(rnd() < 0.5 ? { ces: 1 + Math.floor(rnd() * 7) } : {}),
          ...(comment ? { comment } : {}),
          // Expectation vs experience on three answers in four, from the index (no draw, so the
          // rest of the generated data is what it was before these fields existed).
          ...(i % 4 !== 0 ? { expectation: 1 + (i % 5), experience: 1 + ((i * 3) % 5) } : {}),
        },
      });
    } else if (r < 0.8) {
      const abandoned = rnd() < 0.15;
      out.push({
        ...common,
        type: "call.completed",
        channel: "phone",
        body: {
          queue: pick(["billing", "tech", "sales"]),
          waitSeconds: Math.floor(rnd() * 600),
          handleSeconds: abandoned ? 0 : Math.floor(rnd() * 900),
          holdSeconds: 0,
          transfers: Math.floor(rnd() * 2),
          abandoned,
          ...(rnd() < 0.5 ? { resolved: rnd() < 0.7 } : {}),
        },
      });
    } else if (r < 0.93) {
      out.push({ ...common, type: "contact.completed", channel: "chat", body: { handleSeconds: Math.floor(rnd() * 1200), waitSeconds: Math.floor(rnd() * 120) } });
    } else if (r < 0.97) {
      out.push({
        ...common,
        type: "complaint.opened",
        channel: "email",
        body: { complaintId: `k-${i}`, category: "billing", severity: "medium", text: pick(COMMENTS.filter((c) => c)) },
      });
    } else {
      out.push({
        ...common,
        type: "complaint.resolved",
        channel: "email",
        body: { complaintId: `k-${Math.max(0, i - 20)}`, resolution: "upheld", resolvedAt: occurredAt },
      });
    }
  }
  return out;
}
