import { describe, expect, it } from "vitest";
import { detectLanguage } from "./language";

describe("detectLanguage", () => {
  it.each([
    ["Obsługa była bardzo miła, polecam!", "pl"],
    ["Czekałem godzinę na połączenie z konsultantem.", "pl"],
    ["Obsluga byla bardzo mila i szybka, ale kolejka jest za dluga", "pl"], // no diacritics
    ["Dziękuję", "pl"],
    ["The agent was very helpful and the call was quick.", "en"],
    ["I waited 40 minutes on hold and nobody answered.", "en"],
    ["Flight was delayed but the crew were great", "en"],
    ["", "und"],
    ["12345 !!!", "und"],
    ["ok", "und"],
    ["Der Flug war schön, aber das Essen war kalt.", "und"],
    ["Le personnel était très aimable et serviable.", "und"],
  ] as const)("%s → %s", (text, lang) => {
    expect(detectLanguage(text)).toBe(lang);
  });

  it("mixed text goes to the language with more evidence", () => {
    expect(
      detectLanguage(
        "Thank you! Obsługa była naprawdę bardzo pomocna i wszystko działa jak trzeba.",
      ),
    ).toBe("pl");
    expect(detectLanguage("The hotel near Kraków was lovely and the staff were kind.")).toBe("en");
  });
});
