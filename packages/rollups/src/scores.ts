/**
 * The score mapping generated from the declaration: which statistics feed which score, under the
 * field names of @pulse/scoring's input shapes. The types follow the declaration, so a score whose
 * inputs are not all declared does not typecheck where it is computed.
 */
import { STATISTICS } from "./statistics";

type Stat = (typeof STATISTICS)[number];
type ValueOf<S extends Stat> = S["kind"] extends "histogram" | "signedHistogram" ? Record<string, number> : number;

/** One merged group of statistics, as a read with READ_AGGREGATES returns it. */
export type StatsValues = { [S in Stat as S["name"]]: ValueOf<S> };

type Entry = Stat extends infer S
  ? S extends Stat
    ? S["feeds"][number] extends infer F
      ? F extends readonly [infer Score, infer Field, ...unknown[]]
        ? { score: Score; field: Field; value: ValueOf<S> }
        : never
      : never
    : never
  : never;

export type ScoreName = Entry["score"];

/** The inputs of one score, e.g. `ScoreInput<"nps">` = `{ n; promoters; detractors }`. */
export type ScoreInput<N extends ScoreName> = { [E in Extract<Entry, { score: N }> as E["field"] & string]: E["value"] };

/** The declared inputs of `score` read from a merged row (scaled to the unit the score reads). */
export function scoreInput<N extends ScoreName>(row: StatsValues, score: N): ScoreInput<N> {
  const out: Record<string, unknown> = {};
  for (const s of STATISTICS) {
    for (const [name, field, divisor] of s.feeds as readonly (readonly [string, string, number?])[]) {
      if (name !== score) continue;
      const v = row[s.name];
      out[field] = divisor !== undefined && typeof v === "number" ? v / divisor : v;
    }
  }
  return out as ScoreInput<N>;
}

/** An all-zero group: the statistics of a group that had no data in a period. */
export function emptyValues(): StatsValues {
  return Object.fromEntries(STATISTICS.map((s) => [s.name, s.kind === "histogram" || s.kind === "signedHistogram" ? {} : 0])) as StatsValues;
}
