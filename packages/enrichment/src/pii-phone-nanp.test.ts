import { describe, expect, it } from "vitest";
import { redactPii } from "./pii-redact";

describe("phone numbers: North-American and international formats", () => {
  it.each([
    ["call 212-555-0187 today", "call [PHONE] today"],
    ["call (212) 555-0187", "call [PHONE]"],
    ["call +1 212 555 0187.", "call [PHONE]."],
    ["212 555 0187", "[PHONE]"],
    ["1-212-555-0187", "[PHONE]"],
    ["tel:212-555-0187", "tel:[PHONE]"],
    ["+1-212-555-0187", "[PHONE]"],
    ["call 212.555.0187 today", "call [PHONE] today"],
    ["1.212.555.0187", "[PHONE]"],
    ["reach me at 212.555.0187.", "reach me at [PHONE]."],
    ["+44 20 7946 0958", "[PHONE]"],
    ["+49 30 901820", "[PHONE]"],
    ["+33 1 42 68 53 00", "[PHONE]"],
    ["0044 20 7946 0958", "[PHONE]"],
    ["+48 601 234 567", "[PHONE]"],
    ["+91 98765 43210", "[PHONE]"],
  ])("%s", (input, expected) => {
    expect(redactPii(input).text).toBe(expected);
  });

  // Things that look numeric but are not phones: dates, amounts, ids, IBAN-likes with a bad
  // checksum, versions, times, tracking and ISBN numbers. None may be redacted.
  it.each([
    "2024-03-12",
    "12-03-2024",
    "12/03/2024",
    "03.12.2024",
    "2024-03-12T10:15:00Z",
    "10:15:30",
    "$1,234,567.89",
    "1 234 567,89 zł",
    "€12.500,00",
    "1 250 300 units",
    "100 200 3000",
    "order 123-456-7890",
    "ORD-212-555-0187",
    "INV 2024 0001 0042",
    "978-3-16-148410-0",
    "GB00 WEST 1234 5698 7654 32",
    "DE00 3704 0044 0532 0130 00",
    "v2.12.1234",
    "1Z 999 AA1 0123 4567 84",
    "ticket 212-555-01877",
    "batch 212-555-0187-2",
    "room 2125550187x",
    "score 9 of 10, 7 of 10",
    "10.212.555.0187",
    "192.168.100.200",
    "v212.555.0187",
    "ORD.212.555.0187",
    "212.555.0187.5",
    "123.456.7890",
    "212.555.01877",
  ])("leaves %s alone", (input) => {
    expect(redactPii(input)).toMatchObject({ text: input, found: { phone: 0 } });
  });
});
