import { describe, expect, it } from "vitest";
import { AlertRule, DEFAULT_ALERT_RULES, rulesForTouchpoint } from "./alert-rules";
import { catalogueForTenant, parseCatalogue } from "./catalogue";

const base = {
  version: 1,
  touchpoints: {
    phone: { journeyStage: "service", targets: { nps: 30 } },
    web: { journeyStage: "purchase" },
  },
};

describe("alert rules in the catalogue", () => {
  it("gives every touchpoint the default rules, target rules only where a target exists", () => {
    const cat = parseCatalogue(base);
    if (!cat.ok) throw cat.error;
    const phone = rulesForTouchpoint(cat.value.alerts, "phone", cat.value.touchpoints.phone!.targets);
    const web = rulesForTouchpoint(cat.value.alerts, "web", cat.value.touchpoints.web!.targets);
    expect(phone.map((r) => r.id)).toContain("nps_target");
    expect(phone.find((r) => r.id === "nps_target")!.resolvedTarget).toBe(30);
    expect(web.map((r) => r.id)).not.toContain("nps_target");
    expect(web.map((r) => r.id).sort()).toEqual(DEFAULT_ALERT_RULES.filter((r) => r.kind !== "target").map((r) => r.id).sort());
    expect(phone.find((r) => r.id === "nps_change")).toMatchObject({ resolvedShift: 10, arlDays: 30, resolvedAlpha: 0.01 });
    expect(phone.find((r) => r.id === "volume_silence")).toMatchObject({ resolvedAlpha: 1e-6, windowMinutes: 30 });
  });

  it("lets the catalogue replace, add and disable rules, and a tenant override them by id", () => {
    const cat = parseCatalogue({
      ...base,
      alerts: {
        rules: [
          { id: "nps_change", metric: "nps", kind: "change", shift: 15, arlDays: 60 },
          { id: "wait_target", metric: "wait", kind: "target", target: 120, touchpoints: ["phone"] },
          { id: "volume_silence", metric: "volume", kind: "silence", enabled: false },
        ],
      },
      tenants: { acme: { alerts: { rules: [{ id: "nps_change", metric: "nps", kind: "change", shift: 5 }], fdr: 0.05 } } },
    });
    if (!cat.ok) throw cat.error;
    const shared = rulesForTouchpoint(cat.value.alerts, "phone", { nps: 30 });
    expect(shared.find((r) => r.id === "nps_change")).toMatchObject({ resolvedShift: 15, arlDays: 60 });
    expect(shared.find((r) => r.id === "wait_target")).toMatchObject({ resolvedTarget: 120 });
    expect(shared.find((r) => r.id === "volume_silence")).toBeUndefined();
    expect(rulesForTouchpoint(cat.value.alerts, "web", {}).find((r) => r.id === "wait_target")).toBeUndefined();
    const acme = catalogueForTenant(cat.value, "acme");
    expect(acme.alerts!.fdr).toBe(0.05);
    expect(rulesForTouchpoint(acme.alerts, "phone", { nps: 30 }).find((r) => r.id === "nps_change")).toMatchObject({ resolvedShift: 5 });
  });

  it("names the field and the rule of a bad rule", () => {
    const issues = (rules: unknown[]): string[] => {
      const r = parseCatalogue({ ...base, alerts: { rules } });
      return r.ok ? [] : [...r.error.issues];
    };
    expect(issues([{ id: "v", metric: "volume", kind: "target", target: 3 }])).toEqual([
      "alerts.rules.0.kind: target is not available for volume (allowed: silence)",
    ]);
    expect(issues([{ id: "f", metric: "fcr", kind: "target" }])[0]).toMatch(/^alerts\.rules\.0\.kind: fcr is final only per closed cohort/);
    expect(issues([{ id: "n", metric: "nps", kind: "target", target: 120 }])).toEqual([
      "alerts.rules.0.target: must lie strictly between -100 and 100 for nps",
    ]);
    expect(issues([{ id: "n", metric: "nps", kind: "change", target: 10 }])).toEqual(["alerts.rules.0.target: is only used by kind target"]);
    expect(issues([{ id: "Bad Id", metric: "nps", kind: "change" }])[0]).toMatch(/alerts\.rules\.0\.id: must be a canonical name/);
    expect(issues([{ id: "a", metric: "nps", kind: "change" }, { id: "a", metric: "ces", kind: "change" }])).toEqual([
      'alerts.rules.1.id: rule id "a" is used twice',
    ]);
    expect(issues([{ id: "a", metric: "nps", kind: "change", forMinutes: -1 }])[0]).toMatch(/^alerts\.rules\.0\.forMinutes: /);
    expect(() => AlertRule.parse({ id: "a", metric: "nps", kind: "change", extra: 1 })).toThrow(/extra/);
  });
});
