import { describe, expect, it } from "vitest";
import { mergeProfile, profileFrom } from "./profile";

describe("mergeProfile", () => {
  it("event values win, the profile fills gaps, other fields are kept", () => {
    expect(
      mergeProfile({ id: "c1", segment: "smb" }, { segment: "retail", valueTier: "gold" }),
    ).toEqual({
      id: "c1",
      segment: "smb",
      valueTier: "gold",
    });
  });

  it("null or blank event values count as missing", () => {
    expect(
      mergeProfile(
        { id: "c1", segment: null, valueTier: " " },
        { segment: "retail", valueTier: "gold" },
      ),
    ).toEqual({
      id: "c1",
      segment: "retail",
      valueTier: "gold",
    });
  });

  it("a missing profile is not an error", () => {
    expect(mergeProfile({ id: "c1", valueTier: "silver" }, null)).toEqual({
      id: "c1",
      valueTier: "silver",
    });
    expect(mergeProfile({ id: "c2" }, undefined)).toEqual({ id: "c2" });
  });

  it("profileFrom reads stored JSON leniently", () => {
    expect(profileFrom({ segment: "vip" })).toEqual({ segment: "vip" });
    expect(profileFrom("garbage")).toBeNull();
    expect(profileFrom({ segment: 5 })).toBeNull();
    expect(profileFrom(null)).toBeNull();
  });
});
