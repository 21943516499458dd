import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { detectLanguage } from "./language";
import { sentiment } from "./sentiment";

const DATA_DIR =
  process.env.PULSE_DATA_DIR ?? fileURLToPath(new URL("../../../../shared/data", import.meta.url));
const SKYTRAX = join(DATA_DIR, "ba_skytrax_reviews.csv");

// Fallback in the dataset's format (only the columns this test reads), written for this test.
const INLINE_SAMPLE = `header,content,recommended
good,"Friendly and attentive cabin crew, comfortable seat and a tasty meal. Would fly again.",yes
fine,"Check-in was quick, boarding smooth and we landed early. Great value for money.",yes
nice,"Lovely staff in the lounge, clean aircraft and excellent entertainment.",yes
poor,"Flight delayed four hours, no information from staff and the food was cold.",no
bad,"They lost my luggage and customer service was rude and unhelpful. Never again.",no
awful,"Cramped seat, broken screen, dirty toilets and an overpriced ticket. Terrible.",no
`;

/** RFC 4180-style CSV (quoted fields, doubled quotes, newlines inside quotes). */
function parseCsv(s: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charAt(i);
    if (quoted) {
      if (c !== '"') field += c;
      else if (s.charAt(i + 1) === '"') {
        field += '"';
        i++;
      } else quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\n") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += c;
  }
  if (field !== "" || row.length > 0) rows.push([...row, field]);
  return rows;
}

describe("sentiment on English airline reviews (Skytrax, British Airways)", () => {
  it("agrees with the reviewer's own recommended yes/no well above chance", () => {
    const present = existsSync(SKYTRAX);
    const rows = parseCsv(present ? readFileSync(SKYTRAX, "utf8") : INLINE_SAMPLE);
    const header = rows[0] ?? [];
    const content = header.indexOf("content");
    const recommended = header.indexOf("recommended");
    let n = 0;
    let agree = 0;
    let english = 0;
    for (const r of rows.slice(1)) {
      const text = r[content] ?? "";
      const rec = r[recommended];
      if (rec !== "yes" && rec !== "no") continue;
      n++;
      if (detectLanguage(text) === "en") english++;
      if (sentiment(text, "en").score >= 0 === (rec === "yes")) agree++;
    }
    const acc = agree / n;
    console.log(
      `[skytrax] ${present ? SKYTRAX : "inline sample"}: recommended yes/no accuracy ${acc.toFixed(3)} (n=${n}); detected English ${english}/${n}`,
    );
    expect(n).toBeGreaterThanOrEqual(6);
    expect(english / n).toBeGreaterThanOrEqual(0.98);
    // Chance is about 0.6 ("no" is the majority); the lexicon was not tuned on this set.
    expect(acc).toBeGreaterThanOrEqual(0.75);
  });
});
