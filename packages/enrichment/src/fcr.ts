import { PulseError, err, ok, type Result } from "@pulse/kit";
import { z } from "zod";

/**
 * Derived first-contact resolution (FCR), as a pure state machine per key
 * (tenant, customer, topic). The worker loads the state, calls onContact / onWindowClose,
 * stores newState and writes the verdicts as rows that the rollups fold (fcr_resolved / fcr_total).
 *
 * Definition (DESIGN.md): a contact is resolved at first contact iff the same customer does not
 * contact again about the same topic within W. Contacts are ordered by (occurredAt, eventId), never
 * by arrival; "again within W" means the next contact in that order has occurredAt − t ≤ W
 * (inclusive; a tie in time counts as a repeat).
 *
 * Verdicts are final: each contact gets at most one, ever.
 * - "unresolved" is emitted as soon as a repeat within W is known (it can never become untrue).
 * - "resolved" is emitted once the window can no longer be filled: when the clock passes
 *   t + W + L, L being the allowed lateness (how late, in processing time, an event may arrive).
 *   The clock is the largest `now` given to onWindowClose and the largest occurredAt seen (an event
 *   cannot arrive before it happened, so its time is a lower bound of the clock; the worker should
 *   clamp occurredAt values in the future to its own clock).
 * With L = 0 this is the simple rule "a contact after W resolves the previous one".
 *
 * Late events: an event at most L late gives exactly the verdicts of a batch computation over the
 * full sorted history. One later than that is still placed by its occurredAt: it marks an open
 * predecessor unresolved and is judged itself, but a predecessor already judged resolved keeps its
 * verdict. An event whose own window had already closed when it arrived (t + W + L < clock) is
 * skipped as "too_late": it might be a redelivery of a contact already judged and forgotten.
 * A redelivered event still in the state is skipped as "duplicate".
 */

export const DEFAULT_FCR_WINDOW_MS = 7 * 24 * 60 * 60 * 1000;

export interface FcrContact {
  readonly eventId: string;
  /** ISO-8601 with offset, as in the event envelope */
  readonly occurredAt: string;
  readonly touchpoint: string;
  readonly channel: string;
  readonly segment?: string | undefined;
  readonly valueTier?: string | undefined;
  readonly agentId?: string | undefined;
  /** the contact's journey stage, so its verdict folds into the same rollup group */
  readonly journeyStage?: string | undefined;
}

/** A verdict about one (earlier) contact, carrying what its rollup row needs. */
export interface FcrVerdict {
  readonly contactId: string;
  readonly resolved: boolean;
  readonly occurredAt: string;
  readonly touchpoint: string;
  readonly channel: string;
  readonly segment?: string | undefined;
  readonly valueTier?: string | undefined;
  readonly agentId?: string | undefined;
  readonly journeyStage?: string | undefined;
  /** for resolved: false, the contact that repeated it */
  readonly repeatContactId?: string | undefined;
}

export const FcrContactSchema = z.object({
  eventId: z.string().min(1),
  occurredAt: z.string().min(1),
  touchpoint: z.string(),
  channel: z.string(),
  segment: z.string().optional(),
  valueTier: z.string().optional(),
  agentId: z.string().optional(),
  journeyStage: z.string().optional(),
});

export const FcrState = z.object({
  v: z.literal(1),
  /** ms since epoch; see the clock in the module comment */
  clock: z.number(),
  /** sorted by (t, eventId); every entry has t + W + L ≥ clock */
  entries: z.array(
    z.object({
      contact: FcrContactSchema,
      t: z.number(),
      /** open = no verdict yet; repeated = judged unresolved, kept to place late events */
      status: z.enum(["open", "repeated"]),
    }),
  ),
});
export type FcrState = z.infer<typeof FcrState>;
type FcrEntry = FcrState["entries"][number];

export interface FcrOptions {
  readonly windowMs: number;
  /** default 0 */
  readonly allowedLatenessMs?: number;
}

export type FcrSkip = "duplicate" | "too_late";

export interface FcrStep {
  readonly newState: FcrState | null;
  readonly verdicts: readonly FcrVerdict[];
  readonly skipped?: FcrSkip;
}

export function onContact(
  state: FcrState | null,
  contact: FcrContact,
  options: FcrOptions | number = DEFAULT_FCR_WINDOW_MS,
): FcrStep {
  const { w, l } = resolveOptions(options);
  const t = toMillis(contact.occurredAt, contact.eventId);
  const s: FcrState = state ?? { v: 1, clock: t, entries: [] };
  if (s.entries.some((e) => e.contact.eventId === contact.eventId))
    return { newState: s, verdicts: [], skipped: "duplicate" };
  if (t + w + l < s.clock) return { newState: s, verdicts: [], skipped: "too_late" };

  const entries = s.entries.slice();
  const pos = insertionIndex(entries, t, contact.eventId);
  const verdicts: FcrVerdict[] = [];
  const pred = entries[pos - 1];
  const succ = entries[pos];
  if (pred !== undefined && pred.status === "open" && t - pred.t <= w) {
    entries[pos - 1] = { ...pred, status: "repeated" };
    verdicts.push(verdict(pred.contact, false, contact.eventId));
  }
  let status: FcrEntry["status"] = "open";
  if (succ !== undefined && succ.t - t <= w) {
    status = "repeated";
    verdicts.push(verdict(contact, false, succ.contact.eventId));
  }
  entries.splice(pos, 0, { contact: copyContact(contact), t, status });
  const closed = close(entries, s.clock, t, w, l);
  return { newState: closed.state, verdicts: [...verdicts, ...closed.verdicts] };
}

/**
 * Advances the clock to `now` and judges "resolved" every open contact whose window (plus the
 * allowed lateness) has passed; forgets contacts no late event can concern any more.
 * `now` = Infinity closes everything (end of a replay).
 */
export function onWindowClose(
  state: FcrState | null,
  now: number | string | Date,
  options: FcrOptions | number = DEFAULT_FCR_WINDOW_MS,
): FcrStep {
  if (state === null) return { newState: null, verdicts: [] };
  const { w, l } = resolveOptions(options);
  const at =
    typeof now === "number" ? now : toMillis(now instanceof Date ? now.toISOString() : now, "now");
  const { state: next, verdicts } = close(state.entries.slice(), state.clock, at, w, l);
  return { newState: next, verdicts };
}

/** Validates a state read back from storage. */
export function parseFcrState(value: unknown): Result<FcrState, PulseError> {
  const r = FcrState.safeParse(value);
  if (r.success) return ok(r.data);
  return err(
    new PulseError(
      "fcr_state_invalid",
      `stored FCR state is invalid: ${r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
    ),
  );
}

function close(
  entries: FcrEntry[],
  previousClock: number,
  at: number,
  w: number,
  l: number,
): { state: FcrState; verdicts: FcrVerdict[] } {
  const clock = Math.max(previousClock, at);
  const verdicts: FcrVerdict[] = [];
  let drop = 0;
  // Entries are sorted by t, so the closable ones form a prefix.
  while (drop < entries.length && (entries[drop] as FcrEntry).t + w + l < clock) {
    const e = entries[drop] as FcrEntry;
    if (e.status === "open") verdicts.push(verdict(e.contact, true, undefined));
    drop++;
  }
  // The clock is stored finite so the state stays JSON; Infinity only closes.
  const lastT = entries[entries.length - 1]?.t;
  const stored = Number.isFinite(clock)
    ? clock
    : Math.max(previousClock, lastT === undefined ? previousClock : lastT + w + l + 1);
  return { state: { v: 1, clock: stored, entries: entries.slice(drop) }, verdicts };
}

function insertionIndex(entries: readonly FcrEntry[], t: number, id: string): number {
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const e = entries[mid] as FcrEntry;
    if (e.t < t || (e.t === t && e.contact.eventId < id)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function verdict(
  c: FcrContact,
  resolved: boolean,
  repeatContactId: string | undefined,
): FcrVerdict {
  return {
    contactId: c.eventId,
    resolved,
    occurredAt: c.occurredAt,
    touchpoint: c.touchpoint,
    channel: c.channel,
    ...(c.segment !== undefined ? { segment: c.segment } : {}),
    ...(c.valueTier !== undefined ? { valueTier: c.valueTier } : {}),
    ...(c.agentId !== undefined ? { agentId: c.agentId } : {}),
    ...(c.journeyStage !== undefined ? { journeyStage: c.journeyStage } : {}),
    ...(repeatContactId !== undefined ? { repeatContactId } : {}),
  };
}

/** Keeps only the declared fields, so what is stored in Redis stays small and schema-valid. */
function copyContact(c: FcrContact): FcrContact {
  const { eventId, occurredAt, touchpoint, channel, segment, valueTier, agentId, journeyStage } = c;
  return {
    eventId,
    occurredAt,
    touchpoint,
    channel,
    ...(segment !== undefined ? { segment } : {}),
    ...(valueTier !== undefined ? { valueTier } : {}),
    ...(agentId !== undefined ? { agentId } : {}),
    ...(journeyStage !== undefined ? { journeyStage } : {}),
  };
}

function resolveOptions(o: FcrOptions | number): { w: number; l: number } {
  const w = typeof o === "number" ? o : o.windowMs;
  const l = typeof o === "number" ? 0 : (o.allowedLatenessMs ?? 0);
  if (!(w > 0) || !Number.isFinite(w) || !(l >= 0) || !Number.isFinite(l))
    throw new PulseError(
      "fcr_options_invalid",
      `FCR window must be > 0 and lateness ≥ 0 (got ${w}, ${l})`,
    );
  return { w, l };
}

/**
 * The contract guarantees ISO-8601 timestamps, so an unparsable one here is a programming error
 * upstream, not an expected failure: it throws instead of silently producing a wrong verdict.
 */
function toMillis(iso: string, what: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms))
    throw new PulseError("fcr_time_invalid", `not an ISO-8601 time for ${what}: ${iso}`);
  return ms;
}
