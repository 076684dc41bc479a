#!/usr/bin/env node
// `twin`: the one entry point for every Twinstream process and job. Each subcommand lives in its own module
// under src/apps/ and is loaded only when called, so `twin --help` starts fast and loads no native client.
import { Command } from 'commander';
import { oneLine } from '../errors.js';
import type { RawReportOptions } from '../reports/report-options.js';
import type { RawSimulateOptions } from '../simulator/simulate-options.js';
import type { RawTrainOptions } from './train.js';

const program = new Command()
  .name('twin')
  .description(
    'Twinstream: event-sourced digital twins of industrial equipment. ' +
      'Configuration comes from environment variables (see docs/configuration.md); every command reads the same set.',
  )
  .showHelpAfterError('(run "twin --help" for the list of commands)');

program
  .command('processor')
  .description(
    "Run the twin processor: consume sensor readings from Kafka, keep each machine's twin state, detect " +
      'anomalies and write them to PostgreSQL. Serves /healthz, /readyz and /metrics on HTTP_PORT (default 9464).',
  )
  .action(async () => {
    const { runProcessor } = await import('./processor.js');
    return runProcessor();
  });

program
  .command('projector')
  .description(
    'Run the projection worker: materialize alerts (with their lifecycle), performance_metrics and the current ' +
      'twin of every machine into the analytics database from twin.events and sensor.readings, exactly once. ' +
      'Serves /healthz, /readyz and /metrics on HTTP_PORT (default 9465).',
  )
  .option('--rebuild', 'empty the read models and replay both topics from their first offset, then go on')
  .action(async (options: { rebuild?: boolean }) => {
    const { runProjector } = await import('./projector.js');
    return runProjector({ rebuild: options.rebuild === true });
  });

program
  .command('notifier')
  .description(
    'Run the notifier: watch the alerts in the analytics database and tell people by webhook (generic JSON or ' +
      'Slack), email (SMTP) or SMS gateway, as the routes in NOTIFY_ROUTES_FILE say: grouped, with reminders, ' +
      'escalation when nobody acknowledges, and a message when resolved. Retries with backoff; every attempt ' +
      'is a notification_logs row. Serves /healthz, /readyz and /metrics on NOTIFIER_HTTP_PORT or HTTP_PORT (default 9467).',
  )
  .action(async () => {
    const { runNotifier } = await import('./notifier.js');
    return runNotifier();
  });

program
  .command('api')
  .description(
    'Serve the query API (machines, twin state, anomalies, metrics, alerts and their actions, machine-type ' +
      'configurations) as JSON on API_PORT, with its OpenAPI document at /openapi.json. ' +
      'Serves /healthz, /readyz and /metrics on HTTP_PORT (default 9466).',
  )
  .action(async () => {
    const { runApi } = await import('./api.js');
    return runApi();
  });

program
  .command('migrate')
  .description(
    'Apply the database migrations to the twin database (TWIN_DATABASE_URL) and the analytics database ' +
      '(ANALYTICS_DATABASE_URL). Safe to run again: applied migrations are skipped.',
  )
  .action(async () => {
    const { runMigrate } = await import('./migrate.js');
    return runMigrate();
  });

program
  .command('retention')
  .description(
    'Apply the retention periods (RETENTION_<TABLE>, see docs/configuration.md): move rows past their period into the ' +
      "table's _archive table, or delete them, in short batches that are safe while the pipeline writes. " +
      'Open alerts, the latest alert of each machine and type, and the snapshots recovery needs always stay. ' +
      'A one-shot job: logs one JSON summary line per table.',
  )
  .option('--dry-run', 'count what would be archived or deleted, change nothing')
  .option('--table <name>', 'only this table (e.g. anomaly_history)')
  .action(async (options: { dryRun?: boolean; table?: string }) => {
    const { runRetention } = await import('./retention.js');
    return runRetention({ dryRun: options.dryRun === true, table: options.table });
  });

program
  .command('simulate')
  .description(
    'Simulate the edge gateways of a fleet (CNC mills, pumps, compressors, conveyors): produce realistic sensor ' +
      'readings to Kafka keyed by machine id, with injected faults (overheating, vibration spikes, bearing ' +
      'wear, stuck sensors, dropouts). Live by default, event time following the clock; --count sends a ' +
      'backfill as fast as possible. The same --seed gives the same readings.',
  )
  .option('--machines <n>', 'number of machines in the fleet', '200')
  .option('--rate <n>', 'readings per second, the whole fleet together', '1000')
  .option('--duration <seconds>', 'how long to run; 0 runs until Ctrl-C', '60')
  .option('--format <format>', 'value encoding: avro (single-object) or json', 'avro')
  .option('--schema-version <n>', 'Avro writer schema version: 1 or 2', '2')
  .option('--seed <n>', 'seed for machines, readings and faults', '42')
  .option('--fault-fraction <share>', 'share of machines that get a fault, 0..1', '0.05')
  .option('--ground-truth <file>', 'write the injected faults to this JSON file')
  .option('--topic <name>', 'topic to produce to (default: TOPIC_READINGS, sensor.readings)')
  .option('--start <time>', 'event time of the first reading, ISO-8601 with zone (default: now)')
  .option('--fast', 'send rate × duration readings as fast as possible, with synthetic event times')
  .option('--count <n>', 'send this many readings as fast as possible (implies --fast)')
  .action(async (options: RawSimulateOptions) => {
    const { runSimulate } = await import('./simulate.js');
    return runSimulate(options);
  });

program
  .command('report')
  .description(
    'Write a maintenance report (uptime and efficiency trends, anomalies, alert figures and recommendations ' +
      'with their evidence) for the last complete UTC day, ISO week or calendar month ending at or before ' +
      '--at: one maintenance_reports row per report id (a rerun replaces it) and a self-contained HTML page.',
  )
  .option('--type <type>', 'DAILY, WEEKLY or MONTHLY')
  .option('--machine <id>', 'report on this machine only (default: the whole fleet)')
  .option('--at <time>', 'ISO-8601 time with zone, or a UTC date (default: now)')
  .option('--out <dir>', 'directory for the HTML page', 'reports')
  .action(async (options: RawReportOptions) => {
    const { runReport } = await import('./report.js');
    return runReport(options);
  });

program
  .command('train')
  .description(
    "Fit the ML detector's model of a machine type (or of every type) from the readings of sensor.readings " +
      'in a time range (the first 80 % of it; evaluated on the last 20 %) and store it in ml_models as the next ' +
      'version: ACTIVE if its held-out accuracy reaches the minimum (the previous ACTIVE one becomes ARCHIVED), ' +
      'INACTIVE and unused otherwise. Running processors switch to a new ACTIVE model within CONFIG_REFRESH_MS.',
  )
  .option('--machine-type <type>', 'the machine type to train')
  .option('--all', 'train every machine type the history holds')
  .option('--from <time>', 'start of the history, ISO-8601 with zone (default: 24 hours before --to)')
  .option('--to <time>', 'end of the history, ISO-8601 with zone (default: now)')
  .option(
    '--min-accuracy <share>',
    'activation gate on the held-out accuracy, 0..1 (default: ML_MIN_ACCURACY)',
  )
  .option('--force', 'activate the new model even below the minimum accuracy')
  .action(async (options: RawTrainOptions) => {
    const { runTrain } = await import('./train.js');
    return runTrain(options);
  });

program
  .command('models')
  .description('Manage the ML models in ml_models.')
  .command('rollback')
  .description(
    'Make the previous model of a machine type ACTIVE again (the newest earlier one that went live and was not ' +
      'itself rolled back) and mark the one it replaces ARCHIVED. Running processors switch within ' +
      'CONFIG_REFRESH_MS, without a restart.',
  )
  .option('--type <machine_type>', 'the machine type')
  .action(async (options: { type?: string }) => {
    const { runModelsRollback } = await import('./models.js');
    return runModelsRollback(options);
  });

try {
  await program.parseAsync(process.argv);
} catch (error) {
  // One clear line and a non-zero exit, never a stack-trace flood.
  process.stderr.write(`twin ${program.args[0] ?? ''}: ${oneLine(error)}\n`.replace(' :', ':'));
  process.exit(1);
}
