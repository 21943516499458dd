import { describe, expect, it } from "vitest";
import { parseDateTime } from "./dates";
import { parseMapping } from "./load-mapping";
import { MappingColumnsError } from "./mapper";
import { importRows, summarizeImport, type RowResult } from "./pipeline";
import type { Mapping } from "./spec";
import { applyTransform, slugify } from "./transforms";

const now = new Date("2025-01-01T00:00:00Z");

function mapping(input: unknown): Mapping {
  const r = parseMapping(input);
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value;
}

async function run(m: Mapping, text: string, source?: string): Promise<RowResult[]> {
  const out: RowResult[] = [];
  for await (const r of importRows([Buffer.from(text)], m, { now, source })) out.push(r);
  return out;
}

const survey = mapping({
  name: "survey",
  format: { type: "csv" },
  source: "survey-tool",
  vars: { key: { template: "{who}|{day}", pipe: [{ hash: { length: 12 } }] } },
  skip: [{ when: { column: "status", equals: "test" }, reason: "test response" }],
  events: [
    {
      name: "overall",
      type: { column: "kind", pipe: [{ map: { nps: "survey.response" } }] },
      fields: {
        id: { template: "s-{$key}" },
        occurredAt: { datetime: { date: { column: "day" }, dateFormat: "D/M/YYYY", defaultTime: "09:30:00", offset: "-05:00" } },
        touchpoint: "overall",
        channel: "survey",
        "customer.id": { template: "c-{$key}" },
        "body.surveyId": "q1",
        "body.nps": { column: "score", pipe: ["integer"] },
        "body.comment": { first: [{ column: "comment", pipe: ["trim", "nullIfEmpty"] }, { const: null }] },
      },
    },
    {
      name: "part",
      type: "survey.response",
      forEach: { columns: { r_app: "app", r_store: "store" }, skipWhen: { item: "value", in: ["n/a", ""] } },
      fields: {
        id: { template: "s-{$key}-{@label}" },
        occurredAt: { datetime: { date: { column: "day" }, dateFormat: "D/M/YYYY", offset: "Z" } },
        touchpoint: { item: "label" },
        channel: "survey",
        "customer.id": { template: "c-{$key}" },
        "body.surveyId": "q1",
        "body.csat": { item: "value", pipe: ["integer"] },
        "attributes.rated_column": { item: "column" },
      },
    },
  ],
});

const SURVEY_CSV = [
  "who,day,kind,status,score,comment,r_app,r_store",
  "ann,1/2/2024,nps,live,9,  great  ,5,n/a",
  "bob,3/2/2024,nps,test,1,,1,1",
  "cy,31/2/2024,nps,live,ten,,6,x",
  "dee,4/2/2024,csat,live,5,,,",
].join("\n");

describe("the mapping interpreter", () => {
  it("maps a row into its events with vars, templates, dates, lookups and fan-out", async () => {
    const [ann] = await run(survey, SURVEY_CSV);
    expect(ann?.outcome.kind).toBe("accepted");
    const events = ann?.outcome.kind === "accepted" ? ann.outcome.events : [];
    const key = events[0]?.id.slice(2);
    expect(key).toMatch(/^[0-9a-f]{12}$/);
    expect(events).toEqual([
      {
        id: `s-${key}`,
        type: "survey.response",
        schemaVersion: 1,
        source: "survey-tool",
        occurredAt: "2024-02-01T09:30:00-05:00",
        touchpoint: "overall",
        channel: "survey",
        customer: { id: `c-${key}` },
        body: { surveyId: "q1", nps: 9, comment: "great" },
      },
      {
        id: `s-${key}-app`,
        type: "survey.response",
        schemaVersion: 1,
        source: "survey-tool",
        occurredAt: "2024-02-01T00:00:00Z",
        touchpoint: "app",
        channel: "survey",
        customer: { id: `c-${key}` },
        body: { surveyId: "q1", csat: 5 },
        attributes: { rated_column: "r_app" },
      },
    ]);
  });

  it("skips by rule, rejects with every issue of the row, and lets the job's source win", async () => {
    const rows = await run(survey, SURVEY_CSV, "import-job");
    expect(rows.map((r) => r.outcome.kind)).toEqual(["accepted", "skipped", "rejected", "rejected"]);
    expect(rows[0]?.outcome.kind === "accepted" && rows[0].outcome.events[0]?.source).toBe("import-job");
    expect(rows[1]?.outcome).toEqual({ kind: "skipped", reason: "test response" });
    expect(rows[2]?.line).toBe(4);
    expect(rows[2]?.raw).toBe("cy,31/2/2024,nps,live,ten,,6,x");
    expect(rows[2]?.outcome.kind === "rejected" && rows[2].outcome.issues).toEqual([
      { code: "invalid_date", path: "occurredAt", message: '"31/2/2024" is not a calendar date', event: "overall" },
      { code: "invalid_number", path: "body.nps", message: 'column "score": "ten" is not a number', event: "overall" },
      { code: "invalid_date", path: "occurredAt", message: '"31/2/2024" is not a calendar date', event: "part:app" },
      { code: "invalid_date", path: "occurredAt", message: '"31/2/2024" is not a calendar date', event: "part:store" },
      { code: "invalid_number", path: "body.csat", message: 'item value: "x" is not a number', event: "part:store" },
    ]);
    // Mapping succeeded but the contract said no: the contract's issue codes and paths.
    expect(rows[3]?.outcome.kind === "rejected" && rows[3].outcome.issues).toEqual([
      { code: "unmapped_value", path: "type", message: 'column "kind": "csat" is not in the lookup table (nps)', event: "overall" },
    ]);
  });

  it("rejects malformed CSV rows and rows with the wrong number of fields", async () => {
    const rows = await run(survey, 'who,day,kind,status,score,comment,r_app,r_store\nann,1/2/2024\n"x"y,1/2/2024,nps,live,1,,1,1\n');
    expect(rows.map((r) => r.outcome.kind === "rejected" && r.outcome.issues[0]?.code)).toEqual(["column_count", "malformed_row"]);
  });

  it("fails the whole import up front when the header lacks a column the mapping reads", async () => {
    await expect(run(survey, "who,day\nann,1/2/2024\n")).rejects.toThrow(MappingColumnsError);
    await expect(run(survey, "who;day\nann;1/2/2024\n")).rejects.toThrow(/is the delimiter right\? The mapping splits on "," but the header contains ";"/);
    await expect(run(survey, "who,day\nann,1/2/2024\n")).rejects.toThrow(/no column "status", "kind", "score", "comment", "r_app", "r_store" that mapping "survey" reads \(the header has "who", "day"\)/);
  });

  it("reads NDJSON with nested keys, and reports lines that are not JSON objects", async () => {
    const m = mapping({
      name: "nd",
      format: { type: "ndjson" },
      events: [
        {
          name: "contact",
          type: { cases: [{ when: { column: "kind", equals: "chat" }, then: "contact.completed" }], else: "call.completed" },
          fields: {
            id: { column: "id" },
            source: "crm",
            occurredAt: { column: "at" },
            touchpoint: "support",
            channel: { column: "kind" },
            "customer.id": { column: "who.id" },
            "body.handleSeconds": { column: "secs", pipe: ["number"] },
          },
        },
      ],
    });
    const text = '{"id":"c1","at":"2024-05-01T10:00:00Z","kind":"chat","who":{"id":"u1"},"secs":"12.5"}\r\n\n[1]\nnot json\n';
    const rows = await run(m, text);
    expect(rows.map((r) => r.line)).toEqual([1, 3, 4]);
    expect(rows[0]?.outcome).toEqual({
      kind: "accepted",
      events: [{ id: "c1", type: "contact.completed", schemaVersion: 1, source: "crm", occurredAt: "2024-05-01T10:00:00Z", touchpoint: "support", channel: "chat", customer: { id: "u1" }, body: { handleSeconds: 12.5 } }],
    });
    expect(rows.slice(1).map((r) => r.outcome.kind === "rejected" && r.outcome.issues[0]?.code)).toEqual(["invalid_json", "invalid_json"]);
  });

  it("counts rows by outcome", async () => {
    const counts = await summarizeImport([SURVEY_CSV], survey, { now });
    expect(counts).toEqual({
      rows: 4,
      imported: 1,
      rejected: 2,
      skipped: 1,
      events: 2,
      skippedByReason: { "test response": 1 },
      rejectedByCode: { invalid_date: 1, invalid_number: 1, unmapped_value: 1 },
    });
  });
});

describe("transforms and dates", () => {
  it("parses declared date and time formats into ISO-8601 with the offset", () => {
    expect(parseDateTime({ date: "990201", dateFormat: "YYMMDD", time: "7:02:47", timeFormat: "H:MM:SS", offset: "+02:00" })).toEqual({ ok: true, value: "1999-02-01T07:02:47+02:00" });
    expect(parseDateTime({ date: "030201", dateFormat: "YYMMDD", offset: "Z" })).toEqual({ ok: true, value: "2003-02-01T00:00:00Z" });
    expect(parseDateTime({ date: "03/10/2023", dateFormat: "DD/MM/YYYY", defaultTime: "12:00:00", offset: "Z" })).toEqual({ ok: true, value: "2023-10-03T12:00:00Z" });
    expect(parseDateTime({ date: "2024-02-29", dateFormat: "YYYY-MM-DD", offset: "Z" }).ok).toBe(true);
    expect(parseDateTime({ date: "2023-02-29", dateFormat: "YYYY-MM-DD", offset: "Z" })).toEqual({ ok: false, message: '"2023-02-29" is not a calendar date' });
    expect(parseDateTime({ date: "990201", dateFormat: "YYMMDD", time: "24:00:00", timeFormat: "H:MM:SS", offset: "Z" }).ok).toBe(false);
    expect(parseDateTime({ date: "1999.02.01", dateFormat: "YYYY-MM-DD", offset: "Z" })).toEqual({ ok: false, message: '"1999.02.01" does not match the date format YYYY-MM-DD' });
  });

  it("slugifies into the contract's slug, cut at a word boundary", () => {
    expect(slugify("Credit reporting, credit repair services, or other personal consumer reports")).toBe("credit-reporting-credit-repair-services-or-other-personal");
    expect(slugify("Économie  Class!")).toBe("economie-class");
    expect(slugify("  ")).toBeNull();
  });

  it("converts numbers, booleans and lookups, and lets null through", () => {
    expect(applyTransform("number", " 12.5 ")).toEqual({ ok: true, value: 12.5 });
    expect(applyTransform("number", "")).toEqual({ ok: true, value: null });
    expect(applyTransform("integer", "1.5")).toEqual({ ok: false, code: "invalid_integer", message: '"1.5" is not a whole number' });
    expect(applyTransform({ boolean: { true: ["Y"], false: ["N"] } }, "N")).toEqual({ ok: true, value: false });
    expect(applyTransform({ boolean: { true: ["Y"], false: ["N"] } }, "maybe").ok).toBe(false);
    expect(applyTransform({ map: { a: 1 }, default: 0 }, "b")).toEqual({ ok: true, value: 0 });
    expect(applyTransform({ map: { a: 1 } }, "__proto__")).toMatchObject({ ok: false, code: "unmapped_value" });
    expect(applyTransform({ default: "x" }, null)).toEqual({ ok: true, value: "x" });
    expect(applyTransform({ nullIf: ["NO_SERVER"] }, "NO_SERVER")).toEqual({ ok: true, value: null });
    expect(applyTransform("lower", null)).toEqual({ ok: true, value: null });
  });
});
