// Maintenance reports: the period and id of a report, each machine's figures and the maintenance rules'
// recommendations, the fleet's summary, and the self-contained HTML page. Pure: the rows come in as data.
export { assessMachine, alertFigures, stuckSensorRuns, vibrationTrend } from './assess-machine.js';
export { TOP_OFFENDERS, buildReport } from './build-report.js';
export {
  DEFAULT_REPORT_RULES,
  readableTime,
  recommend,
  type MachineFindings,
  type ReportRules,
} from './recommendations.js';
export { renderReportHtml } from './render-html.js';
export {
  REPORT_ID_MAX_LENGTH,
  REPORT_TYPES,
  reportFileName,
  reportIdFor,
  reportPeriod,
  utcDay,
  type ReportPeriod,
  type ReportType,
} from './report-period.js';
export * from './report-types.js';
export { escapeHtml } from './svg-charts.js';
export { linearFit, meanOf, round, type LinearFit } from './statistics.js';
