/**
 * One minute (or any span) of one touchpoint's sufficient statistics, as read from rollup_minute
 * summed over channels and segments. Everything here merges by addition.
 */
export interface Tally {
  readonly events: number;
  readonly npsN: number;
  readonly promoters: number;
  readonly detractors: number;
  readonly csatN: number;
  readonly csatTop2: number;
  readonly cesN: number;
  readonly cesSum: number;
  readonly cesSumSq: number;
  readonly calls: number;
  readonly abandoned: number;
  /** answered calls with a wait, Σ wait and Σ wait² in seconds */
  readonly waitN: number;
  readonly waitSum: number;
  readonly waitSumSq: number;
  readonly contacts: number;
  readonly complaints: number;
}

export const EMPTY_TALLY: Tally = Object.freeze({
  events: 0,
  npsN: 0,
  promoters: 0,
  detractors: 0,
  csatN: 0,
  csatTop2: 0,
  cesN: 0,
  cesSum: 0,
  cesSumSq: 0,
  calls: 0,
  abandoned: 0,
  waitN: 0,
  waitSum: 0,
  waitSumSq: 0,
  contacts: 0,
  complaints: 0,
});

export const TALLY_FIELDS = Object.keys(EMPTY_TALLY) as Array<keyof Tally>;

export function addTally(a: Tally, b: Partial<Tally>): Tally {
  const out: Record<string, number> = {};
  for (const k of TALLY_FIELDS) out[k] = a[k] + (b[k] ?? 0);
  return out as unknown as Tally;
}

export function tallyOf(t: Partial<Tally>): Tally {
  return addTally(EMPTY_TALLY, t);
}
