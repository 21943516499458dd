import { describe, expect, it } from "vitest";
import { wantsFresh } from "./route-context";

describe("wantsFresh (Cache-Control on read routes)", () => {
  it.each([
    [{ "cache-control": "no-cache" }, true],
    [{ "cache-control": "No-Cache" }, true],
    [{ "cache-control": "private, no-store" }, true],
    [{ "cache-control": "max-age=0" }, true],
    [{ "cache-control": 'max-age="0"' }, true],
    [{ pragma: "no-cache" }, true],
    [{ "cache-control": "max-age=10" }, false],
    [{ "cache-control": "max-age=0010" }, false],
    [{ "cache-control": "no-transform" }, false],
    // RFC 9111 §5.4: Pragma is ignored when Cache-Control is present.
    [{ "cache-control": "max-age=60", pragma: "no-cache" }, false],
    [{}, false],
  ])("%j → %s", (headers, fresh) => {
    expect(wantsFresh(headers)).toBe(fresh);
  });
});
