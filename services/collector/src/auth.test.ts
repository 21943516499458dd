/**
 * Every route the collector registers (as seen by onRoute) that is not public needs a write key:
 * 401 without one, 403 with a read key, under every URL spelling. /metrics is not on the public
 * listener, and key rotation through PULSE_API_KEYS_FILE works without a restart (real file).
 */
import { mkdtempSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { makeSampleEvent } from "@pulse/contract/fixtures";
import { silentLogger } from "@pulse/kit";
import { hashApiKey } from "./api-keys";
import { watchApiKeyFile } from "./api-keys";
import { fakeApp, KEY_A } from "./test-support/fakes";

const READ_KEY = "a-read-kind-key-000001";
const EU_KEY = "acme-eu-write-key-0001";

async function app() {
  return fakeApp({
    keys: [
      { sha256: hashApiKey(KEY_A), tenant: "tenant-a", source: "crm-a" },
      { sha256: hashApiKey(READ_KEY), tenant: "tenant-a", source: "dash", kind: "read" },
      { sha256: hashApiKey(EU_KEY), tenant: "acme.eu", source: "crm" },
    ],
  });
}

const body = () => JSON.stringify(makeSampleEvent("survey.response"));

describe("collector routes", () => {
  it("every non-public route answers 401 without a key and 403 with a read key, on every spelling", async () => {
    const { app: a, producer } = await app();
    const routes = a.routeAuth.filter((r) => r.auth !== "public" && r.method !== "HEAD");
    expect(routes.map((r) => r.url)).toEqual(expect.arrayContaining(["/v1/events", "/v1/webhooks/survey"]));
    for (const r of a.routeAuth.filter((x) => x.auth === "public")) expect(["/healthz", "/readyz"].includes(r.url) || r.url.startsWith("/docs"), r.url).toBe(true);
    for (const r of routes) {
      expect(r.auth).toBe("write");
      const spellings = [r.url, r.url.replace("/v1/", "/%761/"), r.url.replace("/v1/", "/v1/./"), `/${r.url}`, `${r.url}/`, r.url.toUpperCase(), r.url.replace(/e/g, "%65")];
      for (const url of spellings) {
        const headers = { "content-type": "application/json" };
        const none = await a.inject({ method: r.method as "POST", url, headers, payload: body() });
        expect([401, 404], `${url} without a key`).toContain(none.statusCode);
        const read = await a.inject({ method: r.method as "POST", url, headers: { ...headers, authorization: `Bearer ${READ_KEY}` }, payload: body() });
        expect([403, 404], `${url} with a read key`).toContain(read.statusCode);
        if (url === r.url) {
          expect(none.statusCode).toBe(401);
          expect(read.statusCode).toBe(403);
          expect(read.json()).toMatchObject({ code: "wrong_token_kind" });
        }
      }
    }
    expect(producer.sent.length).toBe(0);
    await a.close();
  });

  it("accepts a write key of a dotted tenant (acme.eu), and /metrics lives on the ops listener only", async () => {
    const { app: a } = await app();
    const res = await a.inject({ method: "POST", url: "/v1/events", headers: { "content-type": "application/json", authorization: `Bearer ${EU_KEY}` }, payload: body() });
    expect(res.statusCode).toBe(200);
    const pub = await a.inject({ url: "/metrics" });
    expect(pub.statusCode).toBe(404);
    expect(pub.body).not.toContain("acme");
    const ops = await a.ops.inject({ url: "/metrics" });
    expect(ops.body).toContain('tenant="acme.eu"');
    await a.close();
  });
});

describe("API key rotation", () => {
  it("re-reads PULSE_API_KEYS_FILE on change; keys from PULSE_API_KEYS stay; a broken file is refused", async () => {
    const dir = mkdtempSync(join(tmpdir(), "pulse-keys-"));
    const file = join(dir, "keys.json");
    const entry = (key: string, tenant: string) => ({ sha256: hashApiKey(key), tenant, source: "crm" });
    writeFileSync(file, JSON.stringify([entry("old-file-key-000001", "acme")]));
    const ring = watchApiKeyFile(file, [entry("old-file-key-000001", "acme"), entry("env-key-0000000001", "beta")], silentLogger, 50);
    try {
      expect(ring.authenticate("Bearer old-file-key-000001")).toMatchObject({ tenant: "acme", kind: "write" });
      writeFileSync(`${file}.tmp`, JSON.stringify([entry("new-file-key-000002", "acme")]));
      renameSync(`${file}.tmp`, file);
      await vi.waitFor(() => expect(ring.authenticate("Bearer new-file-key-000002")).toMatchObject({ tenant: "acme" }), { timeout: 45_000, interval: 50 });
      expect(ring.authenticate("Bearer old-file-key-000001")).toBeUndefined();
      expect(ring.authenticate("Bearer env-key-0000000001")).toMatchObject({ tenant: "beta" });
      writeFileSync(file, "[{");
      expect(ring.reload()).toBe(false);
      expect(ring.authenticate("Bearer new-file-key-000002")).toMatchObject({ tenant: "acme" });
    } finally {
      ring.close();
    }
  }, 60_000);
});
