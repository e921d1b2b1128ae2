/** The process's SuiviMetrics (processMetrics()), for what Nest builds. */
export const METRICS = Symbol('SuiviMetrics');
