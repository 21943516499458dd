import { describe, expect, it } from "vitest";
import { bearer, createTokenVerifier, parseTokenSpec, sha256 } from "./tokens";

describe("read tokens", () => {
  it("parses pairs, JSON and pre-hashed tokens, keeping only digests", () => {
    const hashed = sha256("pre-hashed-token-xyz").toString("hex");
    const entries = parseTokenSpec(`alpha-token-000000001=acme\n# comment\nsha256:${hashed}=globex`);
    expect(entries.map((e) => e.tenant)).toEqual(["acme", "globex"]);
    expect(JSON.stringify(entries)).not.toContain("alpha-token");
    const verify = createTokenVerifier([...entries, ...parseTokenSpec('{"json-token-0000000003":"initech"}')]);
    expect(verify("alpha-token-000000001")).toBe("acme");
    expect(verify("pre-hashed-token-xyz")).toBe("globex");
    expect(verify("json-token-0000000003")).toBe("initech");
    expect(verify("alpha-token-000000002")).toBeUndefined();
  });
  it("rejects short tokens, bad tenants and empty maps without echoing the token", () => {
    expect(() => parseTokenSpec("short=acme")).toThrow(/at least 16 characters/);
    expect(() => parseTokenSpec("long-enough-token-123=Acme Corp")).toThrow(/tenant .Acme Corp. must be 1–64 characters of a–z/);
    expect(() => parseTokenSpec(" ")).toThrow(/no tokens/);
    try {
      parseTokenSpec("short=acme");
    } catch (e) {
      expect((e as Error).message).not.toContain("short=");
    }
  });
  it("reads a bearer header", () => {
    expect(bearer("Bearer abc")).toBe("abc");
    expect(bearer("bearer  abc ")).toBe("abc");
    expect(bearer("Basic abc")).toBeUndefined();
    expect(bearer(undefined)).toBeUndefined();
  });
});
