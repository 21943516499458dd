import { describe, expect, it } from "vitest";
import { isLuhnValid, isValidIbanChecksum, isValidPesel } from "./pii-checksums";
import { findPiiSpans, redactPii, type PiiKind } from "./pii-redact";

const PESEL_W = [1, 3, 7, 9, 1, 3, 7, 9, 1, 3];
/** Builds a PESEL with a correct check digit from its first ten digits (independent of the code under test). */
function pesel(first10: string): string {
  const sum = [...first10].reduce((a, d, i) => a + Number(d) * (PESEL_W[i] ?? 0), 0);
  return first10 + String((10 - (sum % 10)) % 10);
}

describe("checksums", () => {
  it("PESEL: checksum and birth date", () => {
    expect(isValidPesel("44051401359")).toBe(true);
    expect(isValidPesel("02070803628")).toBe(true);
    expect(isValidPesel(pesel("0325150123"))).toBe(true); // 2003-05-15: month +20 for the 2000s
    expect(isValidPesel("44051401358")).toBe(false); // wrong check digit
    expect(isValidPesel("12345678901")).toBe(false);
    expect(isValidPesel(pesel("9913320000"))).toBe(false); // month 13 does not exist
    expect(isValidPesel(pesel("0102300000"))).toBe(false); // 30 February 1901
    expect(isValidPesel("4405140135")).toBe(false); // 10 digits
  });

  it("Luhn", () => {
    for (const n of [
      "4111111111111111",
      "5555555555554444",
      "378282246310005",
      "6011111111111117",
      "4012888888881881",
    ])
      expect(isLuhnValid(n)).toBe(true);
    expect(isLuhnValid("4111111111111112")).toBe(false);
    expect(isLuhnValid("1234567812345678")).toBe(false);
  });

  it("IBAN mod 97", () => {
    expect(isValidIbanChecksum("PL61109010140000071219812874")).toBe(true);
    expect(isValidIbanChecksum("DE89370400440532013000")).toBe(true);
    expect(isValidIbanChecksum("GB82WEST12345698765432")).toBe(true);
    expect(isValidIbanChecksum("PL61109010140000071219812875")).toBe(false);
    expect(isValidIbanChecksum("PL16109010140000071219812874")).toBe(false); // swapped check digits
  });
});

function redactedAs(text: string): string {
  return redactPii(text).text;
}

describe("redactPii: positives", () => {
  it.each([
    ["Pisz na jan.kowalski+cx@example.com.pl.", "Pisz na [EMAIL]."],
    ["contact: A.Smith@mail.co.uk, thanks", "contact: [EMAIL], thanks"],
    ["tel. +48 601 234 567", "tel. [PHONE]"],
    ["tel. 601-234-567!", "tel. [PHONE]!"],
    ["biuro (22) 123 45 67 w godz.", "biuro [PHONE] w godz."],
    ["dzwoń 601234567", "dzwoń [PHONE]"],
    ["+48601234567", "[PHONE]"],
    ["0048 601 234 567", "[PHONE]"],
    ["22 123 45 67", "[PHONE]"],
    ["UK office +44 20 7946 0958.", "UK office [PHONE]."],
    ["US +1 202-555-0143", "US [PHONE]"],
    ["call 020 7946 0958", "call [PHONE]"],
    ["(555) 123-4567", "[PHONE]"],
    ["PESEL: 44051401359", "PESEL: [PESEL]"],
    ["card 4111 1111 1111 1111 exp 12/25", "card [CARD] exp 12/25"],
    ["card 4111-1111-1111-1111", "card [CARD]"],
    ["karta 5555555555554444", "karta [CARD]"],
    ["amex 3782 822463 10005", "amex [CARD]"],
    ["konto PL61 1090 1014 0000 0712 1981 2874.", "konto [IBAN]."],
    ["konto PL61109010140000071219812874", "konto [IBAN]"],
    ["nr rachunku 61 1090 1014 0000 0712 1981 2874", "nr rachunku [IBAN]"],
    ["nr 61109010140000071219812874", "nr [IBAN]"],
    ["DE89 3704 0044 0532 0130 00 and GB82 WEST 1234 5698 7654 32", "[IBAN] and [IBAN]"],
  ])("%s", (input, expected) => {
    expect(redactedAs(input)).toBe(expected);
  });

  it("counts every kind, zero for the absent ones", () => {
    const r = redactPii(
      "a@b.pl, c@d.com, 601 234 567, 44051401359, 4111111111111111, PL61109010140000071219812874",
    );
    expect(r.found).toEqual({ email: 2, phone: 1, pesel: 1, card: 1, iban: 1 });
    expect(r.text).toBe("[EMAIL], [EMAIL], [PHONE], [PESEL], [CARD], [IBAN]");
    expect(redactPii("nothing here").found).toEqual({
      email: 0,
      phone: 0,
      pesel: 0,
      card: 0,
      iban: 0,
    });
  });

  it("an e-mail made of digits is one e-mail, not a phone", () => {
    expect(redactPii("601234567@example.com").found).toMatchObject({ email: 1, phone: 0 });
  });
});

describe("redactPii: negatives", () => {
  it.each([
    "PESEL 44051401358 (wrong check digit)",
    "losowy numer 12345678901",
    "invalid card 4111 1111 1111 1112",
    "ID 1234567812345678",
    "konto PL61 1090 1014 0000 0712 1981 2875",
    "data 2023-10-03 godz. 12:30",
    "kwota 1 200 000 zł",
    "zamówienie 123456789",
    "flight BA 117, seat 32A, 3 hours",
    "no at sign here, user(at)example.com, a@b, a@b.c, @example.com",
    "CFPB masks: XXXX XXXX XXXX 1234, XX/XX/2019, {$1200.00}",
    "version 10.2.3 and 192.168.0.1",
    "abc601234567 glued to letters",
  ])("%s", (input) => {
    expect(redactedAs(input)).toBe(input);
  });
});

describe("redactPii: hostile input stays linear and correct", () => {
  const DIGITS_OF: Record<PiiKind, (s: string) => boolean> = {
    email: (s) => s.includes("@"),
    phone: (s) => {
      const d = s.replace(/\D/g, "");
      return d.length >= 9 && d.length <= 15;
    },
    pesel: (s) => isValidPesel(s),
    card: (s) => isLuhnValid(s.replace(/\D/g, "")),
    iban: (s) => {
      const c = s.replace(/ /g, "");
      return isValidIbanChecksum(/^\d/.test(c) ? `PL${c}` : c);
    },
  };

  function lcg(seed: number): () => number {
    let x = seed;
    return () => {
      x = (x * 1103515245 + 12345) % 2147483648;
      return x / 2147483648;
    };
  }

  it("1 MB of random digits and spaces: every span found is a valid identifier", () => {
    const rnd = lcg(42);
    const parts: string[] = [];
    for (let i = 0; i < 1_000_000; i++)
      parts.push(rnd() < 0.6 ? String(Math.floor(rnd() * 10)) : " ");
    const text = `${parts.join("")} x 4111 1111 1111 1111 x 44051401359 x`;
    const spans = findPiiSpans(text);
    let prevEnd = 0;
    for (const s of spans) {
      expect(s.start).toBeGreaterThanOrEqual(prevEnd);
      expect(DIGITS_OF[s.kind](text.slice(s.start, s.end))).toBe(true);
      prevEnd = s.end;
    }
    const r = redactPii(text);
    // boolean assertions: a failure must not print a megabyte
    expect(r.text.endsWith(" x [CARD] x [PESEL] x")).toBe(true);
    expect(/^[\d [\]A-Z]*$/.test(r.text.slice(0, -" x [CARD] x [PESEL] x".length))).toBe(true);
    expect(r.found.card).toBeGreaterThanOrEqual(1);
    expect(r.found.pesel).toBeGreaterThanOrEqual(1);
  });

  it("degenerate inputs", () => {
    expect(redactPii("1 ".repeat(500_000)).found).toEqual({
      email: 0,
      phone: 0,
      pesel: 0,
      card: 0,
      iban: 0,
    });
    expect(redactPii("4".repeat(1_000_000)).text.length).toBe(1_000_000);
    expect(redactPii(`${"a".repeat(500_000)}@${"b".repeat(500_000)}`).found.email).toBe(0);
    expect(redactPii("@a.".repeat(300_000)).found.email).toBe(0);
    expect(redactPii("PL61 ".repeat(200_000)).found.iban).toBe(0);
    expect(redactPii("+4".repeat(400_000)).found.phone).toBe(0);
    expect(redactPii("(1) ".repeat(250_000)).found.phone).toBe(0);
  });
});
