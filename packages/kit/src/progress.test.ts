import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createProgressBar } from "./progress";

function sink(isTTY: boolean) {
  const chunks: string[] = [];
  const s = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk.toString());
      cb();
    },
  }) as unknown as NodeJS.WriteStream;
  (s as { isTTY: boolean }).isTTY = isTTY;
  return { s, chunks };
}

describe("createProgressBar", () => {
  it("redraws one line in place on a TTY", () => {
    const { s, chunks } = sink(true);
    const bar = createProgressBar("import", s);
    bar.update(5, 10);
    bar.update(10, 10, "rejected 1");
    bar.finish("imported 9, rejected 1");
    // eslint-disable-next-line no-control-regex -- the bar's own escape sequence is what is checked
    expect(chunks[0]).toMatch(/^\r\x1b\[2Kimport \[#{15}-{15}\] {2}50\.0% 5\/10 /);
    expect(chunks[1]).toContain("100.0% 10/10");
    expect(chunks[1]).toContain("rejected 1");
    expect(chunks[2]).toBe("\r\x1b[2K");
    expect(chunks[3]).toMatch(/^import imported 9, rejected 1 in \d+\.\ds\n$/);
  });

  it("prints plain, throttled lines when not a TTY", () => {
    const { s, chunks } = sink(false);
    const bar = createProgressBar("replay", s, { plainEveryMs: 60_000 });
    bar.update(1, 4);
    bar.update(2, 4);
    bar.finish();
    expect(chunks).toHaveLength(2);
    expect(chunks[0]).toMatch(/^replay \[.*\] {2}25\.0% 1\/4 .*\n$/);
    expect(chunks[1]).toMatch(/^replay done in/);
  });
});
