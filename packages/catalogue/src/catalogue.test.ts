import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { unwrap } from "@pulse/kit";
import { describe, expect, it } from "vitest";
import {
  CatalogueError,
  parseCatalogue,
  parseCatalogueJson,
  resolveTouchpoint,
} from "./catalogue";

const EXAMPLE = readFileSync(
  fileURLToPath(new URL("../catalogue.example.json", import.meta.url)),
  "utf8",
);

describe("catalogue.example.json", () => {
  const cat = unwrap(parseCatalogueJson(EXAMPLE));

  it("has every touchpoint the product and the airline data need", () => {
    for (const tp of [
      "ivr",
      "phone",
      "chat",
      "email",
      "store",
      "web",
      "delivery",
      "billing",
      "complaints",
      "seat",
      "cabin_crew",
      "food",
      "ground_service",
      "value",
      "entertainment",
    ])
      expect(cat.touchpoints[tp]).toBeDefined();
  });

  it("resolves canonical names, aliases (any case and spacing), source aliases and channels", () => {
    expect(
      resolveTouchpoint(cat, { source: "ivr-system", touchpoint: "IVR", channel: "voice" }),
    ).toEqual({
      touchpoint: "ivr",
      journeyStage: "service",
      targets: { nps: 0, csatTop2: 70, ces: 5.0, fcr: 0.65 },
      known: true,
    });
    expect(resolveTouchpoint(cat, { touchpoint: "Call Center" }).touchpoint).toBe("phone");
    expect(resolveTouchpoint(cat, { touchpoint: "check-in" }).touchpoint).toBe("ground_service");
    expect(
      resolveTouchpoint(cat, { source: "skytrax", touchpoint: "cabin_staff_service" }).touchpoint,
    ).toBe("cabin_crew");
    expect(
      resolveTouchpoint(cat, { source: "Skytrax", touchpoint: "Food Beverages" }).touchpoint,
    ).toBe("food");
    expect(
      resolveTouchpoint(cat, { source: "anonymous_bank", touchpoint: "agent" }).touchpoint,
    ).toBe("phone");
    // "agent" means phone only for that source
    expect(resolveTouchpoint(cat, { source: "other", touchpoint: "agent" }).known).toBe(false);
    expect(resolveTouchpoint(cat, { source: "cfpb", touchpoint: "Web" }).touchpoint).toBe(
      "complaints",
    );
    expect(resolveTouchpoint(cat, { touchpoint: "web" }).touchpoint).toBe("web");
    expect(
      resolveTouchpoint(cat, { source: "site", touchpoint: "", channel: "chat" }).touchpoint,
    ).toBe("chat");
  });

  it("fills missing targets from defaultTargets", () => {
    const seat = resolveTouchpoint(cat, { touchpoint: "seat" });
    expect(seat).toEqual({
      touchpoint: "seat",
      journeyStage: "in_flight",
      targets: { nps: 20, csatTop2: 70, ces: 5.5, fcr: 0.7 },
      known: true,
    });
  });

  it("an unknown touchpoint is not an error", () => {
    expect(
      resolveTouchpoint(cat, { source: "x", touchpoint: "Kiosk 7", channel: "in_person" }),
    ).toEqual({
      touchpoint: "kiosk_7",
      journeyStage: "unknown",
      targets: { nps: 20, csatTop2: 80, ces: 5.5, fcr: 0.7 },
      known: false,
    });
    expect(resolveTouchpoint(cat, {}).touchpoint).toBe("unknown");
  });

  it("the channel is only a fallback when the event names no touchpoint", () => {
    expect(resolveTouchpoint(cat, { touchpoint: "billing", channel: "chat" }).touchpoint).toBe(
      "billing",
    );
  });
});

describe("parseCatalogue errors", () => {
  const base = { version: 1, touchpoints: { ivr: { journeyStage: "service" } } };

  function issues(value: unknown): readonly string[] {
    const r = parseCatalogue(value);
    if (r.ok) throw new Error("expected an error");
    expect(r.error).toBeInstanceOf(CatalogueError);
    expect(r.error.code).toBe("catalogue_invalid");
    return r.error.issues;
  }

  it("accepts a minimal catalogue with defaults", () => {
    const cat = unwrap(parseCatalogue(base));
    expect(cat.touchpoints.ivr).toEqual({
      journeyStage: "service",
      aliases: [],
      channels: [],
      targets: {},
    });
    expect(cat.sourceAliases).toEqual({});
  });

  it("names the path and the rule of every problem", () => {
    const found = issues({
      version: 1,
      touchpoints: {
        ivr: { journeyStage: "service", targets: { nps: 150, csatTop2: 185 } },
        "Bad Name": { journeyStage: "x" },
      },
    });
    expect(found.some((i) => i.startsWith("touchpoints.ivr.targets.nps:"))).toBe(true);
    expect(found.some((i) => i.startsWith("touchpoints.ivr.targets.csatTop2:"))).toBe(true);
    expect(found.some((i) => i.includes("Bad Name") && i.includes("lowercase"))).toBe(true);
  });

  it("rejects aliases claimed twice, alias targets that do not exist, unknown keys, wrong version", () => {
    expect(
      issues({
        version: 1,
        touchpoints: {
          ivr: { journeyStage: "s", aliases: ["Phone"] },
          phone: { journeyStage: "s" },
        },
      }).join("\n"),
    ).toContain('alias "Phone" is already used by touchpoint "phone"');
    expect(
      issues({ ...base, sourceAliases: { skytrax: { seat_comfort: "seat" } } }).join("\n"),
    ).toContain('sourceAliases.skytrax.seat_comfort: points to unknown touchpoint "seat"');
    expect(issues({ ...base, colour: "red" }).join("\n")).toMatch(/colour/);
    expect(issues({ ...base, version: 2 }).join("\n")).toMatch(/^version:/);
    expect(
      issues({
        ...base,
        touchpoints: { constructor: { journeyStage: "s" } },
        sourceAliases: { s: { a: "toString" } },
      }).join("\n"),
    ).toContain('unknown touchpoint "toString"');
  });

  it("malformed JSON is a CatalogueError, not an exception", () => {
    const r = parseCatalogueJson("{ nope");
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(/not valid JSON/);
  });
});
