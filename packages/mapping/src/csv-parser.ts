/**
 * A streaming CSV/TSV tokenizer (RFC 4180 quoting): text goes in by chunks of any size, records
 * come out as soon as they are complete. Quoted fields may hold delimiters, doubled quotes and
 * line breaks (LF or CRLF); records end at LF, CRLF or a lone CR.
 *
 * Invariants:
 * - Never throws on input. A malformed record (text after a closing quote, a quote inside an
 *   unquoted field, an unterminated quote at end of input, a record over `maxRecordChars`) is still
 *   emitted, with `error` set, so the caller can report it as a rejected row and go on.
 * - Memory is bounded by `maxRecordChars` (+ `maxRawChars` for the raw copy): past the limit the
 *   record's content is dropped while the state machine keeps tracking quotes, so the next record
 *   starts at the right place.
 */

export interface CsvParserOptions {
  /** One character; "\t" for TSV. */
  delimiter: string;
  /** One character, or null when the format has no quoting (quotes are then plain text). */
  quote: string | null;
  /** Physical lines dropped before the first record (junk above the header). */
  skipLines: number;
  /** A record longer than this (in characters) is rejected as record_too_large. */
  maxRecordChars: number;
  /** How much of a record's raw text is kept for error reports. */
  maxRawChars: number;
}

export const DEFAULT_MAX_RECORD_CHARS = 1024 * 1024;
export const DEFAULT_MAX_RAW_CHARS = 64 * 1024;

export type CsvErrorCode = "malformed_row" | "record_too_large";

export interface CsvRecord {
  fields: string[];
  /** Physical line (1-based) on which the record starts. */
  line: number;
  /** The record's text without its terminator, cut at maxRawChars. */
  raw: string;
  error?: { code: CsvErrorCode; message: string };
}

export interface CsvParser {
  /** Feeds the next chunk; returns the records it completed. */
  push(text: string): CsvRecord[];
  /** Ends the input; returns the last record if one was open. */
  end(): CsvRecord[];
}

const LF = 10;
const CR = 13;

const enum State {
  FieldStart,
  Unquoted,
  Quoted,
  /** A quote seen inside a quoted field: either the first of a doubled quote or the closing one. */
  QuoteInQuoted,
}

export function createCsvParser(opts: CsvParserOptions): CsvParser {
  const delim = opts.delimiter.charCodeAt(0);
  const quote = opts.quote === null ? -1 : opts.quote.charCodeAt(0);
  let linesToSkip = opts.skipLines;

  let state = State.FieldStart;
  let fields: string[] = [];
  let field = "";
  let raw = "";
  let recordChars = 0;
  let tooLarge = false;
  let error: CsvRecord["error"];
  let line = 1; // physical line of the current position
  let recordLine = 1;
  let recordOpen = false;
  let pendingCr = false; // a CR ended a record; swallow a following LF (CRLF)

  const resetRecord = () => {
    state = State.FieldStart;
    fields = [];
    field = "";
    raw = "";
    recordChars = 0;
    tooLarge = false;
    error = undefined;
    recordOpen = false;
  };

  const malformed = (message: string) => {
    error ??= { code: "malformed_row", message: `line ${line}: ${message}` };
  };

  const appendRaw = (text: string) => {
    if (raw.length < opts.maxRawChars) raw += text.slice(0, opts.maxRawChars - raw.length);
  };

  const finishRecord = (out: CsvRecord[]) => {
    if (!tooLarge) fields.push(field);
    const isBlank = !tooLarge && fields.length === 1 && fields[0] === "" && error === undefined && raw === "";
    if (!isBlank) {
      const rec: CsvRecord = { fields: tooLarge ? [] : fields, line: recordLine, raw };
      if (tooLarge) rec.error = { code: "record_too_large", message: `record starting on line ${recordLine} is longer than ${opts.maxRecordChars} characters` };
      else if (error) rec.error = error;
      out.push(rec);
    }
    resetRecord();
  };

  const addChar = (c: string) => {
    if (tooLarge) return;
    if (++recordChars > opts.maxRecordChars) {
      tooLarge = true;
      fields = [];
      field = "";
      return;
    }
    field += c;
  };

  const endField = () => {
    if (!tooLarge) fields.push(field);
    field = "";
  };

  return {
    push(text) {
      const out: CsvRecord[] = [];
      let i = 0;
      const n = text.length;
      // Junk lines above the header are dropped by physical line, before any quote handling.
      while (linesToSkip > 0 && i < n) {
        const nl = text.indexOf("\n", i);
        if (nl === -1) {
          i = n;
          break;
        }
        i = nl + 1;
        line++;
        linesToSkip--;
      }
      let rawFrom = i;
      for (; i < n; i++) {
        const code = text.charCodeAt(i);
        if (pendingCr) {
          pendingCr = false;
          line++;
          if (code === LF) {
            rawFrom = i + 1;
            continue;
          }
        }
        if (!recordOpen) {
          recordOpen = true;
          recordLine = line;
          rawFrom = i;
        }
        switch (state) {
          case State.FieldStart:
          case State.Unquoted:
            if (code === delim) {
              endField();
              state = State.FieldStart;
              if (!tooLarge) recordChars++;
            } else if (code === LF || code === CR) {
              appendRaw(text.slice(rawFrom, i));
              finishRecord(out);
              if (code === LF) line++;
              else pendingCr = true;
              rawFrom = i + 1;
            } else if (code === quote && state === State.FieldStart) {
              state = State.Quoted;
            } else {
              if (code === quote) malformed("quote inside an unquoted field");
              addChar(text[i] as string);
              state = State.Unquoted;
            }
            break;
          case State.Quoted:
            if (code === quote) state = State.QuoteInQuoted;
            else {
              if (code === LF) line++;
              addChar(text[i] as string);
            }
            break;
          case State.QuoteInQuoted:
            if (code === quote) {
              addChar(text[i] as string);
              state = State.Quoted;
            } else if (code === delim) {
              endField();
              state = State.FieldStart;
            } else if (code === LF || code === CR) {
              appendRaw(text.slice(rawFrom, i));
              finishRecord(out);
              if (code === LF) line++;
              else pendingCr = true;
              rawFrom = i + 1;
            } else {
              malformed("text after a closing quote");
              addChar(text[i] as string);
              state = State.Unquoted;
            }
            break;
        }
      }
      if (recordOpen && rawFrom < n) appendRaw(text.slice(rawFrom));
      return out;
    },
    end() {
      const out: CsvRecord[] = [];
      if (state === State.Quoted) malformed(`unterminated quoted field (opened in the record starting on line ${recordLine})`);
      if (recordOpen) finishRecord(out);
      return out;
    },
  };
}
