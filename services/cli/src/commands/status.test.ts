import { describe, expect, it } from "vitest";
import { ago, formatStatus } from "./status";

describe("pulse status formatting", () => {
  it("never prints a negative age for a time written after the report was read", () => {
    expect(ago(10_000, 10_100)).toBe("0.0 s ago");
    expect(ago(10_000, 7_500)).toBe("2.5 s ago");
    expect(ago(10_000, undefined)).toBe("—");
  });

  it("shows a partition committed just after the report's time as 0.0 s ago", () => {
    const text = formatStatus({
      at: 1_000_000,
      group: "pulse-worker",
      topic: "pulse.feedback.v1",
      partitions: [{ partition: 0, committedOffset: "5", logEnd: "6", lag: "1", committedAt: 1_000_040, watermark: 999_000, stalled: false }],
      tenants: [{ tenant: "demo", storedAt: 1_000_100, watermark: 998_000 }],
      deadLetters: [],
    });
    expect(text).not.toMatch(/-\d/);
    expect(text).toMatch(/^0 +5 +6 +1 +0\.0 s ago +1\.0 s ago +ok$/m);
    expect(text).toMatch(/^demo {2}0\.0 s ago {2}2\.0 s ago$/m);
  });
});
