/**
 * GET /v1/journey against real chDB: stages in catalogue order, touchpoints per stage, each stage's
 * own aggregate and every touchpoint's figures equal to a computation from the raw events
 * (fixtures.test-helper.ts), pain points as /v1/pain-points ranks them, bad parameters refused.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ClickHouse } from "@pulse/clickhouse";
import { createMetricsRegistry, silentLogger } from "@pulse/kit";
import { createQueryApp, type QueryApp } from "./app";
import { parseCatalogue } from "./catalogue";
import { DAY, HOUR, NOW, diffClose, generateDataset, inRange, insertDataset, openTestDb, scoresRef, type Dataset } from "./fixtures.test-helper";
import { parseTokenSpec } from "./tokens";

const TOKEN = "acme-journey-token-001";
// Catalogue order of stages: discovery (kiosk, no data), support (store, ivr), onboarding (chat):
// neither alphabetical nor the order the data has them in.
const CATALOGUE = {
  version: 1,
  touchpoints: {
    kiosk: { journeyStage: "discovery", label: "Self-service kiosk" },
    store: { journeyStage: "support", targets: { nps: 30 } },
    ivr: { journeyStage: "support", label: "Phone menu", targets: { nps: 10, csatTop2: 80 } },
    chat: { journeyStage: "onboarding", targets: { nps: -50 } },
  },
};

let ch: ClickHouse;
let app: QueryApp;
let acme: Dataset;

beforeAll(async () => {
  const db = await openTestDb();
  ch = db.ch;
  acme = generateDataset("acme", NOW, 7, 0.6);
  await insertDataset(db.writer, acme);
  app = await createQueryApp({
    reader: db.reader,
    logger: silentLogger,
    metrics: createMetricsRegistry("query-journey-test", { defaults: false }),
    tokens: parseTokenSpec(`${TOKEN}=acme`),
    targets: parseCatalogue(JSON.stringify(CATALOGUE)),
    now: () => new Date(NOW),
  });
});

afterAll(async () => {
  await app?.close();
  await ch?.close();
});

async function get(url: string) {
  const res = await app.inject({ method: "GET", url, headers: { authorization: `Bearer ${TOKEN}` } });
  return { status: res.statusCode, body: res.json<Record<string, unknown>>() };
}

type Scores = { nps: unknown; csat: unknown; ces: unknown; waitSeconds: unknown; abandonment: unknown; volume: unknown; complaints: { opened: number } };
type Body = {
  stages: {
    stage: string;
    position: number;
    inCatalogue: boolean;
    scores: Scores;
    touchpoints: (Scores & { touchpoint: string; label: string | null; inCatalogue: boolean; painPoint: { rank: number; score: number } | null; targets: unknown })[];
    painPoints: string[];
  }[];
};

// The figures this test owns (FCR has its own tests and reference).
function figures(s: Scores) {
  return { nps: s.nps, csat: s.csat, ces: s.ces, waitSeconds: s.waitSeconds, abandonment: s.abandonment, volume: s.volume, complaintsOpened: s.complaints.opened };
}

describe("GET /v1/journey", () => {
  it("groups touchpoints by journey stage in catalogue order, each figure equal to the raw events'", async () => {
    const r = await get("/v1/journey?window=24h");
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const body = r.body as unknown as Body;
    expect(body.stages.map((s) => s.stage)).toEqual(["discovery", "support", "onboarding"]);
    expect(body.stages.map((s) => s.position)).toEqual([1, 2, 3]);
    // Catalogue touchpoints of the stage first (catalogue order), then the data's others
    // (alphabetical; "relationship" holds the fixtures' overall NPS answers and is in no catalogue).
    expect(body.stages.map((s) => s.touchpoints.map((t) => t.touchpoint))).toEqual([["kiosk"], ["store", "ivr", "chat", "relationship"], ["chat", "ivr", "store"]]);
    expect(body.stages[1]?.touchpoints.find((t) => t.touchpoint === "relationship")?.inCatalogue).toBe(false);
    expect(body.stages[0]?.touchpoints[0]).toMatchObject({ label: "Self-service kiosk", inCatalogue: true, volume: { events: 0, contacts: 0 } });

    const from = Math.floor(NOW / 60_000) * 60_000 + 60_000 - DAY;
    const to = from + DAY;
    for (const s of body.stages.slice(1)) {
      const stageRef = scoresRef(acme, inRange(from, to, (e) => e.tenant === "acme" && e.journeyStage === s.stage));
      expect(stageRef.volume.events).toBeGreaterThan(0);
      expect(diffClose(figures(s.scores), figures(stageRef)), s.stage).toEqual([]);
      for (const t of s.touchpoints) {
        const ref = scoresRef(acme, inRange(from, to, (e) => e.tenant === "acme" && e.journeyStage === s.stage && e.touchpoint === t.touchpoint));
        expect(diffClose(figures(t), figures(ref)), `${s.stage}/${t.touchpoint}`).toEqual([]);
      }
    }
    // Targets from the catalogue on each touchpoint.
    const ivr = body.stages[1]?.touchpoints.find((t) => t.touchpoint === "ivr");
    expect(ivr?.label).toBe("Phone menu");
    expect(Object.keys(ivr?.targets ?? {}).sort()).toEqual(["csatTop2", "nps"]);
  });

  it("marks the top pain points of the range, as /v1/pain-points ranks them, on their touchpoints and stages", async () => {
    const body = (await get("/v1/journey?window=24h")).body as unknown as Body;
    const pain = (await get("/v1/pain-points?window=24h")).body as { painPoints: { rank: number; touchpoint: string; score: number }[] };
    const marked = pain.painPoints.filter((p) => p.rank <= 3 && p.score > 0);
    expect(marked.length).toBeGreaterThan(0);
    for (const s of body.stages) {
      for (const t of s.touchpoints) {
        const p = marked.find((x) => x.touchpoint === t.touchpoint);
        expect(t.painPoint, `${s.stage}/${t.touchpoint}`).toEqual(p ? { rank: p.rank, score: p.score } : null);
      }
      expect(s.painPoints).toEqual(s.touchpoints.filter((t) => t.painPoint).sort((a, b) => (a.painPoint?.rank ?? 0) - (b.painPoint?.rank ?? 0)).map((t) => t.touchpoint));
    }
  });

  it("takes the filters of /v1/scores and refuses what it does not know", async () => {
    const r = await get(`/v1/journey?from=${new Date(NOW - 3 * HOUR - (NOW % HOUR)).toISOString()}&to=${new Date(NOW - (NOW % HOUR)).toISOString()}&journeyStage=support&touchpoint=ivr,store`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const body = r.body as unknown as Body;
    expect(body.stages.map((s) => s.stage)).toEqual(["support"]);
    expect(body.stages[0]?.touchpoints.map((t) => t.touchpoint)).toEqual(["store", "ivr"]);

    const bad = await get("/v1/journey?window=24h&groupBy=touchpoint");
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: "unknown_parameter" });
    const docs = await app.inject({ method: "GET", url: "/docs/json" });
    expect(Object.keys(docs.json<{ paths: Record<string, unknown> }>().paths)).toContain("/v1/journey");
  });
});
