import { describe, expect, it } from "vitest";
import { chunkToken, splitChunks } from "./chunks";

const msgs = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => ({ offset: String(from + i) }));
const ranges = (r: ReturnType<typeof splitChunks>) => r.chunks.map((c) => [Number(c.start), Number(c.end), c.replayed]);

describe("splitChunks", () => {
  it("cuts new messages into chunks of at most maxChunk", () => {
    expect(ranges(splitChunks(msgs(0, 9), 4, []))).toEqual([
      [0, 3, false],
      [4, 7, false],
      [8, 9, false],
    ]);
  });

  it("cuts a recorded range exactly as before, whatever the fetch size", () => {
    const known = [{ start: 0n, end: 6n }];
    expect(ranges(splitChunks(msgs(0, 12), 4, known))).toEqual([
      [0, 6, true],
      [7, 10, false],
      [11, 12, false],
    ]);
  });

  it("stops before a recorded range the fetch does not fully contain", () => {
    const r = splitChunks(msgs(0, 9), 5, [{ start: 5n, end: 12n }]);
    expect(ranges(r)).toEqual([[0, 4, false]]);
    expect(r.stopAt).toBe(5n);
  });

  it("never lets a new chunk swallow the start of a recorded range", () => {
    expect(ranges(splitChunks(msgs(0, 9), 100, [{ start: 4n, end: 5n }]))).toEqual([
      [0, 3, false],
      [4, 5, true],
      [6, 9, false],
    ]);
  });

  it("handles offset gaps (compacted or transactional markers)", () => {
    const m = [{ offset: "10" }, { offset: "12" }, { offset: "15" }];
    expect(ranges(splitChunks(m, 2, []))).toEqual([
      [10, 12, false],
      [15, 15, false],
    ]);
    expect(ranges(splitChunks(m, 2, [{ start: 10n, end: 15n }]))).toEqual([[10, 15, true]]);
  });

  it("names a chunk by its content: the same messages give the same token, new bytes at the same offsets another", () => {
    const m = (offset: number, value: string, key: string | null = "k") => ({ offset: String(offset), timestamp: "1700000000000", key: key === null ? null : Buffer.from(key), value: Buffer.from(value) });
    const a = chunkToken("t", 3, { start: 10n, end: 11n, messages: [m(10, "x"), m(11, "y")] });
    expect(a).toMatch(/^t:3:10-11:[A-Za-z0-9_-]{22}$/);
    expect(chunkToken("t", 3, { start: 10n, end: 11n, messages: [m(10, "x"), m(11, "y")] })).toBe(a);
    expect(chunkToken("t", 3, { start: 10n, end: 11n, messages: [m(10, "x"), m(11, "z")] })).not.toBe(a);
    // Framing: moving a byte from one field to the next changes the token.
    expect(chunkToken("t", 3, { start: 10n, end: 11n, messages: [m(10, "xy"), m(11, "")] })).not.toBe(chunkToken("t", 3, { start: 10n, end: 11n, messages: [m(10, "x"), m(11, "y")] }));
    expect(chunkToken("t", 3, { start: 10n, end: 10n, messages: [m(10, "x", null)] })).not.toBe(chunkToken("t", 3, { start: 10n, end: 10n, messages: [m(10, "x", "")] }));
  });

  it("ignores recorded ranges that reach past the log end (a recreated topic)", () => {
    const r = splitChunks(msgs(0, 9), 5, [{ start: 0n, end: 19_999n }], 10n);
    expect(r.stopAt).toBeNull();
    expect(ranges(r)).toEqual([
      [0, 4, false],
      [5, 9, false],
    ]);
  });
});
