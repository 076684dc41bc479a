// Alerts counted by status and severity: the read behind the projector's twin_alerts gauge, at scrape time.
import type pg from 'pg';

/** A count of alerts, by status (NULL: never touched, read as NEW) and severity. */
export interface AlertCountRecord {
  status: string | null;
  severity: string;
  count: string;
}

export async function countAlertsByStatusAndSeverity(pool: pg.Pool): Promise<AlertCountRecord[]> {
  const result = await pool.query<AlertCountRecord>(
    'SELECT status, severity, count(*) AS count FROM alerts GROUP BY status, severity',
  );
  return result.rows;
}
