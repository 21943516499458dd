/**
 * The one tenant rule. Every process boundary that carries a tenant (API keys, read tokens, the
 * Kafka wire message, import jobs, the catalogue) checks it with this schema, so a tenant the
 * collector accepts is never rejected further down the pipeline.
 *
 * A tenant is 1–64 characters of a–z, 0–9, '.', '_' or '-', starting with a letter or digit
 * (`acme`, `acme.eu`, `bank_02`). No ':' so `tenant:customerId` partition keys and Redis keys stay
 * unambiguous; no upper case so one tenant has one spelling.
 */
import { z } from "zod";

export const TENANT_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;
export const TENANT_RULE =
  "must be 1–64 characters of a–z, 0–9, '.', '_' or '-', starting with a letter or digit";

export const TenantId = z
  .string({ error: `tenant ${TENANT_RULE}` })
  .regex(TENANT_PATTERN, { error: `tenant ${TENANT_RULE}` });
export type TenantId = z.infer<typeof TenantId>;

/** True when `value` is a valid tenant id. */
export function isTenantId(value: unknown): value is TenantId {
  return typeof value === "string" && TENANT_PATTERN.test(value);
}
