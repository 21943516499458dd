import { describe, expect, it } from "vitest";
import { BadRequestError } from "@pulse/kit";
import { GRAINS, parseBaseline, parseFilters, parseGrain, parseGroupBy, parseInstant, parseRange, windowRange } from "./params-fns";

const NOW = Date.parse("2025-06-10T12:34:20.000Z");
const opts = { now: NOW, retentionDays: 400, unit: GRAINS.minute, defaultWindow: "1h" as const };

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return e instanceof BadRequestError ? e.code : "not a BadRequestError";
  }
  return undefined;
}

describe("ranges", () => {
  it("ends a live window with the current minute, bucket-aligned", () => {
    expect(windowRange("15m", NOW, GRAINS.minute)).toEqual({ from: Date.parse("2025-06-10T12:20:00Z"), to: Date.parse("2025-06-10T12:35:00Z") });
    expect(windowRange("24h", NOW, GRAINS.hour)).toEqual({ from: Date.parse("2025-06-09T13:00:00Z"), to: Date.parse("2025-06-10T13:00:00Z") });
    expect(windowRange("7d", NOW, GRAINS.day)).toEqual({ from: Date.parse("2025-06-04T00:00:00Z"), to: Date.parse("2025-06-11T00:00:00Z") });
  });

  it("defaults to the default window and accepts ISO with offsets or epoch ms", () => {
    expect(parseRange({}, opts)).toMatchObject({ window: "1h", to: Date.parse("2025-06-10T12:35:00Z") });
    const r = parseRange({ from: "2025-06-10T10:00:00+02:00", to: String(Date.parse("2025-06-10T09:00:00Z")) }, opts);
    expect(r).toEqual({ from: Date.parse("2025-06-10T08:00:00Z"), to: Date.parse("2025-06-10T09:00:00Z") });
    // An unencoded '+' arrives as a space.
    expect(parseInstant({ from: "2025-06-10T10:00:00 02:00" }, "from")).toBe(Date.parse("2025-06-10T08:00:00Z"));
  });

  it("rejects each malformed range with its own code", () => {
    expect(codeOf(() => parseRange({ window: "2d" }, opts))).toBe("unknown_window");
    expect(codeOf(() => parseRange({ from: "2025-06-10T10:00:00" }, opts))).toBe("invalid_time");
    expect(codeOf(() => parseRange({ from: "2025-06-10T10:00:00Z", to: "2025-06-10T10:00:00Z" }, opts))).toBe("invalid_range");
    expect(codeOf(() => parseRange({ from: "2025-06-10T10:00:01Z" }, opts))).toBe("unaligned_range");
    expect(codeOf(() => parseRange({ from: "2024-05-01T00:00:00Z" }, opts))).toBe("beyond_retention");
    expect(codeOf(() => parseRange({ window: "1h", to: "2025-06-10T10:00:00Z" }, opts))).toBe("conflicting_range");
  });

  it("defaults the baseline to the previous period of equal length", () => {
    const current = { from: Date.parse("2025-06-09T00:00:00Z"), to: Date.parse("2025-06-10T00:00:00Z") };
    expect(parseBaseline({}, current, opts)).toEqual({ from: Date.parse("2025-06-08T00:00:00Z"), to: current.from });
    expect(codeOf(() => parseBaseline({ baselineTo: "2025-06-01T00:00:00Z" }, current, opts))).toBe("missing_parameter");
  });
});

describe("grain", () => {
  it("picks the window's usual grain, or the coarsest aligned grain with at least 12 points", () => {
    expect(parseGrain({ window: "24h" }, opts).grain).toBe("hour");
    expect(parseGrain({ window: "15m" }, opts).grain).toBe("minute");
    expect(parseGrain({ from: "2025-05-01T00:00:00Z", to: "2025-06-01T00:00:00Z" }, opts).grain).toBe("day");
    expect(parseGrain({ from: "2025-06-01T00:00:00Z", to: "2025-06-04T00:00:00Z" }, opts).grain).toBe("hour");
    expect(parseGrain({ from: "2025-06-01T00:05:00Z", to: "2025-06-04T00:00:00Z" }, opts).grain).toBe("minute");
  });
  it("aligns a window to the grain and refuses oversized series", () => {
    expect(parseGrain({ window: "7d", grain: "day" }, opts).range).toMatchObject({ from: Date.parse("2025-06-04T00:00:00Z"), to: Date.parse("2025-06-11T00:00:00Z") });
    expect(codeOf(() => parseGrain({ grain: "minute", from: "2025-01-01T00:00:00Z" }, opts))).toBe("too_many_points");
    expect(codeOf(() => parseGrain({ grain: "fortnight" }, opts))).toBe("unknown_grain");
  });
});

describe("dimensions", () => {
  it("parses groupBy and filters (comma lists and repeated keys)", () => {
    expect(parseGroupBy({ groupBy: "touchpoint,journeyStage,touchpoint" })).toEqual(["touchpoint", "journeyStage"]);
    expect(parseFilters({ touchpoint: ["ivr", "chat"], segment: "retail" })).toEqual({ touchpoint: ["ivr", "chat"], segment: ["retail"] });
    expect(codeOf(() => parseGroupBy({ groupBy: "country" }))).toBe("unknown_group_by");
    expect(codeOf(() => parseFilters({ channel: "x' OR 1=1" }))).toBe("invalid_filter");
  });
});
