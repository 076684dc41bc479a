// The twin processor's metrics, in Prometheus naming (base units, _total counters). Labels are bounded sets:
// outcomes, reasons, anomaly types and severities, partitions; never machine ids.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export function createProcessorMetrics(registry: Registry, now: () => number = Date.now) {
  const registers = [registry];
  const snapshotTimes = new Map<number, number>();
  return {
    readings: new Counter({
      name: 'twin_readings_total',
      help: 'Readings consumed, by outcome (applied, applied_out_of_order, duplicate, late, rejected).',
      labelNames: ['outcome'],
      registers,
    }),
    deadLetters: new Counter({
      name: 'twin_dead_letters_total',
      help: 'Messages written to the dead-letter topic, by reason.',
      labelNames: ['reason'],
      registers,
    }),
    anomalies: new Counter({
      name: 'twin_anomaly_events_total',
      help: 'Anomaly events, by anomaly type, severity and transition (opened, escalated, cleared).',
      labelNames: ['anomaly_type', 'severity', 'transition'],
      registers,
    }),
    latency: new Histogram({
      name: 'twin_processing_latency_seconds',
      help: "From the newest message's broker arrival (LogAppendTime) to the commit of its batch.",
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    }),
    batchSize: new Histogram({
      name: 'twin_batch_readings',
      help: 'Readings per processed batch.',
      buckets: [1, 10, 50, 100, 250, 500, 1000, 2000, 5000],
      registers,
    }),
    batchDuration: new Histogram({
      name: 'twin_batch_duration_seconds',
      help: 'Time to decode, fold, publish and commit one batch.',
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    }),
    lag: new Gauge({
      name: 'twin_consumer_lag_messages',
      help: 'Messages between the last processed offset and the end of the partition.',
      labelNames: ['partition'],
      registers,
    }),
    snapshotAge: new Gauge({
      name: 'twin_snapshot_age_seconds',
      help: 'Seconds since the last state snapshot of each owned partition.',
      labelNames: ['partition'],
      registers,
      collect() {
        this.reset();
        for (const [partition, at] of snapshotTimes) this.set({ partition }, (now() - at) / 1000);
      },
    }),
    rebalances: new Counter({
      name: 'twin_rebalances_total',
      help: 'Partition assignment changes seen by this member, by kind (assigned, revoked).',
      labelNames: ['kind'],
      registers,
    }),
    partitionsOwned: new Gauge({
      name: 'twin_partitions_owned',
      help: 'Partitions of the readings topic this member owns.',
      registers,
    }),
    databaseErrors: new Counter({
      name: 'twin_database_write_errors_total',
      help: 'Failed batch transactions, by database; the batch is retried.',
      labelNames: ['database'],
      registers,
    }),
    lastReadingArrival: new Gauge({
      name: 'twin_partition_last_reading_arrival_seconds',
      help: 'Broker arrival time (LogAppendTime, unix seconds) of the latest gateway reading on each owned partition (clock ticks and dead letters aside).',
      labelNames: ['partition'],
      registers,
    }),
    silentMachines: new Gauge({
      name: 'twin_machines_silent',
      help: 'Machines of each owned partition with loss of signal (STALE_DATA) open.',
      labelNames: ['partition'],
      registers,
    }),
    skewedMachines: new Gauge({
      name: 'twin_machines_clock_skewed',
      help: 'Machines of each owned partition with CLOCK_SKEW open.',
      labelNames: ['partition'],
      registers,
    }),
    clockTicks: new Counter({
      name: 'twin_clock_ticks_total',
      help: 'Clock ticks this member wrote to its quiet partitions (docs/time.md).',
      registers,
    }),
    /** A clock tick was produced to one of this member's quiet partitions. */
    tickWritten() {
      this.clockTicks.inc();
    },
    /**
     * What a partition's arrival clock says (processors/partition/signal.ts), every few seconds per owned
     * partition. A partition with no machine yet has no last-reading series: the alert rules tell absent from old.
     */
    partitionSignal(
      partition: number,
      signal: { lastReadingArrival: number | null; silentMachines: number; skewedMachines: number },
    ) {
      const labels = { partition: String(partition) };
      if (signal.lastReadingArrival !== null)
        this.lastReadingArrival.set(labels, signal.lastReadingArrival / 1000);
      this.silentMachines.set(labels, signal.silentMachines);
      this.skewedMachines.set(labels, signal.skewedMachines);
    },
    snapshotTaken(partition: number) {
      snapshotTimes.set(partition, now());
    },
    partitionReleased(partition: number) {
      snapshotTimes.delete(partition);
      const labels = { partition: String(partition) };
      this.lag.remove(labels);
      this.lastReadingArrival.remove(labels);
      this.silentMachines.remove(labels);
      this.skewedMachines.remove(labels);
    },
  };
}

export type ProcessorMetrics = ReturnType<typeof createProcessorMetrics>;
