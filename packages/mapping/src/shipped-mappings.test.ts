/**
 * The shipped mappings against the real files (PULSE_DATA_DIR) or, when absent, their inline
 * samples. Every produced event has passed validateEvent (processRow validates); the assertions
 * pin exact field values of rows the data README shows, and the full-file counts.
 */
import type { FeedbackEvent } from "@pulse/contract";
import { validateEvent } from "@pulse/contract";
import { describe, expect, it } from "vitest";
import type { Mapping } from "./spec";
import { countRow, emptyCounts, importRows, type ImportCounts, type RowResult } from "./pipeline";
import { BANK_FILE, CFPB_FILE, SKYTRAX_FILE, dataSource } from "./real-data.test-helper";
import { shippedMapping } from "./shipped";

const now = new Date("2025-06-01T00:00:00Z");

function load(name: string): Mapping {
  const r = shippedMapping(name);
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value;
}

async function firstRows(file: string, mapping: Mapping, limit: number): Promise<RowResult[]> {
  const out: RowResult[] = [];
  for await (const r of importRows(dataSource(file).open(), mapping, { now })) {
    out.push(r);
    if (out.length >= limit) break;
  }
  return out;
}

function eventsById(rows: RowResult[]): Map<string, FeedbackEvent> {
  const byId = new Map<string, FeedbackEvent>();
  for (const r of rows) if (r.outcome.kind === "accepted") for (const e of r.outcome.events) byId.set(e.id, e);
  return byId;
}

function expectAllValid(rows: RowResult[]): void {
  for (const r of rows) {
    if (r.outcome.kind === "rejected") throw new Error(`row ${r.row} rejected: ${JSON.stringify(r.outcome.issues)}`);
    if (r.outcome.kind === "accepted") for (const e of r.outcome.events) expect(validateEvent(e, { now }).ok).toBe(true);
  }
}

describe("bank-calls mapping", () => {
  const mapping = load("bank-calls");

  it("maps the first rows of the Anonymous Bank file exactly", async () => {
    const rows = await firstRows(BANK_FILE, mapping, 400);
    expectAllValid(rows);
    const byId = eventsById(rows);
    expect(byId.get("bank-AA0101-34536")).toEqual({
      id: "bank-AA0101-34536",
      type: "call.completed",
      schemaVersion: 1,
      source: "anonymous-bank-acd",
      occurredAt: "1999-02-01T07:02:47+02:00",
      touchpoint: "phone-banking",
      channel: "phone",
      customer: { id: "bank-anon-AA0101-34536", valueTier: "regular" },
      agent: { id: "dorit" },
      body: { queue: "ps-regular", waitSeconds: 0, handleSeconds: 166, holdSeconds: 0, transfers: 0, abandoned: false, topic: "account-service" },
      attributes: { vru_line: "AA0101", call_id: "34536", priority: 0, vru_seconds: 9, outcome: "AGENT" },
    });
    // NO_SERVER: answered, but no named agent.
    expect(byId.get("bank-AA0101-34537")?.agent).toBeUndefined();
    expect(byId.get("bank-AA0101-34537")?.customer.id).toBe("bank-anon-AA0101-34537");
    const nw = byId.get("bank-AA0101-34538");
    expect([nw?.touchpoint, nw?.type === "call.completed" && nw.body.queue, nw?.agent?.id]).toEqual(["new-customer-sales", "nw-prospects", "tova"]);
    // HANG: abandoned after a 5 s wait, an identified priority customer.
    const hang = byId.get("bank-AA0101-34539");
    expect(hang?.customer).toEqual({ id: "bank-cust-23317894", valueTier: "priority" });
    expect(hang?.type === "call.completed" && hang.body).toEqual({ queue: "ps-regular", waitSeconds: 5, handleSeconds: 0, holdSeconds: 0, transfers: 0, abandoned: true, topic: "account-service" });
    // PHANTOM: skipped with its reason, not imported.
    const phantom = rows.find((r) => r.raw.startsWith("AA0101\t34645\t"));
    expect(phantom?.outcome).toEqual({ kind: "skipped", reason: "phantom call (never reached the system)" });
    expect(byId.has("bank-AA0101-34645")).toBe(false);
    // A customer id a spreadsheet turned into 6.02701E+11: unidentified, the damaged value kept.
    const damaged = byId.get("bank-AA0101-34872");
    expect(damaged?.customer.id).toBe("bank-anon-AA0101-34872");
    expect(damaged?.attributes?.customer_id_damaged).toBe("6.02701E+11");
    expect(damaged?.touchpoint).toBe("phone-banking-english");
  });
});

describe("cfpb-complaints mapping", () => {
  const mapping = load("cfpb-complaints");

  it("skips the unzip junk lines and maps the first complaints exactly", async () => {
    const rows = await firstRows(CFPB_FILE, mapping, 200);
    expectAllValid(rows);
    expect(rows[0]?.line).toBe(4);
    const byId = eventsById(rows);
    expect(byId.get("cfpb-3571115")).toEqual({
      id: "cfpb-3571115",
      type: "complaint.opened",
      schemaVersion: 1,
      source: "cfpb",
      occurredAt: "2020-03-18T12:00:00Z",
      touchpoint: "credit-reporting",
      channel: "web",
      customer: { id: "cfpb-complainant-3571115" },
      body: {
        complaintId: "3571115",
        category: "credit-reporting-credit-repair-services-or-other-personal",
        severity: "low",
        // No narrative: Issue — Sub-issue.
        text: "Incorrect information on your report — Information belongs to someone else",
      },
      attributes: {
        product: "Credit reporting, credit repair services, or other personal consumer reports",
        sub_product: "Credit reporting",
        issue: "Incorrect information on your report",
        sub_issue: "Information belongs to someone else",
        company: "TRANSUNION INTERMEDIATE HOLDINGS, INC.",
        state: "FL",
        submitted_via: "Web",
        company_response: "Closed with explanation",
        timely_response: true,
        consent: "Other",
      },
    });
    // The narrative spans two lines inside quotes.
    const debt = byId.get("cfpb-3384392");
    expect(debt?.type === "complaint.opened" && debt.body).toEqual({
      complaintId: "3384392",
      category: "debt-collection",
      severity: "low",
      text: "transworld systems inc. \nis trying to collect a debt that is not mine, not owed and is inaccurate.",
    });
    expect(debt?.occurredAt).toBe("2019-09-24T12:00:00Z");
    // Non-monetary relief: medium.
    const relief = byId.get("cfpb-3379500");
    expect(relief?.type === "complaint.opened" && relief.body.severity).toBe("medium");
    expect(relief?.attributes?.consent).toBe("Consent not provided");
  });
});

describe("skytrax-reviews mapping", () => {
  const mapping = load("skytrax-reviews");

  it("makes one overall nps answer and one csat answer per rated touchpoint, joined by surveyId", async () => {
    const rows = await firstRows(SKYTRAX_FILE, mapping, 200);
    expectAllValid(rows);
    const first = rows[0]?.outcome.kind === "accepted" ? rows[0].outcome.events : [];
    const h = "8f560e2804df53ff"; // sha256("Gary Storer|03/10/2023|service was mediocre at best"), 16 hex digits
    expect(first.map((e) => e.id)).toEqual([`skytrax-${h}-overall`, `skytrax-${h}-seat`, `skytrax-${h}-cabin_crew`, `skytrax-${h}-food`, `skytrax-${h}-ground_service`, `skytrax-${h}-value`]);
    const overall = first[0];
    expect(overall?.type === "survey.response" && { ...overall, body: { ...overall.body, comment: overall.body.comment?.slice(0, 60) } }).toEqual({
      id: `skytrax-${h}-overall`,
      type: "survey.response",
      schemaVersion: 1,
      source: "skytrax",
      occurredAt: "2023-10-03T12:00:00Z",
      touchpoint: "overall",
      channel: "web",
      customer: { id: `skytrax-reviewer-${h}`, segment: "couple-leisure", valueTier: "economy-class" },
      body: { surveyId: `skytrax-${h}`, nps: 2, comment: "Just returned from Chicago, flew out 10 days ago on American" },
      attributes: {
        title: "service was mediocre at best",
        route: "Chicago to Manchester via Heathrow",
        aircraft: "A380",
        date_flown: "01/10/2023",
        reviewer_country: "United Kingdom",
        recommended: false,
        trip_verified: false,
      },
    });
    expect(first.slice(1).map((e) => [e.touchpoint, e.type === "survey.response" && e.body])).toEqual([
      ["seat", { surveyId: `skytrax-${h}`, csat: 2 }],
      ["cabin_crew", { surveyId: `skytrax-${h}`, csat: 3 }],
      ["food", { surveyId: `skytrax-${h}`, csat: 1 }],
      ["ground_service", { surveyId: `skytrax-${h}`, csat: 2 }],
      ["value", { surveyId: `skytrax-${h}`, csat: 2 }],
    ]);
    expect(new Set(first.map((e) => e.customer.id)).size).toBe(1);
    // A doubled quote inside a quoted title.
    const third = rows[2]?.outcome.kind === "accepted" ? rows[2].outcome.events[0] : undefined;
    expect(third?.attributes?.title).toBe('won the race to the bottom"');
  });
});

async function fullRun(file: string, mapping: Mapping): Promise<{ counts: ImportCounts; duplicateIds: number; real: boolean }> {
  const src = dataSource(file);
  const counts = emptyCounts();
  const ids = new Set<string>();
  let duplicateIds = 0;
  for await (const r of importRows(src.open(), mapping, { now })) {
    countRow(counts, r.outcome);
    if (r.outcome.kind === "accepted") {
      for (const e of r.outcome.events) {
        if (ids.has(e.id)) duplicateIds++;
        ids.add(e.id);
      }
    }
  }
  return { counts, duplicateIds, real: src.real };
}

describe("full-file runs (imported / rejected / skipped)", () => {
  it("bank: 33,344 calls − 278 PHANTOM skipped = 33,066 imported, none rejected, ids unique", async () => {
    const { counts, duplicateIds, real } = await fullRun(BANK_FILE, load("bank-calls"));
    console.info(`bank-calls (${real ? "real file" : "inline sample"}):`, JSON.stringify(counts));
    expect(duplicateIds).toBe(0);
    const skippedReason = "phantom call (never reached the system)";
    if (real) {
      expect(counts).toEqual({ rows: 33_344, imported: 33_066, rejected: 0, skipped: 278, events: 33_066, skippedByReason: { [skippedReason]: 278 }, rejectedByCode: {} });
    } else {
      expect(counts).toEqual({ rows: 6, imported: 5, rejected: 0, skipped: 1, events: 5, skippedByReason: { [skippedReason]: 1 }, rejectedByCode: {} });
    }
  });

  it("cfpb: all 6,623 complaints imported (the one narrative over 20,000 characters is truncated)", async () => {
    const { counts, duplicateIds, real } = await fullRun(CFPB_FILE, load("cfpb-complaints"));
    console.info(`cfpb-complaints (${real ? "real file" : "inline sample"}):`, JSON.stringify(counts));
    expect(duplicateIds).toBe(0);
    const n = real ? 6_623 : 3;
    expect(counts).toEqual({ rows: n, imported: n, rejected: 0, skipped: 0, events: n, skippedByReason: {}, rejectedByCode: {} });
  });

  it("skytrax: 1,324 reviews → 1,324 overall + 7,361 rated touchpoints = 8,685 events", async () => {
    const { counts, duplicateIds, real } = await fullRun(SKYTRAX_FILE, load("skytrax-reviews"));
    console.info(`skytrax-reviews (${real ? "real file" : "inline sample"}):`, JSON.stringify(counts));
    expect(duplicateIds).toBe(0);
    // Touchpoint ratings present (not -1): seat 1,313 + cabin 1,313 + food 1,224 + ground 1,320 + value 1,324 + entertainment 867.
    if (real) expect(counts).toEqual({ rows: 1_324, imported: 1_324, rejected: 0, skipped: 0, events: 8_685, skippedByReason: {}, rejectedByCode: {} });
    else expect(counts).toEqual({ rows: 3, imported: 3, rejected: 0, skipped: 0, events: 18, skippedByReason: {}, rejectedByCode: {} });
  });
});
