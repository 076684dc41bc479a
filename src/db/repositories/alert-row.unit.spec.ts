import { describe, expect, it } from 'vitest';
import { openAlertOf, type AlertPolicy } from '../../../processors/alerts/index.js';
import { anomalies, foldAll } from '../../../processors/testing/anomaly-fixtures.js';
import { minutes, T0 } from '../../../processors/testing/index.js';
import { alertRow } from './alerts.js';

describe('alert row', () => {
  const policy: AlertPolicy = { autoResolve: true, flapThreshold: 3, flapWindowMs: minutes(10) };

  it('given an alert, when mapped to a row, then it fills the alerts table columns with transitions in details', () => {
    const { book } = foldAll(policy, [anomalies('pump-7').opened('HOT', 'HIGH', T0)]);
    const row = alertRow(openAlertOf(book, 'pump-7', 'HOT')!);
    expect(row).toMatchObject({
      alertId: 'pump-7:HOT:1',
      machineId: 'pump-7',
      alertType: 'HOT',
      severity: 'HIGH',
      timestamp: T0,
      status: 'NEW',
      assignedTo: null,
      resolutionTime: null,
      description: 'HIGH HOT on pump-7',
    });
    expect(row.details).toMatchObject({ repeatCount: 0, flapping: false, transitions: [{ action: 'open' }] });
  });
});
