/**
 * The rejected rows of an import, as NDJSON: one line per row with its number, its physical line,
 * its raw text and every issue (code, path, message). Written next to the input as
 * `<input>.errors.ndjson`. Memory is bounded: past `maxBytes` rows are only counted, and a last
 * line {"truncated":true,"omittedRows":n} says so.
 */
import type { RowResult } from "@pulse/mapping";

export const DEFAULT_MAX_REPORT_BYTES = 16 * 1024 * 1024;

export interface ErrorReport {
  add(r: RowResult): void;
  readonly rows: number;
  readonly truncated: boolean;
  body(): string;
}

export function errorReportKey(inputKey: string): string {
  return `${inputKey}.errors.ndjson`;
}

export function createErrorReport(maxBytes = DEFAULT_MAX_REPORT_BYTES): ErrorReport {
  const lines: string[] = [];
  let bytes = 0;
  let rows = 0;
  let omitted = 0;
  return {
    add(r) {
      if (r.outcome.kind !== "rejected") return;
      rows++;
      const line = JSON.stringify({ row: r.row, line: r.line, raw: r.raw, issues: r.outcome.issues });
      if (omitted > 0 || bytes + line.length + 1 > maxBytes) {
        omitted++;
        return;
      }
      lines.push(line);
      bytes += line.length + 1;
    },
    get rows() {
      return rows;
    },
    get truncated() {
      return omitted > 0;
    },
    body() {
      const all = omitted > 0 ? [...lines, JSON.stringify({ truncated: true, omittedRows: omitted })] : lines;
      return all.length === 0 ? "" : `${all.join("\n")}\n`;
    },
  };
}
