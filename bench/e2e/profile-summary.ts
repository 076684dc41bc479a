// Where a process's CPU went, from a V8 .cpuprofile (node --cpu-prof): self time per function and per source
// file, the top entries. `npm run bench -- --profile DIR` writes the profiles and puts these tables in its report.
//   npx tsx bench/e2e/profile-summary.ts FILE.cpuprofile [top]
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileEntry {
  readonly name: string;
  readonly percent: number;
}

export interface ProfileSummary {
  readonly seconds: number;
  /** Share of samples not idle (program, GC and JS together). */
  readonly busyPercent: number;
  readonly functions: ProfileEntry[];
  readonly files: ProfileEntry[];
}

/** Self time of each sampled node, weighted by the sample's time delta. */
export function summarizeProfile(profile: CpuProfile, top = 15): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfMicros = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]!;
    selfMicros.set(id, (selfMicros.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const total = [...selfMicros.values()].reduce((sum, value) => sum + value, 0) || 1;
  const functions = new Map<string, number>();
  const files = new Map<string, number>();
  let idle = 0;
  for (const [id, micros] of selfMicros) {
    const frame = byId.get(id)!.callFrame;
    if (frame.functionName === '(idle)') {
      idle += micros;
      continue;
    }
    const file = shortFile(frame.url) || frame.functionName || '(native)';
    const name = `${frame.functionName || '(anonymous)'} ${file}${frame.url ? `:${frame.lineNumber + 1}` : ''}`;
    functions.set(name, (functions.get(name) ?? 0) + micros);
    files.set(file, (files.get(file) ?? 0) + micros);
  }
  const busy = total - idle || 1;
  const ranked = (map: Map<string, number>) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, micros]) => ({ name, percent: Math.round((micros / busy) * 1000) / 10 }));
  return {
    seconds: Math.round((profile.endTime - profile.startTime) / 1e4) / 100,
    busyPercent: Math.round(((total - idle) / total) * 1000) / 10,
    functions: ranked(functions),
    files: ranked(files),
  };
}

/** The path from the project or package root, so the table reads `src/...` or `pg/lib/...`. */
function shortFile(url: string): string {
  if (!url) return '';
  const path = url.replace(/^file:\/\//, '');
  const modules = path.lastIndexOf('/node_modules/');
  if (modules >= 0) return path.slice(modules + '/node_modules/'.length);
  for (const root of ['/src/', '/processors/', '/schemas/', '/scripts/', '/test/']) {
    const at = path.lastIndexOf(root);
    if (at >= 0) return path.slice(at + 1);
  }
  return path;
}

export function readProfile(file: string, top?: number): ProfileSummary {
  return summarizeProfile(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, top);
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  const [file, top] = process.argv.slice(2);
  if (!file) {
    console.error('usage: profile-summary FILE.cpuprofile [top]');
    process.exit(2);
  }
  const summary = readProfile(file, Number(top ?? 25));
  console.log(`${file}: ${summary.seconds} s, busy ${summary.busyPercent} %`);
  console.log('-- self time by file (% of busy)');
  for (const entry of summary.files) console.log(`${entry.percent.toFixed(1).padStart(6)}  ${entry.name}`);
  console.log('-- self time by function (% of busy)');
  for (const entry of summary.functions)
    console.log(`${entry.percent.toFixed(1).padStart(6)}  ${entry.name}`);
}
