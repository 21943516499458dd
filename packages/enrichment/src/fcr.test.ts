import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  DEFAULT_FCR_WINDOW_MS,
  onContact,
  onWindowClose,
  parseFcrState,
  type FcrContact,
  type FcrOptions,
  type FcrState,
  type FcrStep,
  type FcrVerdict,
} from "./fcr";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.parse("2024-03-01T00:00:00Z");
const W = DEFAULT_FCR_WINDOW_MS;

function contact(id: string, hoursAfterT0: number, extra: Partial<FcrContact> = {}): FcrContact {
  return {
    eventId: id,
    occurredAt: new Date(T0 + hoursAfterT0 * HOUR).toISOString(),
    touchpoint: "phone",
    channel: "voice",
    ...extra,
  };
}

/** Feeds contacts in arrival order, collecting every verdict. */
function replay(
  contacts: readonly FcrContact[],
  window: FcrOptions | number = W,
): { state: FcrState | null; verdicts: FcrVerdict[] } {
  let state: FcrState | null = null;
  const verdicts: FcrVerdict[] = [];
  for (const c of contacts) {
    const step = onContact(state, c, window);
    state = step.newState;
    verdicts.push(...step.verdicts);
  }
  return { state, verdicts };
}

function brief(vs: readonly FcrVerdict[]): Array<[string, boolean]> {
  return vs.map((v) => [v.contactId, v.resolved]);
}

describe("FCR state machine", () => {
  it("a repeat within the window makes the previous contact unresolved", () => {
    const { state, verdicts } = replay([contact("a", 0), contact("b", 48)]);
    expect(brief(verdicts)).toEqual([["a", false]]);
    expect(verdicts[0]?.repeatContactId).toBe("b");
    // b is still open until its own window passes
    expect(brief(onWindowClose(state, T0 + 48 * HOUR + W + 1).verdicts)).toEqual([["b", true]]);
  });

  it("a contact after the window resolves the previous one", () => {
    const { verdicts } = replay([contact("a", 0), contact("b", 8 * 24)]);
    expect(brief(verdicts)).toEqual([["a", true]]);
  });

  it("exactly W later still counts as a repeat (inclusive window)", () => {
    expect(brief(replay([contact("a", 0), contact("b", 7 * 24)]).verdicts)).toEqual([["a", false]]);
  });

  it("onWindowClose only judges windows that have passed", () => {
    const { state } = replay([contact("a", 0)]);
    expect(onWindowClose(state, T0 + W).verdicts).toEqual([]); // clock = t + W: a repeat at t + W could still come
    const closed = onWindowClose(state, new Date(T0 + W + 1));
    expect(brief(closed.verdicts)).toEqual([["a", true]]);
    expect(closed.newState?.entries).toEqual([]);
    expect(onWindowClose(null, T0).verdicts).toEqual([]);
  });

  it("verdicts carry the original contact's fields for its rollup row", () => {
    const a = contact("a", 0, {
      touchpoint: "chat",
      channel: "chat",
      segment: "smb",
      valueTier: "gold",
      agentId: "ag1",
    });
    const { verdicts } = replay([
      a,
      contact("b", 1, { touchpoint: "phone", channel: "voice", segment: "retail" }),
    ]);
    expect(verdicts).toEqual([
      {
        contactId: "a",
        resolved: false,
        occurredAt: a.occurredAt,
        touchpoint: "chat",
        channel: "chat",
        segment: "smb",
        valueTier: "gold",
        agentId: "ag1",
        repeatContactId: "b",
      },
    ]);
  });

  it("late events are placed by occurredAt, not arrival order", () => {
    // b happened before a but arrives after it: b is the first contact, a repeats it.
    const { verdicts } = replay([contact("a", 48), contact("b", 0)]);
    expect(brief(verdicts)).toEqual([["b", false]]);
    expect(verdicts[0]?.repeatContactId).toBe("a");
  });

  it("a late event between two contacts marks the open predecessor and itself", () => {
    // a(0) and c(10 days) are more than W apart; the late b(5 days) repeats a and is repeated by c.
    const { verdicts } = replay([contact("a", 0), contact("c", 240), contact("b", 120)], {
      windowMs: W,
      allowedLatenessMs: 6 * DAY,
    });
    expect(brief(verdicts).sort()).toEqual([
      ["a", false],
      ["b", false],
    ]);
  });

  it("without allowed lateness, a verdict already given is kept (never a second one)", () => {
    const { verdicts } = replay([contact("a", 0), contact("c", 240), contact("b", 120)]);
    // c closed a's window (resolved); b arrives late: judged itself, a keeps its verdict
    expect(brief(verdicts)).toEqual([
      ["a", true],
      ["b", false],
    ]);
  });

  it("duplicates and too-late redeliveries are skipped", () => {
    const first = replay([contact("a", 0), contact("b", 24)]);
    const dup = onContact(first.state, contact("b", 24));
    expect(dup.skipped).toBe("duplicate");
    expect(dup.verdicts).toEqual([]);
    const later = onContact(first.state, contact("z", 24 * 30));
    expect(brief(later.verdicts)).toEqual([["b", true]]);
    const redelivered = onContact(later.newState, contact("a", 0));
    expect(redelivered.skipped).toBe("too_late");
    expect(redelivered.verdicts).toEqual([]);
  });

  it("same time: ordered by event id, the tie counts as a repeat", () => {
    const { verdicts } = replay([contact("b", 5), contact("a", 5)]);
    expect(brief(verdicts)).toEqual([["a", false]]);
  });

  it("state is JSON and validates after a round trip", () => {
    const { state } = replay([contact("a", 0, { segment: "s" }), contact("b", 1)]);
    const back = parseFcrState(JSON.parse(JSON.stringify(state)));
    expect(back.ok && back.value).toEqual(state);
    expect(parseFcrState({ v: 2 }).ok).toBe(false);
  });

  it("closing with Infinity judges everything and keeps a finite clock", () => {
    const { state } = replay([contact("a", 0), contact("b", 1)]);
    const end = onWindowClose(state, Number.POSITIVE_INFINITY);
    expect(brief(end.verdicts)).toEqual([["b", true]]);
    expect(Number.isFinite(end.newState?.clock)).toBe(true);
    expect((JSON.parse(JSON.stringify(end.newState)) as FcrState).clock).toBe(end.newState?.clock);
  });

  it("rejects a non-ISO time and a non-positive window", () => {
    expect(() => onContact(null, { ...contact("a", 0), occurredAt: "yesterday" })).toThrow(
      /ISO-8601/,
    );
    expect(() => onContact(null, contact("a", 0), 0)).toThrow(/window/);
  });
});

// ——— property test ———————————————————————————————————————————————

interface Sim {
  readonly id: string;
  readonly t: number;
  /** processing delays of each delivery (≥ 1 delivery; more = redeliveries) */
  readonly delays: readonly number[];
}

/** Truth from the full history: sorted by (t, id), unresolved iff the next contact is within W. */
function bruteForce(contacts: readonly Sim[], w: number): Map<string, boolean> {
  const sorted = [...contacts].sort(
    (a, b) => a.t - b.t || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  const out = new Map<string, boolean>();
  sorted.forEach((c, i) => {
    const next = sorted[i + 1];
    out.set(c.id, !(next !== undefined && next.t - c.t <= w));
  });
  return out;
}

type Step = { kind: "event"; at: number; c: Sim } | { kind: "close"; at: number };

function simulate(
  contacts: readonly Sim[],
  closes: readonly number[],
  opts: { windowMs: number; allowedLatenessMs: number },
): { verdicts: FcrVerdict[]; skipped: Map<string, string[]> } {
  const steps: Step[] = [];
  for (const c of contacts) for (const d of c.delays) steps.push({ kind: "event", at: c.t + d, c });
  for (const at of closes) steps.push({ kind: "close", at });
  // processing order: by processing time; at equal times events go first (a close never sees the future)
  steps.sort((a, b) => a.at - b.at || (a.kind === b.kind ? 0 : a.kind === "event" ? -1 : 1));
  let state: FcrState | null = null;
  const verdicts: FcrVerdict[] = [];
  const skipped = new Map<string, string[]>();
  for (const s of steps) {
    let step: FcrStep;
    if (s.kind === "event") {
      step = onContact(
        state,
        {
          eventId: s.c.id,
          occurredAt: new Date(s.c.t).toISOString(),
          touchpoint: "phone",
          channel: "voice",
        },
        opts,
      );
      if (step.skipped) skipped.set(s.c.id, [...(skipped.get(s.c.id) ?? []), step.skipped]);
    } else step = onWindowClose(state, s.at, opts);
    state = step.newState;
    verdicts.push(...step.verdicts);
  }
  verdicts.push(...onWindowClose(state, Number.POSITIVE_INFINITY, opts).verdicts);
  return { verdicts, skipped };
}

const contactsArb = (maxDelayHours: (lateness: number) => number) =>
  fc.integer({ min: 0, max: 3 }).chain((latenessDays) => {
    const lateness = latenessDays * DAY;
    return fc.record({
      lateness: fc.constant(lateness),
      contacts: fc.array(
        fc.record({
          // hour resolution over ~5 weeks: plenty of repeats, gaps, ties and exact-W distances
          hour: fc.integer({ min: 0, max: 35 * 24 }),
          delays: fc.array(fc.integer({ min: 0, max: maxDelayHours(lateness) }), {
            minLength: 1,
            maxLength: 3,
          }),
        }),
        { minLength: 1, maxLength: 14 },
      ),
      closes: fc.array(fc.integer({ min: 0, max: 50 * 24 }), { maxLength: 6 }),
    });
  });

function toSims(raw: ReadonlyArray<{ hour: number; delays: readonly number[] }>): Sim[] {
  return raw.map((r, i) => ({
    id: `c${String(i).padStart(2, "0")}`,
    t: T0 + r.hour * HOUR,
    delays: r.delays.map((d) => d * HOUR),
  }));
}

describe("FCR properties (fast-check)", () => {
  it("on-time events (late by at most the allowed lateness): verdicts equal the batch computation", () => {
    fc.assert(
      fc.property(
        contactsArb((lateness) => lateness / HOUR),
        ({ lateness, contacts, closes }) => {
          const sims = toSims(contacts);
          const opts = { windowMs: W, allowedLatenessMs: lateness };
          const { verdicts, skipped } = simulate(
            sims,
            closes.map((h) => T0 + h * HOUR),
            opts,
          );
          const truth = bruteForce(sims, W);
          const got = new Map<string, boolean>();
          for (const v of verdicts) {
            expect(got.has(v.contactId)).toBe(false); // at most one verdict per contact
            got.set(v.contactId, v.resolved);
          }
          // only redeliveries are skipped, never a first delivery of an on-time event
          for (const [id, reasons] of skipped)
            expect(reasons.length).toBeLessThan(sims.find((s) => s.id === id)?.delays.length ?? 0);
          expect(got).toEqual(truth);
        },
      ),
      { numRuns: 1500 },
    );
  });

  it("any lateness: at most one verdict each, 'unresolved' always true, every accepted contact judged", () => {
    fc.assert(
      fc.property(
        contactsArb(() => 20 * 24),
        ({ lateness, contacts, closes }) => {
          const sims = toSims(contacts);
          const opts = { windowMs: W, allowedLatenessMs: lateness };
          const { verdicts, skipped } = simulate(
            sims,
            closes.map((h) => T0 + h * HOUR),
            opts,
          );
          const truth = bruteForce(sims, W);
          const got = new Map<string, boolean>();
          for (const v of verdicts) {
            expect(got.has(v.contactId)).toBe(false);
            got.set(v.contactId, v.resolved);
            if (!v.resolved) expect(truth.get(v.contactId)).toBe(false);
          }
          for (const s of sims) {
            const reasons = skipped.get(s.id) ?? [];
            const everAccepted = reasons.length < s.delays.length;
            expect(got.has(s.id)).toBe(everAccepted);
          }
        },
      ),
      { numRuns: 1500 },
    );
  });

  it("in-order arrival with no lateness equals the batch computation (the simple rule)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 35 * 24 }), { minLength: 1, maxLength: 20 }),
        (hours) => {
          const sims = toSims(hours.map((h) => ({ hour: h, delays: [0] })));
          const ordered = [...sims].sort((a, b) => a.t - b.t || (a.id < b.id ? -1 : 1));
          const { state, verdicts } = replay(
            ordered.map((s) => ({
              eventId: s.id,
              occurredAt: new Date(s.t).toISOString(),
              touchpoint: "t",
              channel: "c",
            })),
          );
          verdicts.push(...onWindowClose(state, Number.POSITIVE_INFINITY).verdicts);
          expect(new Map(verdicts.map((v) => [v.contactId, v.resolved]))).toEqual(
            bruteForce(sims, W),
          );
          expect(verdicts).toHaveLength(sims.length);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
