// Written anomaly rows against what an uninterrupted run over the same topic produces, by event id.
import type { IsolatedPipeline } from '../../test/support/pipeline.js';

export interface Correctness {
  expected: number;
  written: number;
  lost: number;
  duplicated: number;
  ok: boolean;
}

/** Lost: expected ids never written. Duplicated: extra copies of an id, plus ids nobody expected. */
export function compareIds(expected: string[], written: string[]): { lost: number; duplicated: number } {
  const want = new Set(expected);
  const seen = new Map<string, number>();
  for (const id of written) seen.set(id, (seen.get(id) ?? 0) + 1);
  let lost = 0;
  for (const id of want) if (!seen.has(id)) lost += 1;
  let duplicated = 0;
  for (const count of seen.values()) if (count > 1) duplicated += count - 1;
  const unexpected = [...seen.keys()].filter((id) => !want.has(id)).length;
  return { lost, duplicated: duplicated + unexpected };
}

/** anomaly_history and anomaly_records of an isolated pipeline against `pipeline.expected()`. */
export async function pipelineCorrectness(pipeline: IsolatedPipeline): Promise<{
  correctness: Correctness;
  history: { written: number; expected: number };
  records: { written: number; expected: number };
}> {
  const expected = await pipeline.expected();
  const history = await pipeline.query<{ event_id: string }>('twin', 'SELECT event_id FROM anomaly_history');
  const records = await pipeline.query<{ event_id: string }>(
    'analytics',
    'SELECT event_id FROM anomaly_records',
  );
  const h = compareIds(
    expected.historyIds,
    history.map((row) => row.event_id),
  );
  const r = compareIds(
    expected.recordIds,
    records.map((row) => row.event_id),
  );
  const lost = h.lost + r.lost;
  const duplicated = h.duplicated + r.duplicated;
  return {
    correctness: {
      expected: expected.historyIds.length + expected.recordIds.length,
      written: history.length + records.length,
      lost,
      duplicated,
      ok: lost + duplicated === 0,
    },
    history: { written: history.length, expected: expected.historyIds.length },
    records: { written: records.length, expected: expected.recordIds.length },
  };
}
