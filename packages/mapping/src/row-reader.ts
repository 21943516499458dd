/**
 * Bytes in, rows out: decodes a byte stream (UTF-8 or Latin-1, BOM dropped) and turns it into
 * rows keyed by column, for CSV/TSV (through the streaming tokenizer) and NDJSON.
 * Bounded memory and never throws on malformed content: a bad row comes out with `error` set.
 */
import { TextDecoder } from "node:util";
import { DEFAULT_MAX_RAW_CHARS, DEFAULT_MAX_RECORD_CHARS, createCsvParser, type CsvRecord } from "./csv-parser";
import type { FileFormat } from "./spec";
import type { RowIssue, Value } from "./values";

/** Access to one row's cells by column name. */
export interface Row {
  get(column: string): Value | undefined;
}

export type ReadItem =
  | { kind: "header"; columns: string[] | null }
  | {
      kind: "row";
      /** 1-based data row number (after skipped lines and the header). */
      row: number;
      /** Physical line the row starts on. */
      line: number;
      raw: string;
      /** Bytes of input consumed when the row was emitted (chunk granularity): for progress. */
      bytesRead: number;
      values: Row | null;
      error?: RowIssue;
    };

export interface ReadOptions {
  maxRecordChars?: number;
  maxRawChars?: number;
}

/** Any (async) iterable of chunks: a Node stream, an S3 body, an array of strings in tests. */
export type ByteSource = AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>;

export async function* readRows(source: ByteSource, format: FileFormat, opts: ReadOptions = {}): AsyncGenerator<ReadItem> {
  const decoder = new TextDecoder(format.encoding === "latin1" ? "latin1" : "utf-8", { ignoreBOM: false });
  const maxRecordChars = opts.maxRecordChars ?? DEFAULT_MAX_RECORD_CHARS;
  const maxRawChars = opts.maxRawChars ?? DEFAULT_MAX_RAW_CHARS;
  if (format.type === "ndjson") {
    yield { kind: "header", columns: null };
    yield* readNdjson(source, decoder, maxRecordChars, maxRawChars);
    return;
  }
  const parser = createCsvParser({
    delimiter: format.delimiter,
    quote: format.quote,
    skipLines: format.skipLines,
    maxRecordChars,
    maxRawChars,
  });
  let columns: string[] | null = format.header ? null : format.columns ?? null;
  let index = new Map<string, number>();
  if (columns) {
    index = indexColumns(columns);
    yield { kind: "header", columns };
  }
  let rowNo = 0;
  let bytesRead = 0;
  const rows = function* (records: CsvRecord[]): Generator<ReadItem> {
    for (const rec of records) {
      if (columns === null) {
        columns = rec.fields.map((f) => f.trim());
        index = indexColumns(columns);
        yield { kind: "header", columns };
        continue;
      }
      rowNo++;
      const base = { kind: "row" as const, row: rowNo, line: rec.line, raw: rec.raw, bytesRead };
      if (rec.error) {
        yield { ...base, values: null, error: { code: rec.error.code, path: "", message: rec.error.message } };
      } else if (rec.fields.length !== columns.length) {
        yield {
          ...base,
          values: null,
          error: { code: "column_count", path: "", message: `row has ${rec.fields.length} fields, the header has ${columns.length}` },
        };
      } else {
        const fields = rec.fields;
        yield { ...base, values: { get: (c) => { const i = index.get(c); return i === undefined ? undefined : fields[i]; } } };
      }
    }
  };
  for await (const chunk of chunksOf(source)) {
    const text = typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true });
    bytesRead += typeof chunk === "string" ? Buffer.byteLength(chunk) : chunk.byteLength;
    yield* rows(parser.push(text));
  }
  yield* rows(parser.push(decoder.decode()));
  yield* rows(parser.end());
}

async function* chunksOf(source: ByteSource): AsyncGenerator<Uint8Array | string> {
  if (Symbol.asyncIterator in source) for await (const c of source) yield c;
  else for (const c of source) yield c;
}

/** First occurrence wins for duplicate header names; the mapping binder reports duplicates it uses. */
function indexColumns(columns: string[]): Map<string, number> {
  const index = new Map<string, number>();
  columns.forEach((c, i) => {
    if (!index.has(c)) index.set(c, i);
  });
  return index;
}

async function* readNdjson(source: ByteSource, decoder: TextDecoder, maxChars: number, maxRawChars: number): AsyncGenerator<ReadItem> {
  let buf = "";
  let dropping = false; // the current line is over maxChars: skip to its end
  let line = 0;
  let rowNo = 0;
  let bytesRead = 0;
  let droppedRaw = "";
  const emit = (text: string, tooLarge: boolean): ReadItem | null => {
    line++;
    const content = text.endsWith("\r") ? text.slice(0, -1) : text;
    if (!tooLarge && content.trim() === "") return null;
    rowNo++;
    const raw = content.slice(0, maxRawChars);
    const base = { kind: "row" as const, row: rowNo, line, raw, bytesRead };
    if (tooLarge) return { ...base, values: null, error: { code: "record_too_large", path: "", message: `line ${line} is longer than ${maxChars} characters` } };
    let parsed: unknown;
    try {
      parsed = JSON.parse(content);
    } catch (e) {
      return { ...base, values: null, error: { code: "invalid_json", path: "", message: `line ${line} is not JSON: ${(e as Error).message}` } };
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      return { ...base, values: null, error: { code: "invalid_json", path: "", message: `line ${line} must be a JSON object` } };
    }
    const obj = parsed as Record<string, unknown>;
    return { ...base, values: { get: (c) => jsonValue(obj, c) } };
  };
  const feed = function* (text: string): Generator<ReadItem> {
    let from = 0;
    for (;;) {
      const nl = text.indexOf("\n", from);
      const piece = nl === -1 ? text.slice(from) : text.slice(from, nl);
      if (dropping) {
        if (droppedRaw.length < maxRawChars) droppedRaw += piece.slice(0, maxRawChars - droppedRaw.length);
      } else if (buf.length + piece.length > maxChars) {
        dropping = true;
        droppedRaw = (buf + piece).slice(0, maxRawChars);
        buf = "";
      } else buf += piece;
      if (nl === -1) return;
      const item = dropping ? emit(droppedRaw, true) : emit(buf, false);
      if (item) yield item;
      buf = "";
      droppedRaw = "";
      dropping = false;
      from = nl + 1;
    }
  };
  for await (const chunk of chunksOf(source)) {
    bytesRead += typeof chunk === "string" ? Buffer.byteLength(chunk) : chunk.byteLength;
    yield* feed(typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true }));
  }
  yield* feed(decoder.decode());
  if (buf !== "" || dropping) {
    const item = dropping ? emit(droppedRaw, true) : emit(buf, false);
    if (item) yield item;
  }
}

/** A top-level key first ("a.b" may be a key); otherwise a dotted path into nested objects. */
function jsonValue(obj: Record<string, unknown>, column: string): Value | undefined {
  let v: unknown = Object.prototype.hasOwnProperty.call(obj, column) ? obj[column] : undefined;
  if (v === undefined && column.includes(".")) {
    v = obj;
    for (const part of column.split(".")) {
      if (typeof v !== "object" || v === null || !Object.prototype.hasOwnProperty.call(v, part)) return undefined;
      v = (v as Record<string, unknown>)[part];
    }
  }
  if (v === undefined) return undefined;
  if (v === null || typeof v === "string" || typeof v === "number" || typeof v === "boolean") return v;
  return JSON.stringify(v);
}
