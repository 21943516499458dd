// @pulse/scoring: pure CX score formulas over sufficient statistics. No I/O.
export type * from "./types";
export { InvalidStatsError } from "./validate";
export { npsScore, npsStatsOf, npsBucket, type NpsScore } from "./nps";
export { csatScore, csatStatsOf, type CsatScore } from "./csat";
export { meanScore, cesScore, sampleVariance, type MeanScore } from "./mean";
export { momentStatsOf } from "./moments";
export {
  rate,
  complaintRate,
  meanHoursToResolve,
  type RateScore,
  type ComplaintRateScore,
  type DurationScore,
} from "./rates";
export {
  quantileFromHistogram,
  quantilesFromHistogram,
  quantileOfValues,
  quantileRank,
  histogramOf,
  waitTimeScore,
  type Histogram,
  type WaitTimeScore,
} from "./quantiles";
export {
  compareNps,
  compareProportions,
  compareMeans,
  SIGNIFICANCE_LEVEL,
  type Comparison,
  type MeanComparison,
} from "./compare";
export { targetGap, type TargetGap, type Direction } from "./target";
export { mergeStats, mergeAllStats, mergeHistograms } from "./merge";
export {
  keyDrivers,
  MAX_KEY_DRIVERS,
  type KeyDriverRow,
  type KeyDriverAnalysis,
  type DriverImportance,
  type KeyDriverError,
  type KeyDriverOptions,
} from "./key-drivers";
export {
  rankPainPoints,
  DEFAULT_PAIN_POINT_WEIGHTS,
  type PainPointInput,
  type PainPointWeights,
  type PainPointEvidence,
  type RankedPainPoint,
} from "./pain-points";
export { wilsonInterval, poissonInterval } from "./intervals";
export { tCdf, tQuantile, tTwoSidedP, tPdf } from "./student-t";
export {
  Z95,
  normalCdf,
  normalQuantile,
  normalTwoSidedP,
  erfc,
  logGamma,
  logBeta,
  regularizedBeta,
  regularizedGammaP,
  regularizedGammaQ,
  gammaQuantile,
} from "./special-functions";
export { InvalidParameterError } from "./parameters";
export {
  closedAndPendingFcr,
  DEFAULT_FCR_WINDOW_MS,
  DEFAULT_FCR_BIN_MS,
  type FcrCohort,
  type FcrParams,
  type ClosedFcr,
  type PendingFcr,
} from "./fcr-cohorts";
export {
  earlyFcr,
  fcrKaplanMeierCurve,
  DEFAULT_MIN_AT_RISK,
  type EarlyFcr,
  type FcrKaplanMeierParams,
  type KaplanMeierStep,
  type IntervalMethod,
} from "./fcr-kaplan-meier";
export { fcrScores, type FcrScores } from "./fcr-scores";
export {
  expectationGapScore,
  expectationGapStatsOf,
  expectationGapContribution,
  EXPECTATION_GAP_COLUMNS,
  EMPTY_EXPECTATION_GAP_STATS,
  type ExpectationGapStats,
  type ExpectationGapScore,
} from "./expectation-gap";
export {
  operationalDrivers,
  npsOutcome,
  csatTop2Outcome,
  type OperationalDriverRow,
  type OperationalDriverOptions,
  type OperationalDriversAnalysis,
  type OperationalDriverError,
  type DriverEffect,
  type DroppedDriver,
  type Coefficient,
} from "./operational-drivers";
export { type SeType } from "./ols-regression";
export {
  actionEffect,
  MDE_MULTIPLIER,
  DEFAULT_MIN_CELL_N,
  type ActionEffectInput,
  type ActionEffect,
  type ActionMetric,
  type Cells,
  type CellSummary,
  type EffectTest,
  type Verdict,
  type Direction as ActionDirection,
} from "./action-effect";
export {
  recoveryRate,
  recoveryStatsOf,
  type RecoveryStats,
  type RecoveryRate,
  type Share,
} from "./recovery-rate";
export * from "./sequential/index";
