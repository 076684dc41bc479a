// CPU seconds per process over a phase, from /proc (utime + stime): the broker, PostgreSQL, the bench itself
// (the producer) and any child process named by pid.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

const TICKS = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

function cpuTicks(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]); // utime + stime (fields 14 and 15 of the whole line)
  } catch {
    return 0;
  }
}

function findPids(): { broker: number[]; postgres: number[] } {
  const broker: number[] = [];
  const postgres: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const comm = readFileSync(`/proc/${entry}/comm`, 'utf8').trim();
      if (comm === 'postgres') postgres.push(Number(entry));
      else if (comm === 'java') {
        const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
        if (/kafka/i.test(cmdline)) broker.push(Number(entry));
      }
    } catch {
      // gone meanwhile
    }
  }
  return { broker, postgres };
}

export type CpuSeconds = Record<string, number>;

/** CPU seconds used per process group between start() and stop(). */
export function cpuMeter(extra: () => Record<string, number | undefined>) {
  const sample = () => {
    const { broker, postgres } = findPids();
    const values: Record<string, number> = {
      broker: broker.reduce((sum, pid) => sum + cpuTicks(pid), 0) / TICKS,
      postgres: postgres.reduce((sum, pid) => sum + cpuTicks(pid), 0) / TICKS,
      bench: cpuTicks(process.pid) / TICKS,
    };
    for (const [name, pid] of Object.entries(extra())) if (pid) values[name] = cpuTicks(pid) / TICKS;
    return values;
  };
  const first = sample();
  const last: Record<string, number> = { ...first };
  // Child processes must be sampled before they exit: keep the latest value of each.
  const timer = setInterval(() => Object.assign(last, sample()), 500);
  return {
    stop(): CpuSeconds {
      clearInterval(timer);
      Object.assign(last, sample());
      const used: CpuSeconds = {};
      for (const [name, value] of Object.entries(last)) used[name] = round2(value - (first[name] ?? 0));
      return used;
    },
  };
}

export const round2 = (value: number) => Math.round(value * 100) / 100;
