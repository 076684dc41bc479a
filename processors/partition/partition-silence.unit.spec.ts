import { describe, it } from 'vitest';
import { given, machine, minutes, seconds, T0 } from '../testing/index.js';
import { DEFAULT_MACHINE_TYPE_CONFIG } from '../threshold-detection/index.js';

const partitionSilence = { name: 'sensor.readings:3', silentAfterMs: minutes(5) };
// Machines are watched too, by their own timeouts: off here, so only the partition's rule speaks.
const QUIET = { ...DEFAULT_MACHINE_TYPE_CONFIG, machineType: 'line', thresholds: { staleData: null } };

describe('partition silence', () => {
  it('given readings, when only clock ticks arrive for longer than the timeout, then PARTITION_SILENT opens once, and the next reading clears it with the silence', () => {
    const a = machine('a', 'line');
    const driver = given([QUIET], { partitionSilence }).readings(a.at(0));
    driver.tick(T0 + minutes(5)).then([]);
    driver.tick(T0 + minutes(5) + 1).then([
      {
        type: 'ANOMALY_OPENED',
        anomalyType: 'PARTITION_SILENT',
        machineId: 'sensor.readings:3',
        machineType: 'partition',
        eventTime: T0 + minutes(5) + 1,
        reading: null,
        calculatedMetrics: { value: minutes(5) + 1, bound: minutes(5) },
      },
    ]);
    driver.tick(T0 + minutes(9)).then([]);
    driver.whenArriving([a.at(seconds(1)), T0 + minutes(10)]).then([
      {
        type: 'ANOMALY_CLEARED',
        anomalyType: 'PARTITION_SILENT',
        eventTime: T0 + minutes(10),
        calculatedMetrics: { durationMs: minutes(10) },
      },
    ]);
  });

  it('given a silent partition, when restored from its snapshot, then it opens no second time and still clears', () => {
    const a = machine('a', 'line');
    const driver = given([QUIET], { partitionSilence }).readings(a.at(0));
    driver.tick(T0 + minutes(6)).then([{ type: 'ANOMALY_OPENED', anomalyType: 'PARTITION_SILENT' }]);
    const restored = driver.restored();
    restored.tick(T0 + minutes(7)).then([]);
    restored.whenArriving([a.at(seconds(1)), T0 + minutes(8)]).then([{ type: 'ANOMALY_CLEARED' }]);
  });

  it('given no partition name, when the partition falls silent, then nothing is raised for it', () => {
    const a = machine('a', 'line');
    given([QUIET])
      .readings(a.at(0))
      .tick(T0 + minutes(60))
      .then([]);
  });
});
