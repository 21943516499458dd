export { GRAINS, KINDS, ROLLUP_KEY, STATISTICS, statistic, type Feed, type Kind, type RollupTable, type Source, type Statistic, type StatisticName } from "./statistics";
export { READ_AGGREGATES, ROLLUP_DIMENSIONS, STAT_COLUMNS, STAT_TYPES, VIEWS, cascadeSelect, foldSelect, statisticsOf, viewStatements } from "./sql";
export { emptyValues, scoreInput, type ScoreInput, type ScoreName, type StatsValues } from "./scores";
