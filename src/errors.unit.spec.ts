// Every error the runtime acts on is one family: a TwinError with a code from the closed set and a canRetry flag.
import { describe, expect, it } from 'vitest';
import * as mlModel from '../processors/ml-detection/model.js';
import * as routes from '../processors/notifications/routes.js';
import * as partitionState from '../processors/partition/partition-state.js';
import * as snapshot from '../processors/partition/snapshot.js';
import * as thresholdConfig from '../processors/threshold-detection/parse-config.js';
import * as stackProcesses from '../scripts/stack/processes.js';
import * as httpErrors from './api/http-errors.js';
import * as config from './config.js';
import * as migrate from './db/migrate.js';
import * as errors from './errors.js';
import { FencedError, TWIN_ERROR_CODES, TwinError, oneLine, type TwinErrorCode } from './errors.js';
import * as generateReport from './reports/generate-report.js';
import * as reportOptions from './reports/report-options.js';
import * as simulateOptions from './simulator/simulate-options.js';

const { MlModelError } = mlModel;
const { RoutesError } = routes;
const { StalePartitionStateError } = partitionState;
const { SnapshotError } = snapshot;
const { ThresholdConfigError } = thresholdConfig;
const { StackError } = stackProcesses;
const { ApiError, badRequest, conflict, notFound } = httpErrors;
const { ConfigError } = config;
const { MigrationError } = migrate;
const { UnknownMachineError } = generateReport;
const { ReportOptionError } = reportOptions;
const { OptionError } = simulateOptions;

/** The modules that export error classes; each of those classes must be in FAMILY below. */
const MODULES = {
  errors,
  mlModel,
  routes,
  partitionState,
  snapshot,
  thresholdConfig,
  stackProcesses,
  httpErrors,
  config,
  migrate,
  generateReport,
  reportOptions,
  simulateOptions,
};

type Case = [name: string, error: TwinError, code: TwinErrorCode, canRetry: boolean];

const FAMILY: Case[] = [
  ['TwinError', new TwinError('STARTUP_TIMEOUT', 'did not start within 30 s'), 'STARTUP_TIMEOUT', false],
  ['ConfigError', new ConfigError('invalid configuration: HTTP_PORT: x'), 'CONFIG_INVALID', false],
  ['OptionError', new OptionError('--rate takes a number'), 'OPTION_INVALID', false],
  ['ReportOptionError', new ReportOptionError('--type takes DAILY'), 'REPORT_OPTION_INVALID', false],
  ['UnknownMachineError', new UnknownMachineError('unknown machine "m-1"'), 'UNKNOWN_MACHINE', false],
  ['ApiError', badRequest('limit: must be at most 500'), 'API_BAD_REQUEST', false],
  ['ApiError', notFound('no machine "m-1"'), 'API_NOT_FOUND', false],
  ['ApiError', conflict('alert 7 is resolved'), 'API_CONFLICT', false],
  ['ThresholdConfigError', new ThresholdConfigError('thresholds: bad'), 'THRESHOLD_CONFIG_INVALID', false],
  ['RoutesError', new RoutesError('routes.0.severity: bad'), 'ROUTES_INVALID', false],
  ['MlModelError', new MlModelError('model v1: model_data is not JSON'), 'ML_MODEL_INVALID', false],
  ['SnapshotError', new SnapshotError('snapshot: format 1'), 'SNAPSHOT_UNREADABLE', false],
  ['StalePartitionStateError', new StalePartitionStateError('stale'), 'STALE_PARTITION_STATE', false],
  ['FencedError', new FencedError({ topic: 'sensor.readings', partition: 2 }, 3), 'PARTITION_FENCED', false],
  ['StackError', new StackError('the Kafka broker exited', 'log tail'), 'STACK_FAILED', false],
  ['MigrationError', new MigrationError('twin', 'cannot reach twin', true), 'MIGRATION_FAILED', true],
  ['MigrationError', new MigrationError('twin', 'migrating twin failed', false), 'MIGRATION_FAILED', false],
];

const isErrorClass = (value: unknown): value is typeof Error =>
  typeof value === 'function' && (value === Error || value.prototype instanceof Error);

describe('the error family', () => {
  it('has a closed set of distinct SCREAMING_SNAKE codes', () => {
    expect(new Set(TWIN_ERROR_CODES).size).toBe(TWIN_ERROR_CODES.length);
    for (const code of TWIN_ERROR_CODES) expect(code).toMatch(/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/);
  });

  it.each(FAMILY)(
    'given a %s (%s), it is a TwinError with code %s and canRetry %s',
    (_, error, code, canRetry) => {
      expect(error).toBeInstanceOf(TwinError);
      expect(error).toBeInstanceOf(Error);
      expect(TWIN_ERROR_CODES).toContain(error.code);
      expect(error.code).toBe(code);
      expect(typeof error.canRetry).toBe('boolean');
      expect(error.canRetry).toBe(canRetry);
    },
  );

  it('given each class, keeps its name, its message and its own fields', () => {
    const names = FAMILY.map(([, error]) => [error.constructor.name, error.name]);
    // MigrationError has always been named after the family.
    expect(names.filter(([cls, name]) => cls !== name)).toEqual([
      ['MigrationError', 'TwinError'],
      ['MigrationError', 'TwinError'],
    ]);
    expect(oneLine(new OptionError('--rate takes a number'))).toBe('--rate takes a number');
    expect(new ApiError(409, 'taken').statusCode).toBe(409);
    expect(new StackError('failed', 'tail').detail).toBe('tail');
    expect(new MigrationError('analytics', 'failed', false).database).toBe('analytics');
    const cause = new Error('ECONNREFUSED');
    expect(new ConfigError('bad', { cause }).cause).toBe(cause);
  });

  it('given the modules that define errors, every error class they export is in the family', () => {
    const exported = Object.values(MODULES).flatMap((module) => Object.values(module).filter(isErrorClass));
    const covered = new Set(FAMILY.map(([, error]) => error.constructor));
    expect(exported.filter((cls) => !covered.has(cls)).map((cls) => cls.name)).toEqual([]);
    const inFamily = (cls: typeof Error) => Object.is(cls, TwinError) || cls.prototype instanceof TwinError;
    expect(exported.filter((cls) => !inFamily(cls)).map((cls) => cls.name)).toEqual([]);
  });
});
