import { describe, expect, it } from "vitest";
import { BadRequestError } from "@pulse/kit";
import { actionWindows, chooseControl, createActionSchema, parseBody, patchActionSchema, settleMsOf } from "./actions-fns";

const DAY = 86_400_000;
const START = Date.parse("2025-05-01T00:00:00Z");

const valid = {
  name: "Shorter IVR menu",
  what: "Cut the IVR menu from 7 options to 4",
  owner: "ops-lead",
  touchpoints: ["IVR"],
  startDate: "2025-05-01",
  metric: "nps",
  expectedDirection: "increase",
};

function rejected(body: unknown, schema: Parameters<typeof parseBody>[0] = createActionSchema): { parameter: unknown; message: string } {
  try {
    parseBody(schema, body);
  } catch (e) {
    expect(e).toBeInstanceOf(BadRequestError);
    const err = e as BadRequestError;
    expect(err.status).toBe(400);
    expect(err.code).toBe("invalid_body");
    return { parameter: err.details?.parameter, message: err.message };
  }
  throw new Error("the body was accepted");
}

describe("action body", () => {
  it("accepts a valid action, canonicalises touchpoints and reads the start date as 00:00 UTC", () => {
    const a = parseBody(createActionSchema, { ...valid, touchpoints: ["IVR", "front-desk", "ivr"], windowDays: 7 });
    expect(a.touchpoints).toEqual(["ivr", "front_desk"]);
    expect(a.startDate).toBe(START);
    expect(a.windowDays).toBe(7);
    expect(parseBody(createActionSchema, { ...valid, startDate: "2025-05-01T09:30:00+02:00" }).startDate).toBe(Date.parse("2025-05-01T07:30:00Z"));
  });

  it("names the field and the rule of every rejection", () => {
    expect(rejected({ ...valid, name: " " })).toMatchObject({ parameter: "name" });
    expect(rejected({ ...valid, touchpoints: [] }).message).toMatch(/^touchpoints: give at least one touchpoint/);
    expect(rejected({ ...valid, touchpoints: ["!!"] })).toMatchObject({ parameter: "touchpoints.0" });
    expect(rejected({ ...valid, startDate: "May 1st" }).message).toMatch(/^startDate: must be YYYY-MM-DD/);
    expect(rejected({ ...valid, startDate: "2025-05-01T09:30:15Z" }).message).toBe("startDate: must fall on a whole minute");
    expect(rejected({ ...valid, metric: "happiness" })).toMatchObject({ parameter: "metric" });
    expect(rejected({ ...valid, expectedDirection: "up" })).toMatchObject({ parameter: "expectedDirection" });
    expect(rejected({ ...valid, windowDays: 0 }).message).toBe("windowDays: at least 1 day");
    expect(rejected({ ...valid, windowDays: 91 }).message).toBe("windowDays: at most 90 days");
    expect(rejected({ ...valid, controlTouchpoints: ["chat", "ivr"] }).message).toBe("controlTouchpoints: must not contain a treated touchpoint (ivr)");
    expect(rejected({ ...valid, tenant: "other" })).toMatchObject({ parameter: "tenant", message: "tenant: unknown field(s) tenant" });
    const { owner: _owner, ...withoutOwner } = valid;
    expect(rejected(withoutOwner)).toMatchObject({ parameter: "owner" });
    expect(rejected([valid])).toMatchObject({ parameter: "body" });
    expect(rejected({ name: "x" }, patchActionSchema)).toMatchObject({ parameter: "version" });
  });
});

describe("action windows", () => {
  it("before and after have equal lengths; the after window grows until W has passed", () => {
    const mid = actionWindows(START, 14, START + 3 * DAY + 90_000);
    expect(mid.after).toEqual({ from: START, to: START + 3 * DAY + 60_000 });
    expect(mid.before).toEqual({ from: START - 3 * DAY - 60_000, to: START });
    expect(mid.complete).toBe(false);
    const done = actionWindows(START, 14, START + 30 * DAY);
    expect(done.after).toEqual({ from: START, to: START + 14 * DAY });
    expect(done.before).toEqual({ from: START - 14 * DAY, to: START });
    expect(done.complete).toBe(true);
    // FCR: final only once the last contacts' own window (W) and the lateness (L) have passed.
    const fcrSettle = settleMsOf("fcr", { windowMs: 7 * DAY, allowedLatenessMs: 3_600_000 });
    expect(fcrSettle).toBe(7 * DAY + 3_600_000);
    expect(settleMsOf("nps", { windowMs: 7 * DAY, allowedLatenessMs: 3_600_000 })).toBe(0);
    expect(actionWindows(START, 14, START + 20 * DAY, fcrSettle).complete).toBe(false);
    expect(actionWindows(START, 14, START + 21 * DAY + 3_600_000, fcrSettle).complete).toBe(true);
    const future = actionWindows(START, 14, START - DAY);
    expect(future.after.to - future.after.from).toBe(0);
    expect(future.before.to - future.before.from).toBe(0);
  });
});

describe("control rule", () => {
  const rows = [
    { journeyStage: "support", touchpoint: "ivr" },
    { journeyStage: "support", touchpoint: "chat" },
    { journeyStage: "support", touchpoint: "email" },
    { journeyStage: "purchase", touchpoint: "store" },
    { journeyStage: "unknown", touchpoint: "kiosk" },
  ];
  const span = { from: START - 14 * DAY, to: START + 14 * DAY };
  const action = { id: "a", touchpoints: ["ivr"], controlTouchpoints: null };

  it("takes the other touchpoints of the treated touchpoints' stages", () => {
    expect(chooseControl(action, rows, [], span)).toEqual({ rule: "same_journey_stage", touchpoints: ["chat", "email"], excluded: [], stages: ["support"] });
  });

  it("leaves out a touchpoint on which another action started within the periods, not one that started before", () => {
    const others = [
      { id: "b", touchpoints: ["chat"], startAt: new Date(START + 2 * DAY).toISOString() },
      { id: "c", touchpoints: ["email"], startAt: new Date(START - 20 * DAY).toISOString() },
    ];
    expect(chooseControl(action, rows, others, span)).toMatchObject({ touchpoints: ["email"], excluded: ["chat"] });
  });

  it("uses an explicit list as given, and has no control for a touchpoint without a known stage", () => {
    expect(chooseControl({ ...action, controlTouchpoints: ["store"] }, rows, [], span)).toMatchObject({ rule: "explicit", touchpoints: ["store"] });
    expect(chooseControl({ id: "a", touchpoints: ["kiosk"], controlTouchpoints: null }, rows, [], span)).toMatchObject({ rule: "none", touchpoints: [] });
  });
});
