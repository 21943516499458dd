import { describe, expect, it } from "vitest";
import { z } from "zod";
import { eventTimeEnv, loadConfig } from "./index";

const schema = z.object(eventTimeEnv);

describe("PULSE_MIN_OCCURRED_AT", () => {
  it("defaults to 1970-01-01T00:00:00Z (the contract's default, where the rollups' DateTime starts)", () => {
    expect(loadConfig(schema, {}).PULSE_MIN_OCCURRED_AT.toISOString()).toBe("1970-01-01T00:00:00.000Z");
  });

  it("takes a later bound with its offset", () => {
    expect(loadConfig(schema, { PULSE_MIN_OCCURRED_AT: "2000-01-01T01:00:00+01:00" }).PULSE_MIN_OCCURRED_AT.toISOString()).toBe("2000-01-01T00:00:00.000Z");
  });

  it.each([
    ["1969-12-31T23:59:59Z", /PULSE_MIN_OCCURRED_AT.*must not be before 1970-01-01T00:00:00Z/],
    ["2000-01-01", /PULSE_MIN_OCCURRED_AT.*must be an ISO-8601 date-time with a UTC offset/],
    ["yesterday", /PULSE_MIN_OCCURRED_AT.*must be an ISO-8601 date-time with a UTC offset/],
  ])("rejects %s naming the variable and the rule", (value, message) => {
    expect(() => loadConfig(schema, { PULSE_MIN_OCCURRED_AT: value })).toThrow(message);
  });
});
