import { randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, inject, it } from "vitest";
import { createLocalStore, createS3Store, type ObjectStore } from "./index";

const stack = inject("stack");

const stores: [string, () => ObjectStore][] = [
  [
    "S3 (the S3-compatible server from the global setup)",
    () =>
      createS3Store({
        bucket: stack.S3_BUCKET ?? "pulse",
        endpoint: stack.S3_ENDPOINT,
        region: stack.S3_REGION ?? "us-east-1",
        accessKeyId: stack.S3_ACCESS_KEY_ID,
        secretAccessKey: stack.S3_SECRET_ACCESS_KEY,
        forcePathStyle: true,
      }),
  ],
  ["a local folder", () => createLocalStore(mkdtempSync(join(tmpdir(), "pulse-store-")))],
];

describe.each(stores)("object store on %s", (_name, make) => {
  it("puts, gets, lists and deletes", async () => {
    const store = make();
    const base = `it/${randomUUID()}`;
    await store.put(`${base}/b.ndjson`, '{"b":2}\n', "application/x-ndjson");
    await store.put(`${base}/a.ndjson`, Buffer.from('{"a":1}\n'));
    await store.put(`${base}/sub/c.txt`, "c");
    expect((await store.get(`${base}/a.ndjson`))?.toString()).toBe('{"a":1}\n');
    expect(await store.get(`${base}/missing`)).toBeNull();
    expect(await store.list(`${base}/`)).toEqual([`${base}/a.ndjson`, `${base}/b.ndjson`, `${base}/sub/c.txt`]);
    const stream = await store.getStream(`${base}/sub/c.txt`);
    const chunks: Buffer[] = [];
    for await (const chunk of stream ?? []) chunks.push(Buffer.from(chunk as Buffer));
    expect(Buffer.concat(chunks).toString()).toBe("c");
    await store.delete(`${base}/b.ndjson`);
    expect(await store.list(`${base}/`)).toEqual([`${base}/a.ndjson`, `${base}/sub/c.txt`]);
  });

  it("refuses keys that escape the store", async () => {
    await expect(make().put("../etc/passwd", "x")).rejects.toThrow(/invalid object key/);
  });
});
