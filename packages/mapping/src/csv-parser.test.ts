import { describe, expect, it } from "vitest";
import { createCsvParser, type CsvParserOptions, type CsvRecord } from "./csv-parser";

const CSV: CsvParserOptions = { delimiter: ",", quote: '"', skipLines: 0, maxRecordChars: 1_000_000, maxRawChars: 1000 };

function parse(chunks: string[] | string, opts: Partial<CsvParserOptions> = {}): CsvRecord[] {
  const p = createCsvParser({ ...CSV, ...opts });
  const out: CsvRecord[] = [];
  for (const c of typeof chunks === "string" ? [chunks] : chunks) out.push(...p.push(c));
  out.push(...p.end());
  return out;
}

const fields = (recs: CsvRecord[]) => recs.map((r) => r.fields);

describe("streaming CSV parser", () => {
  it("splits plain records on LF and CRLF, with or without a final line break", () => {
    expect(fields(parse("a,b\n1,2\n"))).toEqual([["a", "b"], ["1", "2"]]);
    expect(fields(parse("a,b\r\n1,2\r\n3,4"))).toEqual([["a", "b"], ["1", "2"], ["3", "4"]]);
    expect(fields(parse("a,b\r1,2"))).toEqual([["a", "b"], ["1", "2"]]);
  });

  it("keeps empty fields and skips blank lines", () => {
    expect(fields(parse("a,,c\n\n,\n\r\nx\n"))).toEqual([["a", "", "c"], ["", ""], ["x"]]);
  });

  it("reads RFC 4180 quoting: delimiters, doubled quotes and line breaks inside quotes", () => {
    const recs = parse('id,text\n1,"a, b"\n2,"say ""hi"""\n3,"line one\nline two\r\nline three"\n4,""\n');
    expect(fields(recs)).toEqual([
      ["id", "text"],
      ["1", "a, b"],
      ["2", 'say "hi"'],
      ["3", "line one\nline two\r\nline three"],
      ["4", ""],
    ]);
    expect(recs.map((r) => r.line)).toEqual([1, 2, 3, 4, 7]);
    expect(recs[3]?.raw).toBe('3,"line one\nline two\r\nline three"');
    expect(recs.every((r) => r.error === undefined)).toBe(true);
  });

  it("gives the same records whatever the chunk boundaries (including inside CRLF and quotes)", () => {
    const text = 'h1,h2\r\n"x,""y""\r\nz",2\r\nplain,"q"\r\n\r\nlast,row';
    const whole = parse(text);
    for (let size = 1; size <= 7; size++) {
      const chunks: string[] = [];
      for (let i = 0; i < text.length; i += size) chunks.push(text.slice(i, i + size));
      expect(parse(chunks)).toEqual(whole);
    }
    expect(fields(whole)).toEqual([["h1", "h2"], ['x,"y"\r\nz', "2"], ["plain", "q"], ["last", "row"]]);
  });

  it("drops junk lines above the header before any quote handling", () => {
    const recs = parse(['Archive: "odd.zip\n  inflat', 'ing: x.csv\na,b\n1,2\n'], { skipLines: 2 });
    expect(fields(recs)).toEqual([["a", "b"], ["1", "2"]]);
    expect(recs[0]?.line).toBe(3);
  });

  it("treats quotes as text when quoting is off (TSV)", () => {
    expect(fields(parse('a\t"b\tc"\n', { delimiter: "\t", quote: null }))).toEqual([["a", '"b', 'c"']]);
  });

  it("reports malformed records instead of throwing, and carries on with the next record", () => {
    const recs = parse('a,b\n"x"y,1\nab"c,2\nok,3\n"open,4\n');
    expect(recs.map((r) => r.error?.code ?? "ok")).toEqual(["ok", "malformed_row", "malformed_row", "ok", "malformed_row"]);
    expect(recs[1]?.error?.message).toMatch(/text after a closing quote/);
    expect(recs[2]?.error?.message).toMatch(/quote inside an unquoted field/);
    expect(recs[4]?.error?.message).toMatch(/unterminated quoted field/);
    expect(recs[3]?.fields).toEqual(["ok", "3"]);
  });

  it("bounds memory: an over-long record is rejected and parsing resumes after it", () => {
    const big = "x".repeat(500);
    const recs = parse(`a,b\n"${big}\n${big}",1\nnext,2\n`, { maxRecordChars: 100, maxRawChars: 50 });
    expect(recs.map((r) => r.error?.code ?? "ok")).toEqual(["ok", "record_too_large", "ok"]);
    expect(recs[1]?.raw).toHaveLength(50);
    expect(recs[1]?.fields).toEqual([]);
    expect(recs[2]?.fields).toEqual(["next", "2"]);
    expect(recs[2]?.line).toBe(4);
  });
});
