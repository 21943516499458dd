import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalName } from "./index";

describe("canonicalName", () => {
  it.each([
    ["front-desk", "front_desk"],
    ["front_desk", "front_desk"],
    ["Front Desk", "front_desk"],
    ["  front--desk. ", "front_desk"],
    ["web.checkout", "web_checkout"],
    ["ivr", "ivr"],
    ["", ""],
    [undefined, ""],
  ])("%j → %j", (input, out) => {
    expect(canonicalName(input)).toBe(out);
  });

  it("is idempotent", () => {
    fc.assert(fc.property(fc.string(), (s) => canonicalName(canonicalName(s)) === canonicalName(s)));
  });
});
