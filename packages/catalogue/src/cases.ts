import { z } from "zod";

/**
 * The follow-up case policy of a tenant (the catalogue's `cases`): which events open a case,
 * how urgent it is, who gets it and how long they have. Every field has a default, so `{}` (or no
 * `cases` at all) is the default policy: NPS ≤ 6, CSAT ≤ 2, a high or critical complaint, and a
 * repeat contact on the same topic within 7 days.
 */
export const CASE_SEVERITIES = ["low", "medium", "high", "critical"] as const;
export type CaseSeverity = (typeof CASE_SEVERITIES)[number];
export const CASE_TRIGGERS = ["nps_detractor", "csat_low", "complaint_severe", "repeat_contact"] as const;
export type CaseTrigger = (typeof CASE_TRIGGERS)[number];

const Severity = z.enum(CASE_SEVERITIES);
const TeamName = z.string().regex(/^[a-z0-9_]+$/, "must be a canonical name (lowercase letters, digits and _)");
const seconds = z.number().int().positive().max(365 * 86_400, "must be at most a year (in seconds)");

export const SlaSeconds = z.strictObject({
  firstResponseSeconds: seconds,
  resolutionSeconds: seconds,
});
export type SlaSeconds = z.infer<typeof SlaSeconds>;

const HOUR = 3600;
export const DEFAULT_SLA: Record<CaseSeverity, SlaSeconds> = {
  critical: { firstResponseSeconds: 1 * HOUR, resolutionSeconds: 24 * HOUR },
  high: { firstResponseSeconds: 4 * HOUR, resolutionSeconds: 48 * HOUR },
  medium: { firstResponseSeconds: 24 * HOUR, resolutionSeconds: 5 * 24 * HOUR },
  low: { firstResponseSeconds: 48 * HOUR, resolutionSeconds: 10 * 24 * HOUR },
};

export const CasePolicy = z.strictObject({
  triggers: z
    .strictObject({
      nps_detractor: z.strictObject({ enabled: z.boolean().default(true), maxScore: z.number().int().min(0).max(10).default(6), severity: Severity.default("high") }).prefault({}),
      csat_low: z.strictObject({ enabled: z.boolean().default(true), maxScore: z.number().int().min(1).max(5).default(2), severity: Severity.default("high") }).prefault({}),
      complaint_severe: z
        .strictObject({ enabled: z.boolean().default(true), severities: z.array(Severity).min(1).default(["high", "critical"]) })
        .prefault({}),
      repeat_contact: z
        .strictObject({ enabled: z.boolean().default(true), windowHours: z.number().positive().max(90 * 24).default(7 * 24), severity: Severity.default("medium") })
        .prefault({}),
    })
    .prefault({}),
  /** SLA per severity; `triggerSla` overrides it for one trigger (all severities). */
  sla: z
    .strictObject({ low: SlaSeconds.optional(), medium: SlaSeconds.optional(), high: SlaSeconds.optional(), critical: SlaSeconds.optional() })
    .prefault({})
    .transform((s) => ({ ...DEFAULT_SLA, ...Object.fromEntries(Object.entries(s).filter(([, v]) => v !== undefined)) })),
  triggerSla: z.partialRecord(z.enum(CASE_TRIGGERS), SlaSeconds).default({}),
  /** Teams and their members (round-robin assignment in this order), lead and escalation team. */
  teams: z
    .record(
      TeamName,
      z.strictObject({
        members: z.array(z.string().min(1)).default([]),
        lead: z.string().min(1).optional(),
        escalationTeam: TeamName.optional(),
      }),
    )
    .default({}),
  /** First matching rule picks the team; none matches → defaultTeam. */
  routing: z
    .array(
      z.strictObject({
        trigger: z.enum(CASE_TRIGGERS).optional(),
        touchpoint: z.string().min(1).optional(),
        severity: Severity.optional(),
        team: TeamName,
      }),
    )
    .default([]),
  defaultTeam: TeamName.default("cx"),
  /** Where an SLA breach is posted (JSON), besides the metric and the case history. */
  escalationWebhook: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).optional(),
});
export type CasePolicy = z.infer<typeof CasePolicy>;

export const DEFAULT_CASE_POLICY: CasePolicy = CasePolicy.parse({});

/** The policy a catalogue gives (the defaults when it has no `cases`). */
export function casePolicyOf(cat: { cases?: CasePolicy | undefined }): CasePolicy {
  return cat.cases ?? DEFAULT_CASE_POLICY;
}
