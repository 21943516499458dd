import { describe, expect, it } from "vitest";
import { enrichText } from "./enrich-text";

describe("enrichText", () => {
  it("redacts, detects language, scores and tags in one call", () => {
    const r = enrichText(
      "Czekałam ponad godzinę na infolinii, konsultant był niemiły. Nie polecam! Mój numer: 601 234 567, mail anna@example.pl",
    );
    expect(r.redacted).toBe(
      "Czekałam ponad godzinę na infolinii, konsultant był niemiły. Nie polecam! Mój numer: [PHONE], mail [EMAIL]",
    );
    expect(r.piiFound).toEqual({ email: 1, phone: 1, pesel: 0, card: 0, iban: 0 });
    expect(r.lang).toBe("pl");
    expect(r.sentiment.label).toBe("negative");
    expect(r.topics).toEqual(
      expect.arrayContaining(["wait_time", "staff_attitude", "communication"]),
    );
  });

  it("English airline review", () => {
    const r = enrichText("The crew were lovely but my bag was lost and nobody answered my emails.");
    expect(r.lang).toBe("en");
    expect(r.sentiment.label).toBe("negative");
    expect(r.topics).toEqual(
      expect.arrayContaining(["baggage", "staff_attitude", "communication"]),
    );
  });

  it("a language hint skips detection", () => {
    expect(enrichText("super", { lang: "pl" }).lang).toBe("pl");
    expect(enrichText("super").lang).toBe("und");
  });

  it("empty text", () => {
    expect(enrichText("")).toEqual({
      lang: "und",
      sentiment: { score: 0, label: "neutral", hits: 0 },
      topics: [],
      redacted: "",
      piiFound: { email: 0, phone: 0, pesel: 0, card: 0, iban: 0 },
    });
  });
});
