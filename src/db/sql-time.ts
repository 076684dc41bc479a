// Timestamps in the seed's TIMESTAMP (without time zone) columns hold UTC. Writing and reading them through
// epoch milliseconds in SQL keeps the server's and the process's time zones out of it: both expressions are
// TIMESTAMP arithmetic, which no TimeZone setting touches (extract(epoch) of a TIMESTAMP is its nominal
// seconds since 1970-01-01 00:00). What a session's TimeZone does touch is CURRENT_TIMESTAMP (a TIMESTAMPTZ)
// stored into such a column: every pool sets UTC at connect for that (UTC_SESSION_OPTIONS in pool.ts).

/** SQL for a UTC TIMESTAMP from an epoch-ms expression (exact: no float rounding through seconds). */
export const utcTimestamp = (epochMs: string) =>
  `(timestamp 'epoch' + ${epochMs} * interval '1 millisecond')`;

/** SQL for the epoch ms (float8, null-preserving) of a UTC TIMESTAMP column. */
export const epochMs = (column: string) => `(extract(epoch from ${column}) * 1000)::float8`;
