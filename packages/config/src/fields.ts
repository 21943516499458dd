import { z } from "zod";

/** Reusable field parsers for environment variables (all values arrive as strings). */

const HOST_PORT = /^[A-Za-z0-9.-]+:\d{1,5}$/;

export const brokerList = z
  .string()
  .trim()
  .transform((s) => s.split(",").map((b) => b.trim()).filter((b) => b.length > 0))
  .refine((list) => list.length > 0, "must list at least one broker as host:port")
  .refine(
    (list) => list.every((b) => HOST_PORT.test(b) && Number(b.split(":")[1]) <= 65535),
    "must be a comma-separated list of host:port (e.g. localhost:9092)",
  );

export const port = z.coerce
  .number({ error: "must be a port number" })
  .int("must be a whole number")
  .min(0, "must be a port between 0 and 65535")
  .max(65535, "must be a port between 0 and 65535");

export const positiveInt = z.coerce.number({ error: "must be a number" }).int("must be a whole number").positive("must be > 0");

export const bool = z
  .enum(["true", "false", "1", "0", "yes", "no"], { error: "must be true or false" })
  .transform((v) => v === "true" || v === "1" || v === "yes");

export const url = (protocols: string[]) =>
  z
    .string()
    .trim()
    .refine((s) => {
      try {
        return protocols.includes(new URL(s).protocol.replace(/:$/, ""));
      } catch {
        return false;
      }
    }, `must be a URL (${protocols.map((p) => `${p}://`).join(" or ")}…)`);

export const logLevel = z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"], {
  error: "must be one of fatal, error, warn, info, debug, trace, silent",
});

/** Size such as 5mb, 512kb, 1048576. */
export const byteSize = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^\d+(b|kb|mb|gb)?$/, "must be a size like 5mb, 512kb or a number of bytes")
  .transform((s) => {
    const m = /^(\d+)(b|kb|mb|gb)?$/.exec(s);
    const n = Number(m?.[1] ?? 0);
    const unit = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 }[m?.[2] ?? "b"] ?? 1;
    return n * unit;
  });
