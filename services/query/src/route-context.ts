import type { QueryCache } from "./cache";
import type { RangeOptions, RawQuery, WindowName } from "./params-fns";
import type { QueryService } from "./query.service";
import type { StreamHub } from "./stream-hub";

/** What the route modules share; built once in app.ts. */
export interface RouteContext {
  service: QueryService;
  cache: QueryCache;
  hub: StreamHub;
  /** Range options at this instant (the clock is read per request). */
  rangeOptions(unit: number, defaultWindow?: WindowName): RangeOptions;
}

export function query(q: unknown): RawQuery {
  return (q ?? {}) as RawQuery;
}
