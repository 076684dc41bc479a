// Event-level detection quality against ground truth (pure): a fault window counts as detected when an anomaly
// of its machine opens inside it (or up to `toleranceMs` after its end, while the last readings are still being
// judged); an opened anomaly outside every fault window of its machine (plus tolerance) is a false positive.
// Precision = anomalies inside a window / anomalies opened; recall = windows detected / windows.

/** One injected fault (the simulator's FaultRecord, structurally). */
export interface GroundTruthFault {
  readonly machineId: string;
  readonly fault: string;
  /** Event time, inclusive. */
  readonly startTime: number;
  /** Event time, exclusive. */
  readonly endTime: number;
}

export interface OpenedAnomaly {
  readonly machineId: string;
  readonly eventTime: number;
  readonly anomalyType: string;
}

export interface QualityRow {
  /** A fault type, or 'overall'. */
  readonly fault: string;
  readonly windows: number;
  readonly detected: number;
  /** detected / windows; NaN without windows. */
  readonly recall: number;
}

export interface DetectionQuality {
  readonly rows: QualityRow[];
  readonly opened: number;
  readonly truePositives: number;
  readonly falsePositives: number;
  /** truePositives / opened; NaN when nothing opened. */
  readonly precision: number;
}

export function scoreDetections(
  faults: readonly GroundTruthFault[],
  anomalies: readonly OpenedAnomaly[],
  toleranceMs: number,
): DetectionQuality {
  const byMachine = new Map<string, OpenedAnomaly[]>();
  for (const anomaly of anomalies) {
    let list = byMachine.get(anomaly.machineId);
    if (list === undefined) byMachine.set(anomaly.machineId, (list = []));
    list.push(anomaly);
  }
  const inside = (fault: GroundTruthFault, anomaly: OpenedAnomaly) =>
    anomaly.eventTime >= fault.startTime && anomaly.eventTime < fault.endTime + toleranceMs;

  const perType = new Map<string, { windows: number; detected: number }>();
  const explained = new Set<OpenedAnomaly>();
  for (const fault of faults) {
    const mine = byMachine.get(fault.machineId) ?? [];
    let hit = false;
    for (const anomaly of mine) {
      if (inside(fault, anomaly)) {
        hit = true;
        explained.add(anomaly);
      }
    }
    const row = perType.get(fault.fault) ?? { windows: 0, detected: 0 };
    row.windows += 1;
    if (hit) row.detected += 1;
    perType.set(fault.fault, row);
  }
  const rows: QualityRow[] = [...perType.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([fault, row]) => ({ fault, ...row, recall: ratio(row.detected, row.windows) }));
  const windows = faults.length;
  const detected = rows.reduce((sum, row) => sum + row.detected, 0);
  rows.push({ fault: 'overall', windows, detected, recall: ratio(detected, windows) });
  const truePositives = explained.size;
  return {
    rows,
    opened: anomalies.length,
    truePositives,
    falsePositives: anomalies.length - truePositives,
    precision: ratio(truePositives, anomalies.length),
  };
}

function ratio(part: number, whole: number): number {
  return whole === 0 ? NaN : part / whole;
}
