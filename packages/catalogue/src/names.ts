import { canonicalName as slug } from "@pulse/contract";
import { z } from "zod";

/** A name in the contract's canonical form (touchpoints, journey stages, rule ids). */
export const Name = z
  .string()
  .refine((s) => s.length > 0 && slug(s) === s, {
    error: (i) => `must be a canonical name (lowercase letters, digits and _, e.g. cabin_crew)${typeof i.input === "string" && slug(i.input) ? `: use "${slug(i.input)}"` : ""}`,
  });
