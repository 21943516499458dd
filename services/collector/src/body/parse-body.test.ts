import { describe, expect, it } from "vitest";
import { parseJsonBody, parseNdjsonBody, type ParsedBody } from "./parse-body";
import { scanJson } from "./json-scan";
import { findProtoKeys } from "./forbidden-keys";

const limits = { maxEvents: 5, maxDepth: 8 };
const buf = (s: string) => Buffer.from(s, "utf8");

function ok(r: ReturnType<typeof parseJsonBody>): ParsedBody {
  if (!r.ok) throw new Error(`expected ok, got ${r.error.code}`);
  return r.value;
}
function code(r: ReturnType<typeof parseJsonBody>): string {
  if (r.ok) throw new Error("expected an error");
  return `${r.error.status} ${r.error.code}`;
}

describe("scanJson", () => {
  it("measures depth outside strings only", () => {
    expect(scanJson('{"a":[[1]]}', 3).tooDeep).toBe(false);
    expect(scanJson('{"a":[[[1]]]}', 3).tooDeep).toBe(true);
    expect(scanJson('{"a":"[[[[[[[[\\"[[["}', 2).tooDeep).toBe(false);
  });
  it("counts the elements of a top-level array", () => {
    expect(scanJson("[]", 5).arrayItems).toBe(0);
    expect(scanJson('[{"a":[1,2,3]}, {"b":","}, 3]', 5).arrayItems).toBe(3);
    expect(scanJson('{"a":1}', 5).arrayItems).toBeUndefined();
  });
});

describe("parseJsonBody", () => {
  it("parses one event or an array of them", () => {
    expect(ok(parseJsonBody(buf('{"id":"a"}'), limits))).toMatchObject({ shape: "single", items: [{ ok: true, value: { id: "a" } }] });
    expect(ok(parseJsonBody(buf('[{"id":"a"},{"id":"b"}]'), limits)).items).toHaveLength(2);
    expect(ok(parseJsonBody(buf('\ufeff{"id":"bom"}'), limits)).items[0]).toEqual({ ok: true, value: { id: "bom" } });
  });
  it("fails the whole body when it cannot be parsed", () => {
    expect(code(parseJsonBody(buf("{nope"), limits))).toBe("400 invalid_json");
    expect(code(parseJsonBody(buf("   "), limits))).toBe("400 empty_body");
    expect(code(parseJsonBody(buf("[]"), limits))).toBe("400 empty_batch");
    expect(code(parseJsonBody(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), limits))).toBe("400 invalid_utf8");
    expect(code(parseJsonBody(buf("[".repeat(9) + "]".repeat(9)), limits))).toBe("400 too_deep");
    expect(code(parseJsonBody(buf("[".repeat(1_000_000)), limits))).toBe("400 too_deep");
  });
  it("refuses too many events before parsing them", () => {
    expect(code(parseJsonBody(buf(JSON.stringify([1, 2, 3, 4, 5, 6])), limits))).toBe("413 too_many_events");
  });
  it("rejects events carrying a __proto__ key, escaped or not, and nothing gets polluted", () => {
    const body = ok(parseJsonBody(buf('[{"id":"a","attributes":{"__proto__":{"x":1}}},{"id":"b"},{"id":"c","body":{"\\u005f_proto__":1}}]'), limits));
    expect(body.items[0]).toMatchObject({ ok: false, issues: [{ code: "forbidden_key", path: "attributes.__proto__" }] });
    expect(body.items[1]).toEqual({ ok: true, value: { id: "b" } });
    expect(body.items[2]).toMatchObject({ ok: false, issues: [{ code: "forbidden_key", path: "body.__proto__" }] });
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});

describe("parseNdjsonBody", () => {
  it("parses one event per non-blank line, reporting bad lines by index", () => {
    const body = ok(parseNdjsonBody(buf('{"id":"a"}\r\n\n  \nnot json\n{"id":"c"}\n' + "[".repeat(9) + "\n"), limits));
    expect(body.shape).toBe("ndjson");
    expect(body.items).toHaveLength(4);
    expect(body.items[0]).toEqual({ ok: true, value: { id: "a" } });
    expect(body.items[1]).toMatchObject({ ok: false, issues: [{ code: "invalid_json", message: expect.stringContaining("line 2") as unknown }] });
    expect(body.items[2]).toEqual({ ok: true, value: { id: "c" } });
    expect(body.items[3]).toMatchObject({ ok: false, issues: [{ code: "too_deep" }] });
  });
  it("counts lines before parsing any", () => {
    const r = parseNdjsonBody(buf("garbage\n".repeat(6)), limits);
    expect(code(r)).toBe("413 too_many_events");
    expect(code(parseNdjsonBody(buf("\n \n"), limits))).toBe("400 empty_body");
  });
});

describe("findProtoKeys", () => {
  it("finds nested own __proto__ keys", () => {
    const v = JSON.parse('{"a":[{"__proto__":1}],"b":{"c":{"__proto__":{}}}}') as unknown;
    expect(findProtoKeys(v).sort()).toEqual(["a[0].__proto__", "b.c.__proto__"]);
    expect(findProtoKeys({ constructor: 1 })).toEqual([]);
  });
});
