/**
 * Run as a child process by threadpool.integration.test.ts: keeps `statements` embedded-ClickHouse
 * statements in flight (each sleeps 1 s inside the engine; argv: statements, then the pool size it was started with, if set), then gzips a few bytes, and prints
 * whether the gzip finished before the first statement did.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { gzip } from "node:zlib";
import { openClickHouse } from "../client";

const statements = Number(process.argv[2] ?? 6);
// The pool size libuv was started with, as a role's parsed config passes it (argv: the test knows it).
const threadpoolSize = process.argv[3] ? Number(process.argv[3]) : undefined;
const ch = await openClickHouse({ path: join(mkdtempSync(join(tmpdir(), "pulse-pool-")), "db"), database: "pool", sessions: statements, threadpoolSize });
let firstStatementAt = 0;
const sleeping = Array.from({ length: statements }, () =>
  ch.use((c) => c.query({ query: "SELECT sleep(1)", format: "JSONEachRow" })).then(() => {
    firstStatementAt ||= performance.now();
  }),
);
await new Promise((r) => setTimeout(r, 200));
await promisify(gzip)(Buffer.from("the archive of a chunk"));
const gzipAt = performance.now();
await Promise.all(sleeping);
process.stdout.write(JSON.stringify({ gzipBeforeStatements: firstStatementAt === 0 || gzipAt < firstStatementAt, pool: process.argv[3] ?? "default" }));
await ch.close();
