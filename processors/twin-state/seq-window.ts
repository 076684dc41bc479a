// Anti-replay window over the gateway's per-machine `seq` (as IPsec's): the highest seq seen plus a 64-bit
// bitmap of the 64 before it, kept as two unsigned 32-bit numbers so the state stays plain JSON numbers.

export interface SeqWindow {
  /** Highest seq seen, or NO_SEQ before the machine's first reading with a seq. */
  high: number;
  /** Bit i set ⇔ seq `high - 1 - i` was seen, for i in 0..31. */
  recent: number;
  /** Bit i set ⇔ seq `high - 33 - i` was seen, for i in 0..31. */
  older: number;
}

export const NO_SEQ = -1;
/** How far below the highest seq a duplicate can still be recognised. */
export const SEQ_WINDOW_SIZE = 64;

export function emptySeqWindow(): SeqWindow {
  return { high: NO_SEQ, recent: 0, older: 0 };
}

/** Whether `seq` is known to have been seen. Seqs older than the window can't be told: false. */
export function seqSeen(window: SeqWindow, seq: number): boolean {
  if (window.high === NO_SEQ || seq > window.high) return false;
  if (seq === window.high) return true;
  const bit = window.high - seq - 1;
  if (bit < 32) return ((window.recent >>> bit) & 1) === 1;
  if (bit < SEQ_WINDOW_SIZE) return ((window.older >>> (bit - 32)) & 1) === 1;
  return false;
}

/** Records `seq` as seen, in place, sliding the window when it is the new highest. */
export function markSeq(window: SeqWindow, seq: number): void {
  if (window.high === NO_SEQ) {
    window.high = seq;
    return;
  }
  if (seq > window.high) {
    slide(window, seq - window.high);
    window.high = seq;
    return;
  }
  const bit = window.high - seq - 1;
  if (bit < 0) return;
  if (bit < 32) window.recent = (window.recent | (1 << bit)) >>> 0;
  else if (bit < SEQ_WINDOW_SIZE) window.older = (window.older | (1 << (bit - 32))) >>> 0;
}

/** Starts the window again at `seq`: the gateway restarted its numbering. */
export function restartSeqWindow(window: SeqWindow, seq: number): void {
  window.high = seq;
  window.recent = 0;
  window.older = 0;
}

// Shifts the 64-bit map left by `distance` and marks the old highest seq, now `distance` below the new one.
function slide(window: SeqWindow, distance: number): void {
  let recent = window.recent;
  let older = window.older;
  if (distance >= SEQ_WINDOW_SIZE) {
    recent = 0;
    older = 0;
  } else if (distance >= 32) {
    older = (recent << (distance - 32)) >>> 0;
    recent = 0;
  } else {
    older = ((older << distance) | (recent >>> (32 - distance))) >>> 0;
    recent = (recent << distance) >>> 0;
  }
  const bit = distance - 1;
  if (bit < 32) recent = (recent | (1 << bit)) >>> 0;
  else if (bit < SEQ_WINDOW_SIZE) older = (older | (1 << (bit - 32))) >>> 0;
  window.recent = recent;
  window.older = older;
}
