/**
 * Object storage as Pulse uses it: the raw-event archive, bulk-import inputs and their error
 * reports. Two implementations with one contract: S3 (any S3-compatible server) and a local
 * folder for standalone mode. Keys use "/" separators in both.
 */
export interface ObjectStore {
  readonly kind: "s3" | "local";
  /** Where a key lives, for messages and reports (s3://bucket/key or file path). */
  describe(key: string): string;
  put(key: string, body: Buffer | string, contentType?: string): Promise<void>;
  /** The whole object, or null when there is none. */
  get(key: string): Promise<Buffer | null>;
  /** The object as a stream, for large imports. Null when there is none. */
  getStream(key: string): Promise<NodeJS.ReadableStream | null>;
  /** Every key under a prefix, sorted. */
  list(prefix: string): Promise<string[]>;
  delete(key: string): Promise<void>;
  /** When the object was last written, or null when there is none (used by the retention sweep). */
  lastModified?(key: string): Promise<Date | null>;
}

export function assertKey(key: string): void {
  if (key.length === 0 || key.length > 1024 || key.startsWith("/") || key.split("/").some((p) => p === ".." || p === ".")) {
    throw new Error(`invalid object key: ${JSON.stringify(key)}`);
  }
}
