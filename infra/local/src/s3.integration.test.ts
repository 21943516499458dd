import {
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { afterAll, describe, expect, inject, it } from "vitest";
import { uniqueName } from "./test-clients";

const env = inject("stack");
// Built from the env exactly as a service would, so the env itself is under test.
const s3 = new S3Client({
  endpoint: env.S3_ENDPOINT,
  region: env.S3_REGION,
  forcePathStyle: env.S3_FORCE_PATH_STYLE === "true",
  credentials: { accessKeyId: env.S3_ACCESS_KEY_ID, secretAccessKey: env.S3_SECRET_ACCESS_KEY },
});
const Bucket = env.S3_BUCKET;

afterAll(() => s3.destroy());

describe("S3 server (S3Proxy) with @aws-sdk/client-s3", () => {
  it("puts, gets and lists objects in the stack's bucket", async () => {
    const prefix = `${uniqueName("archive")}/`;
    const bodies = { "a.jsonl": '{"id":"e1"}\n{"id":"e2"}\n', "b.jsonl": '{"id":"e3"}\n' };
    for (const [key, body] of Object.entries(bodies)) {
      await s3.send(
        new PutObjectCommand({
          Bucket,
          Key: prefix + key,
          Body: body,
          ContentType: "application/x-ndjson",
        }),
      );
    }
    const got = await s3.send(new GetObjectCommand({ Bucket, Key: `${prefix}a.jsonl` }));
    expect(await got.Body!.transformToString()).toBe(bodies["a.jsonl"]);
    expect(got.ContentType).toBe("application/x-ndjson");

    const listed = await s3.send(new ListObjectsV2Command({ Bucket, Prefix: prefix }));
    expect(listed.Contents?.map((o) => [o.Key, o.Size])).toEqual([
      [`${prefix}a.jsonl`, Buffer.byteLength(bodies["a.jsonl"])],
      [`${prefix}b.jsonl`, Buffer.byteLength(bodies["b.jsonl"])],
    ]);
  });

  it("answers a missing key with NoSuchKey", async () => {
    await expect(
      s3.send(new GetObjectCommand({ Bucket, Key: uniqueName("missing") })),
    ).rejects.toMatchObject({
      name: "NoSuchKey",
    });
  });
});
