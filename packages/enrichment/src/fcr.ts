import { PulseError } from "@pulse/kit";

/**
 * Derived first-contact resolution (FCR) as changes of contacts' outcomes (pure).
 *
 * Definition (DESIGN.md): a contact is resolved at first contact iff the same customer does not
 * contact again about the same topic within W. Per key (tenant, customer, topic) the contacts are
 * ordered by (occurredAt, contact id), never by arrival. A contact's OUTCOME is decided by its
 * NEXT contact in that order: when the next one is D ≤ W later (inclusive; a tie in time is D = 0),
 * the contact repeated in bin ⌈D / binMs⌉; otherwise it has no repeat. The outcome depends only on
 * the set of contacts, so any arrival order, live or imported, gives the same outcomes.
 *
 * The worker keeps every contact (ClickHouse `fcr_contacts`) and the outcomes as signed rows
 * (`fcr_repeats`). A new contact x landing between stored neighbours p < x < n changes exactly two
 * outcomes: p's next becomes x (−1 at bin(n − p), +1 at bin(x − p)), and x's next is n (+1 at
 * bin(n − x)); each only when its D ≤ W. Several new contacts of one key are merged in order with
 * the stored ones: only the first new contact after a stored one changes that stored contact's
 * outcome, and a new contact's next is either the following new one or the first stored after it.
 */

export const DEFAULT_FCR_WINDOW_MS = 7 * 24 * 60 * 60 * 1000;
export const DEFAULT_FCR_BIN_MS = 60_000;

/** Placeholder customer ids excluded from FCR by default (compared trimmed and lower-cased). */
export const DEFAULT_PLACEHOLDER_CUSTOMERS: readonly string[] = ["", "0", "anonymous", "unknown"];

/** A contact as FCR needs it: its time (epoch ms), its id, and whatever cohort data the caller carries. */
export interface FcrPoint {
  readonly t: number;
  readonly id: string;
}

/** The stored contacts in one gap between consecutive new contacts: the first and the last of them. */
export interface FcrGap<C extends FcrPoint> {
  readonly first: C;
  readonly last: C;
}

/** One signed change of an EARLIER contact's outcome. */
export interface FcrRepeatDelta<C extends FcrPoint> {
  readonly contact: C;
  readonly bin: number;
  readonly sign: 1 | -1;
}

export interface FcrWindow {
  readonly windowMs: number;
  readonly binMs: number;
}

/** Bytewise (UTF-8) order of ids, the order ClickHouse sorts String columns in. */
export function compareIds(a: string, b: string): number {
  if (a === b) return 0;
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

/** The total order of a key's contacts: time, then id. */
export function compareContacts(a: FcrPoint, b: FcrPoint): number {
  return a.t !== b.t ? a.t - b.t : compareIds(a.id, b.id);
}

/** ⌈D / binMs⌉ (D = 0 is bin 0), or null when D > W: no repeat within the window. */
export function repeatBin(d: number, w: FcrWindow): number | null {
  if (d < 0) throw new PulseError("fcr_order_invalid", `a next contact cannot precede its contact (D = ${d} ms)`);
  return d <= w.windowMs ? Math.ceil(d / w.binMs) : null;
}

/**
 * The outcome changes caused by adding `fresh` (one key's new contacts, sorted by compareContacts)
 * to the stored contacts, described by `gaps`: gaps[g] holds the first and last stored contact
 * strictly between fresh[g − 1] and fresh[g] (g = 0: before fresh[0]; g = fresh.length: after the
 * last), or null when there is none. Stored contacts more than W away may be left out of the gaps:
 * they cannot change anything.
 */
export function fcrDeltasForKey<C extends FcrPoint>(fresh: readonly C[], gaps: readonly (FcrGap<C> | null)[], w: FcrWindow): FcrRepeatDelta<C>[] {
  if (gaps.length !== fresh.length + 1) throw new PulseError("fcr_gaps_invalid", `expected ${fresh.length + 1} gaps, got ${gaps.length}`);
  const out: FcrRepeatDelta<C>[] = [];
  const add = (contact: C, next: FcrPoint, sign: 1 | -1) => {
    const bin = repeatBin(next.t - contact.t, w);
    if (bin !== null) out.push({ contact, bin, sign });
  };
  // The first stored contact after fresh[i]: the first of the next non-empty gap.
  const storedAfter: (C | null)[] = new Array<C | null>(fresh.length).fill(null);
  let following: C | null = null;
  for (let i = fresh.length - 1; i >= 0; i--) {
    following = gaps[i + 1]?.first ?? following;
    storedAfter[i] = following;
  }
  for (let i = 0; i < fresh.length; i++) {
    const x = fresh[i] as C;
    const before = gaps[i];
    // A stored contact right before x: its next was the first stored after x, now it is x.
    if (before) {
      const oldNext = storedAfter[i];
      if (oldNext) add(before.last, oldNext, -1);
      add(before.last, x, 1);
    }
    const after = gaps[i + 1];
    const next = after ? after.first : (fresh[i + 1] ?? null);
    if (next) add(x, next, 1);
  }
  return out;
}

/** Sorts one key's new contacts and drops repeated ids (the first occurrence in time wins). */
export function sortContacts<C extends FcrPoint>(contacts: readonly C[]): C[] {
  const seen = new Set<string>();
  const sorted = [...contacts].sort(compareContacts);
  return sorted.filter((c) => (seen.has(c.id) ? false : (seen.add(c.id), true)));
}

/** True for a customer id that names nobody in particular (excluded from FCR). */
export function isPlaceholderCustomer(id: string, placeholders: ReadonlySet<string>): boolean {
  return placeholders.has(id.trim().toLowerCase());
}

/** The placeholder set from a list (trimmed, lower-cased; the empty id is always a placeholder). */
export function placeholderSet(ids: readonly string[]): ReadonlySet<string> {
  return new Set(["", ...ids.map((s) => s.trim().toLowerCase())]);
}
