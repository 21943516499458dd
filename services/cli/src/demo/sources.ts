import { createReadStream, existsSync } from "node:fs";
import { join } from "node:path";
import type { FeedbackEvent } from "@pulse/contract";
import { seededRandom } from "@pulse/kit";
import { importRows, resolveMapping } from "@pulse/mapping";

/** The public datasets the demo replays when present (see ../shared/data/README.md). */
const DATASETS = [
  { file: "anonymous_bank_callcenter_1999_february.txt", mapping: "bank-calls" },
  { file: "cfpb_complaints_sample.csv", mapping: "cfpb-complaints" },
  { file: "ba_skytrax_reviews.csv", mapping: "skytrax-reviews" },
] as const;

/** Up to `perFile` accepted events of each dataset found in `dataDir`, mapped by the shipped mappings. */
export async function loadRealEvents(dataDir: string, perFile: number): Promise<{ name: string; events: FeedbackEvent[] }[]> {
  const out: { name: string; events: FeedbackEvent[] }[] = [];
  for (const d of DATASETS) {
    const path = join(dataDir, d.file);
    if (!existsSync(path)) continue;
    const mapping = resolveMapping(d.mapping);
    if (!mapping.ok) continue;
    const events: FeedbackEvent[] = [];
    for await (const r of importRows(createReadStream(path), mapping.value, { now: new Date() })) {
      if (r.outcome.kind === "accepted") events.push(...r.outcome.events);
      if (events.length >= perFile) break;
    }
    out.push({ name: d.mapping, events });
  }
  return out;
}

const TOUCHPOINTS = [
  { touchpoint: "delivery", channel: "email", nps: 0.62, csat: 0.7 },
  { touchpoint: "billing", channel: "email", nps: 0.45, csat: 0.55 },
  { touchpoint: "chat", channel: "chat", nps: 0.7, csat: 0.78 },
  { touchpoint: "store", channel: "store", nps: 0.75, csat: 0.82 },
  { touchpoint: "ivr", channel: "phone", nps: 0.4, csat: 0.5 },
] as const;
const SEGMENTS = ["retail", "business", "premium"] as const;
const COMMENTS = {
  good: ["Quick and friendly, thank you!", "Bardzo miła obsługa, polecam", "Resolved on the first call, great agent", "Szybka dostawa, wszystko w porządku"],
  bad: ["Waited 40 minutes and nobody helped", "Nie polecam, kurier spóźniony dwa dni", "Charged twice, still waiting for a refund", "Fatalna obsługa, nikt nie oddzwonił"],
};

/**
 * Generated survey answers per touchpoint: each touchpoint has its own "quality" (the chance of
 * a good answer) that drifts slowly, so the dashboard has something to move.
 */
export function surveyGenerator(seed = Date.now()) {
  const rnd = seededRandom(seed);
  let n = 0;
  return (now: Date): FeedbackEvent => {
    n++;
    const tp = TOUCHPOINTS[Math.floor(rnd() * TOUCHPOINTS.length)] ?? TOUCHPOINTS[0];
    const drift = 0.12 * Math.sin(now.getTime() / 120_000 + tp.touchpoint.length);
    const good = rnd() < tp.nps + drift;
    const nps = good ? 8 + Math.floor(rnd() * 3) : Math.floor(rnd() * 8);
    const csatGood = rnd() < tp.csat + drift;
    const comment = rnd() < 0.3 ? (good ? COMMENTS.good : COMMENTS.bad)[Math.floor(rnd() * 4)] : undefined;
    return {
      id: `demo-s-${seed}-${n}`,
      type: "survey.response",
      occurredAt: now.toISOString(),
      source: "demo-feed",
      touchpoint: tp.touchpoint,
      channel: tp.channel,
      customer: { id: `demo-c-${Math.floor(rnd() * 5000)}`, segment: SEGMENTS[Math.floor(rnd() * 3)] ?? "retail" },
      schemaVersion: 1,
      body: {
        surveyId: `demo-${tp.touchpoint}`,
        nps,
        csat: csatGood ? 4 + Math.floor(rnd() * 2) : 1 + Math.floor(rnd() * 3),
        ...(rnd() < 0.5 ? { ces: good ? 5 + Math.floor(rnd() * 3) : 1 + Math.floor(rnd() * 4) } : {}),
        ...(comment ? { comment } : {}),
      },
    };
  };
}
