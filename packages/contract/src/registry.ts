/**
 * The contract's own metadata registry (ids and descriptions for JSON Schema / OpenAPI).
 * Kept private instead of zod's global registry so another package registering an id of the
 * same name can never collide with, or leak into, the contract's generated documents.
 */
import { z } from "zod";

export type ContractMeta = { id?: string; description?: string; [key: string]: unknown };

export const contractRegistry = z.registry<ContractMeta>();
