/**
 * Date and time parsing by declared format, with a fixed UTC offset. Output is the contract's
 * ISO-8601 form with offset, e.g. 1999-02-01T07:02:47+02:00. Calendar-checked: 1999-02-29 fails.
 */

type Part = "year4" | "year2" | "month" | "day" | "hour" | "minute" | "second";

const DATE_TOKENS: [string, Part, string][] = [
  ["YYYY", "year4", "(\\d{4})"],
  ["YY", "year2", "(\\d{2})"],
  ["MM", "month", "(\\d{2})"],
  ["M", "month", "(\\d{1,2})"],
  ["DD", "day", "(\\d{2})"],
  ["D", "day", "(\\d{1,2})"],
];
const TIME_TOKENS: [string, Part, string][] = [
  ["HH", "hour", "(\\d{2})"],
  ["H", "hour", "(\\d{1,2})"],
  ["MM", "minute", "(\\d{2})"],
  ["M", "minute", "(\\d{1,2})"],
  ["SS", "second", "(\\d{2})"],
  ["S", "second", "(\\d{1,2})"],
];

interface CompiledFormat {
  re: RegExp;
  parts: Part[];
}

const cache = new Map<string, CompiledFormat>();

function compile(format: string, tokens: [string, Part, string][]): CompiledFormat {
  const key = `${tokens === DATE_TOKENS ? "d" : "t"}:${format}`;
  const hit = cache.get(key);
  if (hit) return hit;
  let src = "";
  const parts: Part[] = [];
  let i = 0;
  outer: while (i < format.length) {
    for (const [tok, part, re] of tokens) {
      if (format.startsWith(tok, i)) {
        src += re;
        parts.push(part);
        i += tok.length;
        continue outer;
      }
    }
    src += (format[i] as string).replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    i++;
  }
  const compiled = { re: new RegExp(`^${src}$`), parts };
  cache.set(key, compiled);
  return compiled;
}

function extract(value: string, format: string, tokens: [string, Part, string][]): Partial<Record<Part, number>> | null {
  const { re, parts } = compile(format, tokens);
  const m = re.exec(value.trim());
  if (!m) return null;
  const out: Partial<Record<Part, number>> = {};
  parts.forEach((p, i) => (out[p] = Number(m[i + 1])));
  return out;
}

const pad = (n: number, w = 2) => String(n).padStart(w, "0");

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

export interface DateTimeInput {
  date: string;
  dateFormat: string;
  time?: string | undefined;
  timeFormat?: string | undefined;
  defaultTime?: string | undefined;
  offset: string;
  pivotYear?: number | undefined;
}

/** The ISO-8601 date-time, or an error message naming what did not parse. */
export function parseDateTime(input: DateTimeInput): { ok: true; value: string } | { ok: false; message: string } {
  const d = extract(input.date, input.dateFormat, DATE_TOKENS);
  if (!d) return { ok: false, message: `"${input.date}" does not match the date format ${input.dateFormat}` };
  const pivot = input.pivotYear ?? 50;
  const year = d.year4 ?? (d.year2 === undefined ? undefined : d.year2 < pivot ? 2000 + d.year2 : 1900 + d.year2);
  const { month, day } = d;
  if (year === undefined || month === undefined || day === undefined) {
    return { ok: false, message: `the date format ${input.dateFormat} must contain a year, a month and a day` };
  }
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    return { ok: false, message: `"${input.date}" is not a calendar date` };
  }
  let t: Partial<Record<Part, number>> | null;
  if (input.time !== undefined && input.timeFormat !== undefined) {
    t = extract(input.time, input.timeFormat, TIME_TOKENS);
    if (!t) return { ok: false, message: `"${input.time}" does not match the time format ${input.timeFormat}` };
  } else {
    t = extract(input.defaultTime ?? "00:00:00", "HH:MM:SS", TIME_TOKENS);
  }
  const hour = t?.hour ?? 0;
  const minute = t?.minute ?? 0;
  const second = t?.second ?? 0;
  if (hour > 23 || minute > 59 || second > 59) return { ok: false, message: `"${input.time ?? ""}" is not a time of day` };
  return {
    ok: true,
    value: `${pad(year, 4)}-${pad(month)}-${pad(day)}T${pad(hour)}:${pad(minute)}:${pad(second)}${input.offset}`,
  };
}
