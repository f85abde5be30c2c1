/**
 * CLOUD-8, cloud resource usage: the providers' utilisation samples (import.ts, reading
 * through workbook.ts, values parsed by values.ts) and the efficiency review (efficiency.ts,
 * written as a workbook by workbook.ts). The area's entrance: callers import from here.
 */
export {
  checkEfficiencyOptions,
  DEFAULT_DAYS,
  DEFAULT_THRESHOLD,
  efficiency,
  MAX_DAYS,
  nearestRank,
  PERCENTILE,
  percentile,
  percentileOfHistogram,
  suggestedSize,
  TARGET_UTILISATION,
} from './efficiency.js'
export type {EfficiencyOptions, EfficiencyReport, FlaggedSystem, Size, UnitProviderSummary, UnreportedSystem} from './efficiency.js'
export {importUsage, usageLayout} from './import.js'
export type {UsageImportOptions, UsageImportResult} from './import.js'
export {formatChina, parsePercent, parseSampleTime, RULE} from './values.js'
export {checkWorkbookPath, writeEfficiencyWorkbook} from './workbook.js'
