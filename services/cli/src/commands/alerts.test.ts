import { describe, expect, it } from "vitest";
import { UsageError } from "../args";
import { parseWhen } from "./alerts";

describe("pulse alerts backtest arguments", () => {
  it("takes a UTC day or an ISO instant on a whole minute, and names the flag when wrong", () => {
    expect(parseWhen("from", "2025-03-01")).toBe(Date.UTC(2025, 2, 1));
    expect(parseWhen("to", "2025-03-01T12:30:00+01:00")).toBe(Date.UTC(2025, 2, 1, 11, 30));
    expect(() => parseWhen("from", "yesterday")).toThrow(UsageError);
    expect(() => parseWhen("from", "yesterday")).toThrow(/--from 'yesterday' must be YYYY-MM-DD/);
    expect(() => parseWhen("to", "2025-03-01T12:30:10Z")).toThrow(/--to .* whole minute/);
  });
});
