import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseCatalogue } from "./catalogue";

describe("catalogue targets", () => {
  it("reads shared targets and tenant overrides, field by field", () => {
    const c = parseCatalogue(
      JSON.stringify({
        version: 1,
        touchpoints: { ivr: { journeyStage: "service", aliases: ["phone menu"], targets: { nps: 20, fcr: 0.8 } }, chat: { journeyStage: "service", label: "Chat" } },
        tenants: { acme: { touchpoints: { ivr: { targets: { nps: 35 } } } } },
      }),
    );
    expect(c.targets("globex", "ivr")).toEqual({ nps: 20, fcr: 0.8 });
    expect(c.targets("acme", "ivr")).toEqual({ nps: 35, fcr: 0.8 });
    expect(c.targets("acme", "phone menu")).toEqual({ nps: 35, fcr: 0.8 });
    expect(c.targets("acme", "chat")).toBeUndefined();
    expect(c.targets("acme", "store")).toBeUndefined();
  });
  it("finds a touchpoint by the name it was sent with (front-desk is front_desk)", () => {
    const c = parseCatalogue(JSON.stringify({ version: 1, touchpoints: { front_desk: { journeyStage: "arrival", targets: { nps: 40 } } } }));
    expect(c.targets("any", "front-desk")).toEqual({ nps: 40 });
    expect(c.targets("any", "front_desk")).toEqual({ nps: 40 });
  });
  it("reads the example catalogue, with defaultTargets filling unset fields", () => {
    const c = parseCatalogue(readFileSync(new URL("../../../packages/catalogue/catalogue.example.json", import.meta.url), "utf8"));
    expect(c.targets("any", "ivr")).toEqual({ nps: 0, csatTop2: 70, ces: 5.0, fcr: 0.65 });
    expect(c.targets("any", "value")).toEqual({ nps: 10, csatTop2: 60, ces: 5.5, fcr: 0.7 });
    expect(c.targets("any", "unknown_touchpoint")).toEqual({ nps: 20, csatTop2: 80, ces: 5.5, fcr: 0.7 });
  });
  it("says which field is wrong", () => {
    expect(() => parseCatalogue('{"version":1,"touchpoints":{"ivr":{"journeyStage":"service","targets":{"fcr":80}}}}', "cat.json")).toThrow(/cat.json: .*touchpoints.ivr.targets.fcr/);
    expect(() => parseCatalogue("{", "cat.json")).toThrow(/not valid JSON/);
  });
});
