import { pbkdf2 } from "node:crypto";
import { mkdtempSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it, vi } from "vitest";
import { silentLogger } from "@pulse/kit";
import { createDigestAuthenticator, sha256, watchTokenFile } from "./tokens";

const fileOf = (tokens: string[]) => JSON.stringify(tokens.map((t) => sha256(t).toString("hex")));
const parse = (text: string) => createDigestAuthenticator((JSON.parse(text) as string[]).map((hex) => ({ sha256: Buffer.from(hex, "hex"), principal: { tenant: "acme" } }) as never));

describe("watchTokenFile", () => {
  // CI saw a rotation never picked up: fs.watchFile took its first look at the file on libuv's
  // thread pool, and when the pool was busy that look came after the rename, so the new file was
  // its baseline and nothing ever differed from it.
  it("sees a rotation that lands while libuv's thread pool is busy, right after the watch starts", async () => {
    const dir = mkdtempSync(join(tmpdir(), "pulse-tokens-"));
    const file = join(dir, "tokens.json");
    writeFileSync(file, fileOf(["old-token-0001"]));
    // Keep every pool thread busy for a while (libuv's default pool has 4).
    const busy = Array.from({ length: 8 }, () => promisify(pbkdf2)("x", "y", 400_000, 32, "sha512"));
    const ring = watchTokenFile({ path: file, parse, logger: silentLogger, intervalMs: 50, signal: false });
    try {
      writeFileSync(`${file}.tmp`, fileOf(["new-token-0002"]));
      renameSync(`${file}.tmp`, file);
      await Promise.all(busy);
      await vi.waitFor(() => expect(ring.authenticate("new-token-0002")).toBeDefined(), { timeout: 5_000, interval: 50 });
      expect(ring.authenticate("old-token-0001")).toBeUndefined();
      expect(ring.generation).toBe(1);
    } finally {
      ring.close();
    }
  });
});
