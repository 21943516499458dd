import { z } from "zod";

/** What the profile store (Redis) may know about a customer. */
export const CustomerProfile = z.object({
  segment: z.string().min(1).optional(),
  valueTier: z.string().min(1).optional(),
});
export type CustomerProfile = z.infer<typeof CustomerProfile>;

/** The customer block of an event: an id plus optional segment / value tier. */
export interface EventCustomer {
  readonly segment?: string | null | undefined;
  readonly valueTier?: string | null | undefined;
}

export type MergedCustomer<T extends object> = Omit<T, "segment" | "valueTier"> & CustomerProfile;

/**
 * Values the event carries win; the profile only fills gaps (missing, null or blank). A missing
 * profile is normal (new customer, Redis down): the event's own values are returned unchanged.
 * Other fields of the event's customer (its id) are kept.
 */
export function mergeProfile<T extends object>(
  eventCustomer: T & EventCustomer,
  profile: CustomerProfile | null | undefined,
): MergedCustomer<T> {
  const { segment, valueTier, ...rest } = eventCustomer;
  const seg = present(segment) ?? present(profile?.segment);
  const tier = present(valueTier) ?? present(profile?.valueTier);
  return {
    ...rest,
    ...(seg !== undefined ? { segment: seg } : {}),
    ...(tier !== undefined ? { valueTier: tier } : {}),
  };
}

/** Reads a stored profile leniently: anything unusable counts as "no profile", never an error. */
export function profileFrom(value: unknown): CustomerProfile | null {
  const r = CustomerProfile.safeParse(value);
  return r.success ? r.data : null;
}

function present(v: string | null | undefined): string | undefined {
  return v !== null && v !== undefined && v.trim() !== "" ? v : undefined;
}
