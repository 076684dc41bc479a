// Beside the seed: what the projector has applied per machine, so redelivered input changes nothing.
// - The last twin event applied (its source reading offset and index): twin.events may repeat after a
//   processor restart, with the same ids, in the same order.
// - The last operator action applied (alert_actions.id), so a rebuild replays actions at the same points.
// - For the performance windows: the reading sequence window, the last production counters, the machine's
//   latest event time (lateness is judged per machine against it), and the status of its latest reading with
//   the end of the time credited to it (the next reading cuts it back).
import { bigint, doublePrecision, integer, pgTable, varchar } from 'drizzle-orm/pg-core';

export const projectorPositions = pgTable('projector_positions', {
  machineId: varchar('machine_id', { length: 50 }).primaryKey(),
  eventSourceOffset: bigint('event_source_offset', { mode: 'number' }),
  eventIndex: integer('event_index'),
  actionId: bigint('action_id', { mode: 'number' }).notNull().default(0),
  seqHigh: doublePrecision('seq_high'),
  seqRecent: doublePrecision('seq_recent'),
  seqOlder: doublePrecision('seq_older'),
  /** Event time of the reading that carried lastGood / lastReject (counter deltas go to later readings). */
  countersTime: bigint('counters_time', { mode: 'number' }),
  lastGood: bigint('last_good', { mode: 'number' }),
  lastReject: bigint('last_reject', { mode: 'number' }),
  lastEventTime: bigint('last_event_time', { mode: 'number' }),
  lastStatus: varchar('last_status', { length: 20 }),
  coveredUntil: bigint('covered_until', { mode: 'number' }),
});
