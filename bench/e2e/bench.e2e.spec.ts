// Keeps `npm run bench` from rotting: the harness's smoke size on the real broker and database. Asserts only
// correctness and the shape of the report, never timings.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const RUN = new URL('./run.ts', import.meta.url).pathname;
const out = mkdtempSync(join(tmpdir(), 'twin-bench-'));

afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('npm run bench --smoke', () => {
  it('drains the pipeline and the naive baseline, runs a live step, loses or duplicates no anomaly row, and writes the report', () => {
    execFileSync(process.execPath, ['--import', 'tsx', RUN, '--smoke', '--out', out], {
      stdio: ['ignore', 'pipe', 'inherit'],
      timeout: 110_000,
    });
    const files = readdirSync(out);
    const json = files.find((file) => file.endsWith('.json'));
    const md = files.find((file) => file.endsWith('.md'));
    expect(json && md).toBeTruthy();
    const report = JSON.parse(readFileSync(join(out, json!), 'utf8')) as {
      correct: boolean;
      phases: Array<{ phase: string; correctness: { expected: number; lost: number; duplicated: number } }>;
      memory: unknown[];
      live: {
        steps: Array<{
          rateTarget: number;
          sent: number;
          uncommitted: number;
          readingLatencyMs: Record<'samples' | 'p50' | 'p99' | 'p999' | 'max', number | null>;
          anomalyLatencyMs: { samples: number };
          processorLag: { flat: boolean };
          projectorLag: { flat: boolean };
          cpuSeconds: Record<string, number>;
        }>;
        correctness: { expected: number; lost: number; duplicated: number; ok: boolean };
      };
    };
    expect(report.phases.map((phase) => phase.phase[0])).toEqual(['A', 'B', 'B', 'A']);
    for (const phase of report.phases) {
      expect(phase.correctness.expected).toBeGreaterThan(0); // the faults really produced anomalies
      expect(phase.correctness.lost).toBe(0);
      expect(phase.correctness.duplicated).toBe(0);
    }
    expect(report.correct).toBe(true);
    expect(report.memory).toHaveLength(3);
    // The live step: structure and correctness only; its latencies and lags depend on the machine.
    expect(report.live.steps.map((step) => step.rateTarget)).toEqual([500]);
    const [step] = report.live.steps;
    expect(step!.sent).toBeGreaterThan(0);
    expect(step!.readingLatencyMs.samples).toBeGreaterThan(0);
    for (const key of ['p50', 'p99', 'p999', 'max'] as const)
      expect(typeof step!.readingLatencyMs[key]).toBe('number');
    expect(step!.uncommitted).toBe(0);
    expect(typeof step!.anomalyLatencyMs.samples).toBe('number');
    expect(typeof step!.processorLag.flat).toBe('boolean');
    expect(typeof step!.projectorLag.flat).toBe('boolean');
    expect(Object.keys(step!.cpuSeconds)).toEqual(expect.arrayContaining(['processor', 'projector']));
    expect(report.live.correctness.expected).toBeGreaterThan(0);
    expect(report.live.correctness.lost).toBe(0);
    expect(report.live.correctness.duplicated).toBe(0);
    const text = readFileSync(join(out, md!), 'utf8');
    for (const section of ['## Drain and baseline', '## Memory', '## Live phase', '## Notes'])
      expect(text).toContain(section);
    expect(text).toContain('| rate target | achieved |');
  });
});
