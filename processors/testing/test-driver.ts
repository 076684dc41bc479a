// A test driver for the partition fold in the spirit of Kafka Streams' TopologyTestDriver: no broker,
// no sleeps, time is whatever the readings say.
//
//   given([PUMP_CONFIG]).readings(r1, r2)        // history, folded as one batch
//     .when(r3).then([{ type: 'ANOMALY_OPENED', anomalyType: 'TEMPERATURE_HIGH' }])
//     .when(r4).then([]);
//
// `then` matches the events other than TWIN_UPDATED, in order, each by the fields given (toMatchObject).
// It runs at once and returns the driver: don't `await` an outcome.
import { expect } from 'vitest';
import {
  createPartitionState,
  getDetection,
  getTwin,
  processBatch,
  restorePartitionState,
  serializePartitionState,
  type BatchCounts,
  type FoldOptions,
  type FoldRecord,
  type PartitionSnapshot,
  type PartitionState,
  type RejectedReading,
  type TwinEvent,
} from '../partition/index.js';
import type { SensorReading } from '../readings/reading.js';
import {
  configLookup,
  type ConfigLookup,
  type MachineDetection,
  type MachineTypeConfig,
} from '../threshold-detection/index.js';
import type { Twin } from '../twin-state/index.js';

type DeepPartial<T> = T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;
/** An expected event: any subset of its fields (nested objects too). */
export type ExpectedEvent = DeepPartial<TwinEvent> & { type?: TwinEvent['type'] };

export interface Outcome {
  /** Every event, TWIN_UPDATED included, in (sourceOffset, index) order. */
  readonly events: TwinEvent[];
  /** The events other than TWIN_UPDATED. */
  readonly changes: TwinEvent[];
  readonly rejected: RejectedReading[];
  readonly counts: BatchCounts | null;
  /** Asserts `changes` match `expected` one for one; returns the driver to go on. */
  then(expected: readonly ExpectedEvent[]): TwinTestDriver;
}

export class TwinTestDriver {
  private nextOffset: number;
  /** Every event so far, history included. */
  readonly allEvents: TwinEvent[] = [];

  constructor(
    private configs: ConfigLookup,
    private readonly options: FoldOptions = {},
    private current: PartitionState = createPartitionState(),
  ) {
    this.nextOffset = (current.lastOffset ?? -1) + 1;
  }

  /** History: readings folded as one batch whose events are only kept in allEvents. */
  readings(...readings: SensorReading[]): this {
    this.fold(readings);
    return this;
  }

  /** Folds readings as one batch (offsets assigned in order) and returns what came out. */
  when(...readings: SensorReading[]): Outcome {
    return this.fold(readings);
  }

  /** Folds readings as several batches, cut after the given sizes (the rest is the last batch). */
  whenBatches(readings: readonly SensorReading[], sizes: readonly number[]): Outcome {
    const outcomes: Outcome[] = [];
    let start = 0;
    for (const size of sizes) {
      outcomes.push(this.fold(readings.slice(start, start + size)));
      start += size;
    }
    if (start < readings.length) outcomes.push(this.fold(readings.slice(start)));
    return this.outcome(
      outcomes.flatMap((outcome) => outcome.events),
      outcomes.flatMap((outcome) => outcome.rejected),
      null,
    );
  }

  /** A clock tick (no reading) arriving at `arrivalTime`: moves the arrival clock; returns what it opened. */
  tick(arrivalTime: number): Outcome {
    return this.foldRecords([{ offset: this.nextOffset++, arrivalTime }]);
  }

  /** Readings with the times they reached the broker, folded as one batch. */
  whenArriving(...arrivals: ReadonlyArray<readonly [SensorReading, number]>): Outcome {
    return this.foldRecords(
      arrivals.map(([reading, arrivalTime]) => ({ offset: this.nextOffset++, reading, arrivalTime })),
    );
  }

  /** From now on, configs come from here (e.g. a new version). */
  withConfigs(configs: Iterable<MachineTypeConfig> | ConfigLookup): this {
    this.configs = lookupOf(configs);
    return this;
  }

  get state(): PartitionState {
    return this.current;
  }

  twin(machineId: string): Twin | undefined {
    return getTwin(this.current, machineId);
  }

  detection(machineId: string): MachineDetection | null {
    return getDetection(this.current, machineId);
  }

  /** The snapshot as it would come back from JSONB. */
  snapshot(): PartitionSnapshot {
    return JSON.parse(JSON.stringify(serializePartitionState(this.current))) as PartitionSnapshot;
  }

  /** A new driver restored from this one's snapshot, with the same configs and options. */
  restored(): TwinTestDriver {
    return new TwinTestDriver(this.configs, this.options, restorePartitionState(this.snapshot()));
  }

  private fold(readings: readonly SensorReading[]): Outcome {
    return this.foldRecords(readings.map((reading) => ({ offset: this.nextOffset++, reading })));
  }

  private foldRecords(records: readonly FoldRecord[]): Outcome {
    const result = processBatch(this.current, records, this.configs, this.options);
    this.current = result.state;
    this.allEvents.push(...result.events);
    return this.outcome(result.events, result.rejected, result.counts);
  }

  private outcome(events: TwinEvent[], rejected: RejectedReading[], counts: BatchCounts | null): Outcome {
    const changes = events.filter((event) => event.type !== 'TWIN_UPDATED');
    const then = (expected: readonly ExpectedEvent[]): TwinTestDriver => {
      if (typeof expected === 'function') {
        throw new TypeError(
          'a test-driver outcome is not a promise: call .then(expectedEvents), do not await it',
        );
      }
      expect(changes).toMatchObject(expected as ExpectedEvent[]);
      return this;
    };
    return { events, changes, rejected, counts, then };
  }
}

/** Starts a driver on an empty partition with these configs (unknown types get the default config). */
export function given(
  configs: Iterable<MachineTypeConfig> | ConfigLookup = [],
  options: FoldOptions = {},
): TwinTestDriver {
  return new TwinTestDriver(lookupOf(configs), options);
}

function lookupOf(configs: Iterable<MachineTypeConfig> | ConfigLookup): ConfigLookup {
  return typeof configs === 'function' ? configs : configLookup(configs);
}
