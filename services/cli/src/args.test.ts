import { describe, expect, it } from "vitest";
import { flag, parseArgs, requireFlag, UsageError } from "./args";

describe("parseArgs", () => {
  it("splits positional arguments and flags in both forms", () => {
    const a = parseArgs(["replay", "--from", "2026-01-01", "--to=2026-01-02", "--wait", "x"], ["wait"]);
    expect(a.positional).toEqual(["replay", "x"]);
    expect(flag(a, "from")).toBe("2026-01-01");
    expect(flag(a, "to")).toBe("2026-01-02");
    expect(a.flags.get("wait")).toBe(true);
  });
  it("names a missing flag", () => {
    expect(() => requireFlag(parseArgs([]), "from", "first day, YYYY-MM-DD")).toThrow(new UsageError("missing --from (first day, YYYY-MM-DD)"));
  });
});
