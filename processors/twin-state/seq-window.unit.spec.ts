import { describe, expect, it } from 'vitest';
import { emptySeqWindow, markSeq, NO_SEQ, seqSeen } from './seq-window.js';

function windowWith(...seqs: number[]) {
  const window = emptySeqWindow();
  for (const seq of seqs) markSeq(window, seq);
  return window;
}

describe('seq window', () => {
  it('given no seq yet, when asked about any seq, then it was not seen', () => {
    const window = emptySeqWindow();
    expect(window.high).toBe(NO_SEQ);
    expect(seqSeen(window, 0)).toBe(false);
  });

  it('given seqs 1..100 marked, when asked about the last 65, then all were seen; older ones cannot be told', () => {
    const window = windowWith(...Array.from({ length: 100 }, (_, i) => i + 1));
    for (let seq = 36; seq <= 100; seq++) expect(seqSeen(window, seq)).toBe(true);
    expect(seqSeen(window, 35)).toBe(false); // 65 below the highest: outside the window
    expect(seqSeen(window, 101)).toBe(false);
  });

  it('given gaps, when asked, then only marked seqs were seen, on both sides of the 32-bit boundary', () => {
    const window = windowWith(100, 99, 67, 68, 60, 36);
    expect([100, 99, 68, 67, 60, 36].every((seq) => seqSeen(window, seq))).toBe(true);
    expect([98, 69, 66, 61, 59, 37].some((seq) => seqSeen(window, seq))).toBe(false);
  });

  it.each([1, 31, 32, 33, 63, 64, 65, 1000])(
    'given seq 10 then a jump of %i, when asked about 10, then it is seen only while within 64',
    (jump) => {
      const window = windowWith(10, 10 + jump);
      expect(seqSeen(window, 10)).toBe(jump <= 64);
      expect(seqSeen(window, 10 + jump)).toBe(true);
    },
  );

  it('given a late seq arriving after a slide, when marked, then it is seen and its neighbours are not', () => {
    const window = windowWith(1, 2, 3, 50);
    markSeq(window, 20);
    expect(seqSeen(window, 20)).toBe(true);
    expect(seqSeen(window, 19)).toBe(false);
    expect(seqSeen(window, 3)).toBe(true);
  });

  it('keeps its bitmaps as unsigned 32-bit JSON numbers', () => {
    const window = windowWith(...Array.from({ length: 70 }, (_, i) => i));
    expect(window.recent).toBe(0xffff_ffff);
    expect(window.older).toBe(0xffff_ffff);
    expect(JSON.parse(JSON.stringify(window))).toEqual(window);
  });
});
