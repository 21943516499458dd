import { describe, expect, it } from "vitest";
import { TenantId, isTenantId } from "./index";

describe("TenantId", () => {
  it.each(["acme", "acme.eu", "bank_02", "a", "0", "x-y.z_w", "a".repeat(64)])("accepts %s", (t) => {
    expect(TenantId.safeParse(t).success).toBe(true);
    expect(isTenantId(t)).toBe(true);
  });

  it.each(["", "Acme", "acme:eu", ".acme", "-acme", "_acme", "acme eu", "a".repeat(65), "acmé"])("rejects %j", (t) => {
    const r = TenantId.safeParse(t);
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toMatch(/^tenant must be 1–64 characters/);
    expect(isTenantId(t)).toBe(false);
  });

  it("rejects non-strings", () => {
    expect(TenantId.safeParse(42).success).toBe(false);
    expect(isTenantId(undefined)).toBe(false);
  });
});
