import { describe, expect, it } from "vitest";
import { CasePolicy, parseCatalogue } from "@pulse/catalogue";
import type { FeedbackEvent } from "@pulse/contract";
import { caseIdOf, evaluateTriggers, routeTeam, slaDeadlines, type TriggerInput } from "./triggers";

const base = { occurredAt: "2026-11-30T10:00:00.000Z", source: "s", touchpoint: "checkout", channel: "web", customer: { id: "c1" }, schemaVersion: 1 };
const survey = (body: Record<string, unknown>) => ({ ...base, id: "e1", type: "survey.response", body: { surveyId: "s", ...body } }) as FeedbackEvent;
const complaint = (severity: string) => ({ ...base, id: "e2", type: "complaint.opened", channel: "email", body: { complaintId: "k", category: "billing", severity, text: "x" } }) as FeedbackEvent;
const call = { ...base, id: "e3", type: "call.completed", channel: "phone", body: { queue: "q", waitSeconds: 1, handleSeconds: 1, holdSeconds: 0, transfers: 0, abandoned: false } } as FeedbackEvent;
const input = (event: FeedbackEvent, extra: Partial<TriggerInput> = {}): TriggerInput => ({ tenant: "t1", event, touchpoint: "checkout", segment: "retail", topic: "billing", redactedText: "[phone] please call", topics: ["billing"], ...extra });
const defaults = CasePolicy.parse({});

describe("case triggers", () => {
  it("opens on the default thresholds and not one point above", () => {
    expect(evaluateTriggers(input(survey({ nps: 6 })), defaults).map((d) => d.trigger)).toEqual(["nps_detractor"]);
    expect(evaluateTriggers(input(survey({ nps: 7 })), defaults)).toEqual([]);
    expect(evaluateTriggers(input(survey({ csat: 2 })), defaults).map((d) => d.trigger)).toEqual(["csat_low"]);
    expect(evaluateTriggers(input(survey({ csat: 3 })), defaults)).toEqual([]);
    // One answer with both a detractor NPS and a low CSAT: two triggers, two cases.
    expect(evaluateTriggers(input(survey({ nps: 0, csat: 1 })), defaults).map((d) => d.trigger)).toEqual(["nps_detractor", "csat_low"]);
    expect(evaluateTriggers(input(complaint("critical")), defaults).map((d) => [d.trigger, d.severity])).toEqual([["complaint_severe", "critical"]]);
    expect(evaluateTriggers(input(complaint("high")), defaults)).toHaveLength(1);
    expect(evaluateTriggers(input(complaint("medium")), defaults)).toEqual([]);
  });

  it("a repeat contact opens a case with the contacts that led to it; a first contact does not", () => {
    const [d] = evaluateTriggers(input(call, { priorContacts: ["e0", "e00"] }), defaults);
    expect(d).toMatchObject({ trigger: "repeat_contact", severity: "medium", evidence: { contacts: ["e0", "e00", "e3"], topic: "billing" } });
    expect(evaluateTriggers(input(call, { priorContacts: [] }), defaults)).toEqual([]);
    expect(evaluateTriggers(input(call), defaults)).toEqual([]);
  });

  it("follows the tenant's policy: thresholds, disabled triggers, severities", () => {
    const p = CasePolicy.parse({ triggers: { nps_detractor: { maxScore: 4, severity: "critical" }, csat_low: { enabled: false }, complaint_severe: { severities: ["medium"] } } });
    expect(evaluateTriggers(input(survey({ nps: 5 })), p)).toEqual([]);
    expect(evaluateTriggers(input(survey({ nps: 4 })), p)[0]?.severity).toBe("critical");
    expect(evaluateTriggers(input(survey({ csat: 1 })), p)).toEqual([]);
    expect(evaluateTriggers(input(complaint("medium")), p)).toHaveLength(1);
    expect(evaluateTriggers(input(complaint("critical")), p)).toEqual([]);
  });

  it("derives the case id from tenant, event id and trigger only", () => {
    const a = evaluateTriggers(input(survey({ nps: 1 })), defaults)[0]!;
    const b = evaluateTriggers(input(survey({ nps: 3, comment: "other" }), { redactedText: "other" }), defaults)[0]!;
    expect(a.id).toBe(b.id);
    expect(a.id).toBe(caseIdOf("t1", "e1", "nps_detractor"));
    expect(caseIdOf("t2", "e1", "nps_detractor")).not.toBe(a.id);
    expect(caseIdOf("t1", "e1", "csat_low")).not.toBe(a.id);
    expect(a.id).toMatch(/^case_[0-9a-f]{24}$/);
    // Evidence keeps the redacted text only.
    expect(a.evidence).toMatchObject({ comment: "[phone] please call", score: { kind: "nps", value: 1 } });
  });

  it("sets SLA deadlines per severity, or per trigger, and routes by the first matching rule", () => {
    const p = CasePolicy.parse({
      sla: { high: { firstResponseSeconds: 60, resolutionSeconds: 600 } },
      triggerSla: { csat_low: { firstResponseSeconds: 5, resolutionSeconds: 50 } },
      routing: [{ trigger: "complaint_severe", team: "complaints" }, { touchpoint: "delivery", team: "logistics" }],
      defaultTeam: "care",
    });
    const from = new Date("2026-01-01T00:00:00Z");
    expect(slaDeadlines(p, "nps_detractor", "high", from)).toEqual({ firstResponseDue: new Date("2026-01-01T00:01:00Z"), resolutionDue: new Date("2026-01-01T00:10:00Z") });
    expect(slaDeadlines(p, "csat_low", "high", from).firstResponseDue).toEqual(new Date("2026-01-01T00:00:05Z"));
    // Unset severities keep the defaults (critical: 1 h / 24 h).
    expect(slaDeadlines(p, "complaint_severe", "critical", from).resolutionDue).toEqual(new Date("2026-01-02T00:00:00Z"));
    expect(routeTeam(p, { trigger: "complaint_severe", touchpoint: "delivery", severity: "high" })).toBe("complaints");
    expect(routeTeam(p, { trigger: "nps_detractor", touchpoint: "delivery", severity: "high" })).toBe("logistics");
    expect(routeTeam(p, { trigger: "nps_detractor", touchpoint: "web", severity: "high" })).toBe("care");
  });

  it("a bad case policy in the catalogue is refused naming the field", () => {
    const r = parseCatalogue({ version: 1, touchpoints: {}, cases: { triggers: { nps_detractor: { maxScore: 11 } }, teams: { "Care Team": { members: [] } }, sla: { high: { firstResponseSeconds: 0, resolutionSeconds: 1 } } } });
    expect(r.ok).toBe(false);
    const issues = r.ok ? [] : r.error.issues;
    expect(issues.some((i) => i.startsWith("cases.triggers.nps_detractor.maxScore"))).toBe(true);
    expect(issues.some((i) => i.startsWith("cases.teams") && i.includes("canonical name"))).toBe(true);
    expect(issues.some((i) => i.startsWith("cases.sla.high.firstResponseSeconds"))).toBe(true);
  });
});
