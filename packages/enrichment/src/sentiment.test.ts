import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { sentiment } from "./sentiment";

const DATA_DIR =
  process.env.PULSE_DATA_DIR ?? fileURLToPath(new URL("../../../../shared/data", import.meta.url));
const POLEMO = join(DATA_DIR, "polemo2.0-in_dev.tsv");

// Used only when the dataset is absent: same format (sentence<TAB>label), sentences written for this
// test in the style of consumer reviews, not taken from PolEmo.
const INLINE_SAMPLE = `sentence\ttarget
Pani doktor bardzo miła i cierpliwa , wszystko dokładnie wyjaśniła . Polecam !\t__label__meta_plus_m
Hotel czysty , personel uprzejmy , śniadania pyszne . Na pewno wrócimy .\t__label__meta_plus_m
Świetny kontakt , szybka dostawa , produkt zgodny z opisem .\t__label__meta_plus_m
Lekarz rzeczowy i kompetentny , pomógł mi po latach problemów .\t__label__meta_plus_m
Profesjonalna obsługa , sprawnie i bez problemu załatwiona sprawa .\t__label__meta_plus_m
Wspaniały nauczyciel , zajęcia ciekawe i prowadzone z pasją .\t__label__meta_plus_m
Pokój przestronny i wygodny , widok piękny , obsługa życzliwa .\t__label__meta_plus_m
Jestem bardzo zadowolona z wizyty , pełen profesjonalizm .\t__label__meta_plus_m
Nie polecam . Lekarz arogancki , nie słucha pacjenta i zbywa pytania .\t__label__meta_minus_m
Czekałam dwie godziny w kolejce , a recepcjonistka była niemiła .\t__label__meta_minus_m
Pokój brudny , w łazience śmierdziało , obsługa obojętna . Nigdy więcej .\t__label__meta_minus_m
Fatalna jakość , produkt zepsuł się po tygodniu , reklamację odrzucono .\t__label__meta_minus_m
Wizyta trwała pięć minut , zero zainteresowania , strata czasu i pieniędzy .\t__label__meta_minus_m
Okropne jedzenie , zimne i niesmaczne , a kelner opryskliwy .\t__label__meta_minus_m
Kurier spóźnił się trzy dni , paczka uszkodzona , kontakt z firmą żaden .\t__label__meta_minus_m
Niestety jestem rozczarowany , drogo i słabo .\t__label__meta_minus_m
Konferencja odbędzie się w czwartek w Warszawie .\t__label__meta_zero
`;

interface Row {
  readonly text: string;
  readonly label: string;
}

function readRows(): { rows: Row[]; source: string } {
  const tsv = existsSync(POLEMO) ? readFileSync(POLEMO, "utf8") : INLINE_SAMPLE;
  const rows = tsv
    .split("\n")
    .slice(1)
    .filter((l) => l.trim() !== "")
    .map((l) => {
      const tab = l.lastIndexOf("\t");
      return { text: l.slice(0, tab), label: l.slice(tab + 1).trim() };
    });
  return { rows, source: existsSync(POLEMO) ? POLEMO : "inline sample" };
}

describe("sentiment on Polish reviews (PolEmo 2.0-IN dev)", () => {
  const { rows, source } = readRows();
  const polar = rows.filter(
    (r) => r.label === "__label__meta_plus_m" || r.label === "__label__meta_minus_m",
  );

  it("separates positive from negative reviews well above chance", () => {
    let correctSign = 0;
    let correctLabel = 0;
    let plusOk = 0;
    let minusOk = 0;
    for (const r of polar) {
      const s = sentiment(r.text, "pl");
      const positive = r.label === "__label__meta_plus_m";
      if (s.score >= 0 === positive) correctSign++;
      if (s.label === (positive ? "positive" : "negative")) {
        correctLabel++;
        if (positive) plusOk++;
        else minusOk++;
      }
    }
    const nPlus = polar.filter((r) => r.label === "__label__meta_plus_m").length;
    const nMinus = polar.length - nPlus;
    const acc = correctSign / polar.length;
    const labelAcc = correctLabel / polar.length;
    const neutral = rows.filter((r) => r.label === "__label__meta_zero");
    const neutralOk = neutral.filter((r) => sentiment(r.text, "pl").label === "neutral").length;
    console.log(
      `[polemo] ${source}: plus-vs-minus accuracy ${acc.toFixed(3)} (sign of score, n=${polar.length}); ` +
        `label accuracy ${labelAcc.toFixed(3)} (plus ${plusOk}/${nPlus}, minus ${minusOk}/${nMinus}); ` +
        `neutral texts labelled neutral ${neutralOk}/${neutral.length}`,
    );
    // Chance on this split is 0.56 (always "minus"); the lexicon must clearly beat it.
    expect(polar.length).toBeGreaterThanOrEqual(10);
    expect(acc).toBeGreaterThanOrEqual(0.8);
    expect(labelAcc).toBeGreaterThanOrEqual(0.75);
  });
});

describe("sentiment rules (Polish)", () => {
  it("negation flips: polecam vs nie polecam", () => {
    expect(sentiment("Polecam tego lekarza.", "pl").label).toBe("positive");
    expect(sentiment("Nie polecam tego lekarza.", "pl").label).toBe("negative");
    expect(sentiment("Obsługa nie była miła.", "pl").label).toBe("negative");
    expect(sentiment("Nie było żadnej kolejki.", "pl").label).toBe("positive");
  });

  it("inflection through stems, joined nie- prefix", () => {
    for (const w of [
      "miły",
      "miła",
      "miłej",
      "miłego",
      "świetnie",
      "świetnej",
      "polecamy",
      "polecić",
    ])
      expect(sentiment(w, "pl").score).toBeGreaterThan(0);
    for (const w of [
      "niemiły",
      "niemiłej",
      "fatalnie",
      "fatalnego",
      "czekaliśmy",
      "nieuprzejma",
      "niekompetentny",
    ])
      expect(sentiment(w, "pl").score).toBeLessThan(0);
    // nie + a known stem, written together, not listed itself
    expect(sentiment("nieszybki", "pl").score).toBeLessThan(0);
  });

  it("intensifiers strengthen, downtoners soften", () => {
    const plain = sentiment("miła obsługa", "pl").score;
    expect(sentiment("bardzo miła obsługa", "pl").score).toBeGreaterThan(plain);
    expect(sentiment("trochę miła obsługa", "pl").score).toBeLessThan(plain);
  });

  it("'ale' puts the weight on what follows", () => {
    expect(sentiment("Pani bardzo miła, ale szkła dobrane źle i złej jakości.", "pl").label).toBe(
      "negative",
    );
    expect(sentiment("Trochę czekałam, ale lekarz wspaniały i bardzo pomocny.", "pl").label).toBe(
      "positive",
    );
  });

  it("no sentiment words → neutral with 0 hits", () => {
    expect(sentiment("Konferencja odbędzie się w czwartek.", "pl")).toEqual({
      score: 0,
      label: "neutral",
      hits: 0,
    });
    expect(sentiment("", "pl")).toEqual({ score: 0, label: "neutral", hits: 0 });
  });

  it("score stays in −1..1 however long the text", () => {
    const s = sentiment("świetny ".repeat(5000), "pl");
    expect(s.score).toBeLessThanOrEqual(1);
    expect(s.score).toBeGreaterThan(0.99);
    expect(s.hits).toBe(5000);
  });
});

describe("sentiment (English, airline and contact-centre comments)", () => {
  it.each([
    ["The cabin crew were friendly and attentive, and the seat was comfortable.", "positive"],
    ["Check-in was quick and boarding smooth. Highly recommend this airline.", "positive"],
    ["The agent resolved my billing problem on the first call, very helpful.", "positive"],
    ["Not bad at all, the lounge was clean and the staff polite.", "positive"],
    ["Staff went above and beyond to rebook us after the cancellation.", "positive"],
    ["Waited 45 minutes on hold and the agent was rude. Never again.", "negative"],
    [
      "Flight delayed three hours, no information, and the food was cold and tasteless.",
      "negative",
    ],
    ["The seat was broken and the entertainment system did not work at all.", "negative"],
    ["I was charged twice and nobody called me back, absolutely useless service.", "negative"],
    [
      "Friendly crew but the seats were cramped, the food inedible and the delay ridiculous.",
      "negative",
    ],
    ["BA standards continue to decline, a disappointing and overpriced experience.", "negative"],
    ["Booked a flight from London to Chicago via Dublin.", "neutral"],
  ] as const)("%s → %s", (text, label) => {
    expect(sentiment(text, "en").label).toBe(label);
  });

  it("'not good' is negative, 'not bad' positive", () => {
    expect(sentiment("not good", "en").score).toBeLessThan(0);
    expect(sentiment("wasn't good", "en").score).toBeLessThan(0);
    expect(sentiment("not bad", "en").score).toBeGreaterThan(0);
  });

  it("und tries both lexicons", () => {
    expect(sentiment("super, polecam", "und").label).toBe("positive");
    expect(sentiment("terrible", "und").label).toBe("negative");
  });
});
