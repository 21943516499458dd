/**
 * Where an import reads from and writes its error report to: `s3://bucket/key` (any bucket the
 * configured S3 endpoint serves) or `file:relative/path` under a local root (standalone mode).
 */
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { BadRequestError } from "@pulse/kit";
import { assertKey, createLocalStore, createS3Store, parseS3Url, type ObjectStore, type S3StoreConfig } from "@pulse/storage";

export interface ResolvedInput {
  store: ObjectStore;
  key: string;
  /** The size of the object, when it can be told cheaply (progress as bytes read / total). */
  size: (stream: NodeJS.ReadableStream) => Promise<number | null>;
}

export type InputResolver = (input: string) => ResolvedInput;

export interface InputResolverConfig {
  /** S3 connection for s3:// inputs; null when S3 is not configured. */
  s3: Omit<S3StoreConfig, "bucket"> | null;
  /** Root folder of file: inputs. */
  localRoot: string;
}

export function createInputResolver(config: InputResolverConfig): InputResolver {
  const buckets = new Map<string, ObjectStore>();
  const local = createLocalStore(config.localRoot);
  return (input) => {
    if (input.startsWith("s3://")) {
      let parsed: { bucket: string; key: string };
      try {
        parsed = parseS3Url(input);
      } catch (e) {
        throw new BadRequestError("input_invalid", (e as Error).message);
      }
      if (!config.s3) throw new BadRequestError("input_invalid", `cannot read ${input}: S3 is not configured (set S3_ENDPOINT / S3_REGION and credentials)`);
      let store = buckets.get(parsed.bucket);
      if (!store) {
        store = createS3Store({ ...config.s3, bucket: parsed.bucket });
        buckets.set(parsed.bucket, store);
      }
      return { store, key: checkedKey(parsed.key, input), size: (stream) => Promise.resolve(contentLength(stream)) };
    }
    if (input.startsWith("file:")) {
      const key = checkedKey(input.slice("file:".length).replace(/^\.\//, ""), input);
      return {
        store: local,
        key,
        size: async () => {
          try {
            return (await stat(join(config.localRoot, ...key.split("/")))).size;
          } catch {
            return null;
          }
        },
      };
    }
    throw new BadRequestError("input_invalid", `input must be "s3://bucket/key" or "file:relative/path", got ${JSON.stringify(input)}`);
  };
}

function checkedKey(key: string, input: string): string {
  try {
    assertKey(key);
  } catch {
    throw new BadRequestError("input_invalid", `${input}: the path must be relative, without "." or ".." segments`);
  }
  return key;
}

type Headers = Record<string, string | string[] | undefined>;

/**
 * An S3 GetObject body is the HTTP response (wrapped in the SDK's ChecksumStream when it validates
 * checksums, which keeps the response as `source`): its content-length is the object's size.
 * Best effort: ObjectStore has no size/head call, and progress falls back to rows without it.
 */
function contentLength(stream: NodeJS.ReadableStream): number | null {
  const s = stream as { headers?: Headers; source?: { headers?: Headers } };
  const v = (s.headers ?? s.source?.headers)?.["content-length"];
  const n = typeof v === "string" ? Number(v) : NaN;
  return Number.isFinite(n) ? n : null;
}
