// Where an event or an operator action sits in a machine's event history: events are ordered by the reading
// offset that caused them, then by their index among that offset's events.
import type { AppliedPosition } from '../alerts/index.js';

export function positionOf(event: {
  readonly sourceOffset: number;
  readonly index: number;
}): AppliedPosition {
  return { sourceOffset: event.sourceOffset, index: event.index };
}

/** Whether `a` comes strictly after `b` in (source offset, index) order. */
export function isAfter(a: AppliedPosition, b: AppliedPosition): boolean {
  return a.sourceOffset > b.sourceOffset || (a.sourceOffset === b.sourceOffset && a.index > b.index);
}

/**
 * Whether an action taken after the event at `after` (null: before the machine's first event) comes before the
 * event at `limit` (or at it, when inclusive). Nothing comes before a null limit (no event applied yet).
 */
export function takesPlaceBefore(
  after: AppliedPosition | null,
  limit: AppliedPosition | null,
  inclusive: boolean,
): boolean {
  if (after === null) return true;
  if (limit === null) return false;
  return inclusive ? !isAfter(after, limit) : isAfter(limit, after);
}
