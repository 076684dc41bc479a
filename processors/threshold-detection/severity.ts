// Anomaly severities, least to most severe. Rules work on the rank (0..3); events and state carry the name.

export const SEVERITIES = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
export type Severity = (typeof SEVERITIES)[number];

export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

export function severityAt(rank: number): Severity {
  const severity = SEVERITIES[rank];
  if (severity === undefined) throw new RangeError(`no severity of rank ${rank}`);
  return severity;
}
