/** The three FCR figures a window serves, from one list of cohorts (see fcr-cohorts.ts, fcr-kaplan-meier.ts). */
import {
  closedAndPendingFcr,
  type ClosedFcr,
  type FcrCohort,
  type PendingFcr,
} from "./fcr-cohorts";
import { earlyFcr, type EarlyFcr, type FcrKaplanMeierParams } from "./fcr-kaplan-meier";

export type FcrScores = {
  /** Final verdicts only: the FCR rate, with n and its Wilson interval. */
  closed: ClosedFcr;
  /** Contacts without a verdict yet: a count, never a rate. */
  pending: PendingFcr;
  /** Kaplan–Meier P(no repeat within horizonMs), which says how far it reaches. */
  early: EarlyFcr;
};

export function fcrScores(cohorts: readonly FcrCohort[], params: FcrKaplanMeierParams): FcrScores {
  return { ...closedAndPendingFcr(cohorts, params), early: earlyFcr(cohorts, params) };
}
