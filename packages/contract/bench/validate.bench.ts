/**
 * Micro benchmark of validateEvent (the collector's hot path; target ≈ 50k events/s per core).
 * A script, not a test: it prints figures beside baselines measured in the same run.
 *
 *   pnpm --filter @pulse/contract bench          (or: pnpm exec tsx packages/contract/bench/validate.bench.ts)
 *
 * Baselines: JSON.parse of the same event (work the collector does anyway per event) and a bare
 * zod safeParse of the discriminated union (what validateEvent adds on top of zod).
 */
import { EVENT_TYPES, FeedbackEvent, validateEvent } from "../src/index";
import { makeSampleEvent } from "../src/fixtures";

const DURATION_MS = Number(process.argv[2] ?? 1000);

function bench(name: string, inputs: readonly unknown[], fn: (input: unknown) => unknown): number {
  // Warm up so the JIT has compiled the path before we time it.
  for (let i = 0; i < 20_000; i++) fn(inputs[i % inputs.length]);
  let n = 0;
  let sink = 0;
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(DURATION_MS) * 1_000_000n;
  let now = start;
  while (now < deadline) {
    for (let i = 0; i < 1000; i++) {
      if (fn(inputs[(n + i) % inputs.length]) !== undefined) sink++;
    }
    n += 1000;
    now = process.hrtime.bigint();
  }
  const seconds = Number(now - start) / 1e9;
  const perSecond = n / seconds;
  console.log(
    `${name.padEnd(48)} ${Math.round(perSecond).toLocaleString("en-US").padStart(12)} events/s ` +
      `${((seconds / n) * 1e9).toFixed(0).padStart(7)} ns/event${sink < 0 ? "" : ""}`,
  );
  return perSecond;
}

const valid = EVENT_TYPES.flatMap((t) => Array.from({ length: 20 }, () => makeSampleEvent(t)));
const validJson = valid.map((e) => JSON.stringify(e));

const invalid = valid.map((e, i) => {
  const copy = JSON.parse(JSON.stringify(e)) as Record<string, unknown> & {
    body: Record<string, unknown>;
  };
  switch (i % 4) {
    case 0: // one bad field
      copy.channel = "fax";
      break;
    case 1: // unknown fields at both levels
      copy.tenant = "acme";
      copy.body.extra = 1;
      break;
    case 2: // several issues at once
      copy.occurredAt = "2025-03-14T10:00:00";
      copy.id = "";
      delete copy.customer;
      break;
    default: // unknown type: envelope-only pass
      copy.type = "survey.answer";
  }
  return copy;
});

const opts = { now: new Date("2025-03-15T00:00:00Z") };

console.log(`validateEvent micro benchmark (node ${process.version}, ${DURATION_MS} ms per row)\n`);
const parse = bench("baseline: JSON.parse of the event", validJson, (s) => JSON.parse(s as string));
const zod = bench("baseline: FeedbackEvent.safeParse (zod only)", valid, (e) =>
  FeedbackEvent.safeParse(e),
);
const ok = bench("validateEvent, valid events (all 5 types)", valid, (e) => validateEvent(e, opts));
const bad = bench("validateEvent, invalid events (1–4 issues)", invalid, (e) =>
  validateEvent(e, opts),
);
const mixed = [...valid.slice(0, 90), ...invalid.slice(0, 10)];
const mix = bench("validateEvent, 90% valid / 10% invalid", mixed, (e) => validateEvent(e, opts));

console.log(
  `\nvalid: ${(ok / zod).toFixed(2)}× zod-only throughput, ${(ok / parse).toFixed(2)}× JSON.parse; ` +
    `invalid: ${(bad / ok).toFixed(2)}× valid; mixed: ${Math.round(mix).toLocaleString("en-US")} events/s ` +
    `(target 50,000 events/s)`,
);
