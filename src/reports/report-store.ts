// Where a report run keeps its report: the maintenance_reports upsert is the repository's; the run names it here.
export { saveReport, type SaveOutcome } from '../db/repositories/maintenance-reports.js';
