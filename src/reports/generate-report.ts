// One report run: pick the period, read each machine's rows (a chunk of machines at a time, so a month of a
// large fleet never sits in memory at once), build the report, upsert its row and write its HTML page.
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type pg from 'pg';
import {
  DEFAULT_REPORT_RULES,
  assessMachine,
  buildReport,
  renderReportHtml,
  reportFileName,
  reportPeriod,
  type MachineSection,
  type MaintenanceReport,
  type ReportRules,
  type ReportType,
} from '../../processors/reports/index.js';
import { errorWithCode } from '../errors.js';
import { saveReport, type SaveOutcome } from '../db/repositories/maintenance-reports.js';
import { listReportMachines, machineIsKnown } from '../db/repositories/reports.js';
import { loadMachineInputs } from './report-queries.js';

/** Machines read per round of queries. */
const MACHINES_PER_CHUNK = 200;

export interface ReportRequest {
  readonly type: ReportType;
  readonly machineId: string | null;
  readonly at: number;
  readonly outDir: string;
  readonly rules?: ReportRules;
}

export interface ReportRun {
  readonly report: MaintenanceReport;
  readonly outcome: SaveOutcome;
  readonly htmlFile: string;
}

/** A machine that is nowhere in the analytics database: almost certainly a typo, so no empty report. */
export class UnknownMachineError extends errorWithCode('UnknownMachineError', 'UNKNOWN_MACHINE') {}

export async function generateReport(pool: pg.Pool, request: ReportRequest): Promise<ReportRun> {
  const period = reportPeriod(request.type, request.at);
  const machines = await listReportMachines(pool, period, request.machineId);
  if (
    request.machineId !== null &&
    machines.length === 0 &&
    !(await machineIsKnown(pool, request.machineId))
  ) {
    throw new UnknownMachineError(
      `unknown machine ${JSON.stringify(request.machineId)}: no twin and no data`,
    );
  }
  const sections: MachineSection[] = [];
  for (let start = 0; start < machines.length; start += MACHINES_PER_CHUNK) {
    const inputs = await loadMachineInputs(pool, period, machines.slice(start, start + MACHINES_PER_CHUNK));
    for (const input of inputs)
      sections.push(assessMachine(input, period, request.rules ?? DEFAULT_REPORT_RULES));
  }
  const report = buildReport(period, request.machineId, sections);
  const outcome = await saveReport(pool, report);
  const htmlFile = join(request.outDir, reportFileName(report.reportId));
  await mkdir(request.outDir, { recursive: true });
  // Write then rename: a reader (or a crashed run) never sees half a page.
  const partial = `${htmlFile}.${process.pid}.tmp`;
  await writeFile(partial, renderReportHtml(report), 'utf8');
  await rename(partial, htmlFile);
  return { report, outcome, htmlFile };
}
