import { describe, expect, it } from "vitest";
import { DEFAULT_TOPIC, slug, topicForContact } from "./contact-topic";
import { topics } from "./text-topics";

describe("topics (English)", () => {
  it.each([
    ["I was on hold for 40 minutes before an agent answered.", ["wait_time"]],
    ["The agent was rude and dismissive.", ["staff_attitude"]],
    ["I was charged twice on my last invoice.", ["billing"]],
    ["Still waiting for my refund after three weeks.", ["refund", "wait_time"]],
    [
      "The app keeps crashing when I try to log in, I am locked out.",
      ["account_access", "technical_issue"],
    ],
    ["My parcel never arrived and the courier tracking is useless.", ["delivery"]],
    ["Someone made unauthorized transactions, this is fraud.", ["fraud"]],
    ["They lost my luggage and the flight was delayed by 3 hours.", ["baggage", "delay"]],
    ["The seat was cramped, no legroom, and the meal was cold.", ["seat_comfort", "food"]],
    ["Incorrect information on my credit report from Experian.", ["credit_reporting"]],
    ["A debt collector keeps calling about a debt I do not owe.", ["debt_collection"]],
    ["Nobody replied to my emails.", ["communication"]],
  ] as const)("%s", (text, expected) => {
    const got = topics(text, "en");
    for (const t of expected) expect(got).toContain(t);
  });

  it("most-mentioned topic comes first", () => {
    expect(
      topics(
        "Waited and waited in the queue, on hold for ages; the agent was nice though.",
        "en",
      )[0],
    ).toBe("wait_time");
  });

  it("no keywords → no topics", () => {
    expect(topics("Lovely evening in London.", "en")).toEqual([]);
    expect(topics("", "en")).toEqual([]);
  });
});

describe("topics (Polish, inflected forms)", () => {
  it.each([
    ["Czekałam godzinę w kolejce na infolinii.", ["wait_time", "communication"]],
    ["Konsultantka była niemiła i nieuprzejma.", ["staff_attitude"]],
    ["Dostałem fakturę z błędną kwotą, podwójne obciążenie karty.", ["billing"]],
    ["Nadal czekam na zwrot pieniędzy za reklamację.", ["refund", "wait_time"]],
    [
      "Aplikacja nie działa, nie mogę się zalogować, hasło odrzucone.",
      ["technical_issue", "account_access"],
    ],
    ["Kurier zgubił paczkę, przesyłka nie dotarła.", ["delivery"]],
    ["Ktoś wyłudził pieniądze, to oszustwo.", ["fraud"]],
    ["Wysoka prowizja i dodatkowe opłaty za konto.", ["fees", "account_access"]],
    ["Jakość produktu fatalna, towar uszkodzony.", ["product_quality"]],
  ] as const)("%s", (text, expected) => {
    const got = topics(text, "pl");
    for (const t of expected) expect(got).toContain(t);
  });

  it("does not confuse look-alike words", () => {
    // "centrum" is not "cena", "długo" is waiting not debt, "jakoś" (somehow) is not "jakość"
    expect(topics("Spotkanie w centrum trwało długo, jakoś przeżyłem.", "pl")).toEqual([
      "wait_time",
    ]);
    // "odpowiedni" (suitable) is not "odpowiedź" (answer)
    expect(topics("Odpowiedni rozmiar.", "pl")).toEqual([]);
  });
});

describe("topicForContact", () => {
  it("explicit topic wins, normalised", () => {
    expect(
      topicForContact({
        topic: "Card Blocked",
        category: "Billing",
        queue: "billing",
        text: "refund please",
      }),
    ).toBe("card_blocked");
  });

  it("then the complaint category, mapped through the keywords", () => {
    expect(
      topicForContact({ category: "Billing disputes", queue: "tech-support", text: "my parcel" }),
    ).toBe("billing");
    expect(topicForContact({ category: "Incorrect information on your report", text: "x" })).toBe(
      "credit_reporting",
    );
    // a category no keyword knows is its own topic
    expect(topicForContact({ category: "Other / Sonstiges", text: "my refund" })).toBe(
      "other_sonstiges",
    );
    expect(topicForContact({ category: "Attempts to collect debt not owed" })).toBe(
      "debt_collection",
    );
  });

  it("then the queue", () => {
    expect(topicForContact({ queue: "tech-support", text: "my refund" })).toBe("technical_issue");
    expect(topicForContact({ queue: "PS" })).toBe("ps");
    expect(topicForContact({ queue: "reklamacje_pl" })).toBe("refund");
  });

  it("then the text, then the default", () => {
    expect(topicForContact({ text: "Kurier nie dostarczył paczki." })).toBe("delivery");
    expect(topicForContact({ text: "I was on hold for an hour", lang: "en" })).toBe("wait_time");
    expect(topicForContact({ text: "Hello there" })).toBe(DEFAULT_TOPIC);
    expect(topicForContact({})).toBe(DEFAULT_TOPIC);
    expect(topicForContact({ topic: "  ", category: null, queue: "" })).toBe(DEFAULT_TOPIC);
  });

  it("slug", () => {
    expect(slug(" Tech Support / PL ")).toBe("tech_support_pl");
    expect(slug("Obsługa Klienta")).toBe("obsługa_klienta");
    expect(slug(null)).toBe("");
  });
});
