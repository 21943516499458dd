import { describe, expect, it } from "vitest";
import { checkReplayRange } from "./replay";

describe("replay range [from, to)", () => {
  it("accepts one whole day as --from D --to D+1", () => {
    expect(() => checkReplayRange({ from: new Date("2026-11-30T00:00:00Z"), to: new Date("2026-12-01T00:00:00Z") })).not.toThrow();
  });

  it("explains that --to is exclusive when a user gives the same day twice", () => {
    expect(() => checkReplayRange({ from: new Date("2026-11-30T00:00:00Z"), to: new Date("2026-11-30T00:00:00Z") })).toThrow(
      "--to is the first day NOT replayed and must be after --from (to replay 2026-11-30 alone: --to 2026-12-01)",
    );
  });

  it("refuses a range that does not start at a UTC midnight", () => {
    expect(() => checkReplayRange({ from: new Date("2026-11-30T01:00:00Z"), to: new Date("2026-12-01T00:00:00Z") })).toThrow("--from must be a UTC midnight");
  });
});
