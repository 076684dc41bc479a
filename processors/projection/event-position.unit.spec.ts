import { describe, expect, it } from 'vitest';
import { isAfter, positionOf, takesPlaceBefore } from './event-position.js';

const at = (sourceOffset: number, index: number) => ({ sourceOffset, index });

describe('event positions', () => {
  it('given two positions, when compared, then the source offset decides first and the index within it second', () => {
    expect(isAfter(at(6, 0), at(5, 9))).toBe(true);
    expect(isAfter(at(5, 2), at(5, 1))).toBe(true);
    expect(isAfter(at(5, 1), at(5, 1))).toBe(false);
    expect(isAfter(at(5, 0), at(5, 1))).toBe(false);
    expect(isAfter(at(4, 9), at(5, 0))).toBe(false);
  });

  it('given an event, when positioned, then it sits at its source offset and index', () => {
    expect(positionOf({ sourceOffset: 12, index: 3 })).toEqual(at(12, 3));
  });

  it('given an action taken after an event, when placed against later events, then it comes before the next one', () => {
    expect(takesPlaceBefore(at(5, 0), at(5, 1), false)).toBe(true);
    expect(takesPlaceBefore(at(5, 0), at(6, 0), false)).toBe(true);
  });

  it('given an action taken after an event, when placed against that same event, then it comes after it (only at it when inclusive)', () => {
    expect(takesPlaceBefore(at(5, 0), at(5, 0), false)).toBe(false);
    expect(takesPlaceBefore(at(5, 0), at(5, 0), true)).toBe(true);
    expect(takesPlaceBefore(at(5, 1), at(5, 0), true)).toBe(false);
  });

  it('given an action taken before any event was applied, when placed, then it comes first; nothing comes before no event', () => {
    expect(takesPlaceBefore(null, at(0, 0), false)).toBe(true);
    expect(takesPlaceBefore(null, null, true)).toBe(true);
    expect(takesPlaceBefore(at(0, 0), null, true)).toBe(false);
  });
});
