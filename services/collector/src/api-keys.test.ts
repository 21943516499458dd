import { describe, expect, it } from "vitest";
import { createKeyring, hashApiKey, parseApiKeyFile, parseApiKeyList } from "./api-keys";

const h = (k: string) => hashApiKey(k);

describe("API keys", () => {
  it("hashes a key to sha256 hex", () => {
    expect(hashApiKey("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });

  it("parses the env list, sources may contain ':'", () => {
    const r = parseApiKeyList(` ${h("a")}:acme:genesys-cloud , ${h("b").toUpperCase()}:beta:qualtrics:eu `);
    expect(r).toEqual({
      ok: true,
      value: [
        { sha256: h("a"), tenant: "acme", source: "genesys-cloud" },
        { sha256: h("b"), tenant: "beta", source: "qualtrics:eu" },
      ],
    });
  });

  it("names the broken entry", () => {
    expect(parseApiKeyList(`${h("a")}:acme`)).toEqual({ ok: false, error: "entry 1 must look like sha256hex:tenant:source" });
    expect(parseApiKeyList(`nothex:acme:src`)).toMatchObject({ ok: false, error: expect.stringContaining("64 lower-case hex") as unknown });
    expect(parseApiKeyList(`${h("a")}:Acme Corp:src`)).toMatchObject({ ok: false, error: expect.stringContaining("tenant") as unknown });
    expect(parseApiKeyList(" , ")).toEqual({ ok: false, error: "lists no key" });
  });

  it("parses the JSON file", () => {
    expect(parseApiKeyFile(JSON.stringify([{ sha256: h("a"), tenant: "acme", source: "s" }]))).toEqual({
      ok: true,
      value: [{ sha256: h("a"), tenant: "acme", source: "s" }],
    });
    expect(parseApiKeyFile("{")).toMatchObject({ ok: false });
    expect(parseApiKeyFile("[]")).toMatchObject({ ok: false });
    expect(parseApiKeyFile('[{"sha256": 1}]')).toMatchObject({ ok: false, error: expect.stringContaining("entry 1") as unknown });
  });

  it("authenticates bearer keys to their tenant and source only", () => {
    const ring = createKeyring([
      { sha256: h("key-a"), tenant: "a", source: "src-a" },
      { sha256: h("key-b"), tenant: "b", source: "src-b" },
    ]);
    expect(ring.authenticate("Bearer key-a")).toEqual({ tenant: "a", source: "src-a", kind: "write" });
    expect(ring.authenticate("bearer   key-b ")).toEqual({ tenant: "b", source: "src-b", kind: "write" });
    expect(ring.authenticate(undefined)).toBeUndefined();
    expect(ring.authenticate("Bearer key-c")).toBeUndefined();
    expect(ring.authenticate("Basic a2V5LWE=")).toBeUndefined();
    expect(ring.authenticate("Bearer key-a extra")).toBeUndefined();
    expect(ring.authenticate(`Bearer ${"x".repeat(10_000)}`)).toBeUndefined();
    expect(ring.authenticate("Bearer " + h("key-a"))).toBeUndefined(); // the hash itself is not a key
  });
});
