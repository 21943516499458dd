import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  compareContacts,
  compareIds,
  fcrDeltasForKey,
  isPlaceholderCustomer,
  placeholderSet,
  repeatBin,
  sortContacts,
  type FcrGap,
  type FcrPoint,
} from "./fcr";

const MIN = 60_000;
const W = { windowMs: 7 * 24 * 60 * MIN, binMs: MIN };

/** The outcome of every contact by brute force over the full set: contact id → bin (absent: no repeat). */
function bruteForce(all: readonly FcrPoint[], w = W): Map<string, number> {
  const sorted = [...all].sort(compareContacts);
  const out = new Map<string, number>();
  sorted.forEach((c, i) => {
    const next = sorted[i + 1];
    if (!next) return;
    const d = next.t - c.t;
    if (d <= w.windowMs) out.set(c.id, Math.ceil(d / w.binMs));
  });
  return out;
}

/** The gaps of `fresh` among `stored` exactly as the worker's lookup returns them. */
function gapsOf(fresh: readonly FcrPoint[], stored: readonly FcrPoint[]): (FcrGap<FcrPoint> | null)[] {
  const sorted = [...stored].sort(compareContacts);
  const gaps: (FcrGap<FcrPoint> | null)[] = [];
  for (let g = 0; g <= fresh.length; g++) {
    const lo = fresh[g - 1];
    const hi = fresh[g];
    const inGap = sorted.filter((s) => (!lo || compareContacts(s, lo) > 0) && (!hi || compareContacts(s, hi) < 0));
    gaps.push(inGap.length ? { first: inGap[0] as FcrPoint, last: inGap[inGap.length - 1] as FcrPoint } : null);
  }
  return gaps;
}

/** Feeds contacts chunk by chunk, summing the signed rows per (contact, bin) as the rollups do. */
function feed(chunks: readonly (readonly FcrPoint[])[], w = W): Map<string, number> {
  const stored: FcrPoint[] = [];
  const net = new Map<string, number>();
  for (const chunk of chunks) {
    const fresh = sortContacts(chunk);
    for (const d of fcrDeltasForKey(fresh, gapsOf(fresh, stored), w)) {
      const k = `${d.contact.id}\u0000${d.bin}`;
      net.set(k, (net.get(k) ?? 0) + d.sign);
    }
    stored.push(...fresh);
  }
  const outcome = new Map<string, number>();
  for (const [k, v] of net) {
    expect([0, 1]).toContain(v);
    const [id = "", bin = ""] = k.split("\u0000");
    if (v === 1) {
      expect(outcome.has(id)).toBe(false);
      outcome.set(id, Number(bin));
    }
  }
  return outcome;
}

describe("repeatBin", () => {
  it("is ⌈D / bin⌉ up to and including W, 0 for a tie, null beyond W", () => {
    expect(repeatBin(0, W)).toBe(0);
    expect(repeatBin(1, W)).toBe(1);
    expect(repeatBin(MIN, W)).toBe(1);
    expect(repeatBin(MIN + 1, W)).toBe(2);
    expect(repeatBin(W.windowMs, W)).toBe(W.windowMs / MIN);
    expect(repeatBin(W.windowMs + 1, W)).toBeNull();
    expect(() => repeatBin(-1, W)).toThrow(/precede/);
  });
});

describe("fcrDeltasForKey", () => {
  it("a contact between two stored ones withdraws the earlier one's outcome and adds two", () => {
    const p = { t: 0, id: "p" };
    const n = { t: 10 * MIN, id: "n" };
    const x = { t: 4 * MIN, id: "x" };
    const deltas = fcrDeltasForKey([x], [{ first: p, last: p }, { first: n, last: n }], W);
    expect(deltas).toEqual([
      { contact: p, bin: 10, sign: -1 },
      { contact: p, bin: 4, sign: 1 },
      { contact: x, bin: 6, sign: 1 },
    ]);
  });

  it("only the first new contact after a stored one changes it; new contacts follow each other", () => {
    const p = { t: 0, id: "p" };
    const x1 = { t: MIN, id: "x1" };
    const x2 = { t: 2 * MIN, id: "x2" };
    expect(fcrDeltasForKey([x1, x2], [{ first: p, last: p }, null, null], W)).toEqual([
      { contact: p, bin: 1, sign: 1 },
      { contact: x1, bin: 1, sign: 1 },
    ]);
  });

  it("ignores neighbours further than W", () => {
    const p = { t: 0, id: "p" };
    const x = { t: W.windowMs + 1, id: "x" };
    expect(fcrDeltasForKey([x], [{ first: p, last: p }, null], W)).toEqual([]);
  });

  it("orders ties in time by id, bytewise", () => {
    expect(compareIds("a", "b")).toBeLessThan(0);
    // UTF-16 order would put U+FF5E before U+1F600; UTF-8 (ClickHouse's) puts it first too, but
    // U+E000 vs U+10000 differ: UTF-16 says U+10000 (surrogates D800) < U+E000; UTF-8 says the opposite.
    expect(compareIds("\u{E000}", "\u{10000}")).toBeLessThan(0);
    const a = { t: 5, id: "b" };
    const b = { t: 5, id: "a" };
    expect(sortContacts([a, b]).map((c) => c.id)).toEqual(["a", "b"]);
  });

  it("any arrival order and chunking gives the brute-force outcome of every contact", () => {
    const contact = fc.record({ t: fc.integer({ min: 0, max: 20 * 24 * 60 }).map((m) => m * MIN + (m % 7) * 1000), id: fc.string({ minLength: 1, maxLength: 3 }) });
    fc.assert(
      fc.property(fc.uniqueArray(contact, { minLength: 1, maxLength: 40, selector: (c) => c.id }), fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 40 }), (contacts, cuts) => {
        const chunks: FcrPoint[][] = [];
        let i = 0;
        for (const n of cuts) {
          if (i >= contacts.length) break;
          chunks.push(contacts.slice(i, i + n));
          i += n;
        }
        if (i < contacts.length) chunks.push(contacts.slice(i));
        expect(feed(chunks)).toEqual(bruteForce(contacts));
      }),
      { numRuns: 300 },
    );
  });

  it("rejects gaps that do not match the new contacts", () => {
    expect(() => fcrDeltasForKey([{ t: 0, id: "x" }], [null], W)).toThrow(/expected 2 gaps/);
  });
});

describe("placeholder customers", () => {
  it("matches trimmed, case-insensitive ids, and always the empty id", () => {
    const set = placeholderSet(["0", "Anonymous", "unknown"]);
    expect(isPlaceholderCustomer("0", set)).toBe(true);
    expect(isPlaceholderCustomer(" ANONYMOUS ", set)).toBe(true);
    expect(isPlaceholderCustomer("", set)).toBe(true);
    expect(isPlaceholderCustomer("cust:0", set)).toBe(false);
    expect(isPlaceholderCustomer("01", set)).toBe(false);
  });
});
