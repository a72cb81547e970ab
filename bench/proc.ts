// What /proc says about a process (CPU time, resident memory) and the machine (CPU busy time),
// read without touching the process itself.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Clock ticks per second: the unit of utime/stime in /proc/<pid>/stat. */
export const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

/** User + system CPU seconds a process has used so far (undefined if it is gone). */
export function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may contain spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of the whole line, i.e. 12 and 13 after "(comm) ".
    return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
  } catch {
    return undefined;
  }
}

/** VmRSS (current) and VmHWM (peak) of a process, in bytes. */
export function memory(pid: number): { rss: number; peak: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN) * 1024;
    return { rss: kb('VmRSS'), peak: kb('VmHWM') };
  } catch {
    return undefined;
  }
}

/** Busy and total CPU seconds of the whole machine, all cores, since boot. */
export function machineCpu(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = (v[3] ?? 0) + (v[4] ?? 0); // idle + iowait
  const total = v.slice(0, 8).reduce((a, b) => a + b, 0); // without guest time, counted in user
  return { busy: (total - idle) / CLK_TCK, total: total / CLK_TCK };
}

export interface CpuSnapshot {
  at: number;
  machine: { busy: number; total: number };
  byName: Record<string, number>;
}

/** CPU seconds of named processes and of the machine, for per-phase deltas. */
export function cpuSnapshot(pids: Record<string, number | undefined>): CpuSnapshot {
  const byName: Record<string, number> = {};
  for (const [name, pid] of Object.entries(pids)) {
    if (pid === undefined) continue;
    const s = name === 'bench' ? process.cpuUsage() : undefined;
    const v = s ? (s.user + s.system) / 1e6 : cpuSeconds(pid);
    if (v !== undefined) byName[name] = v;
  }
  return { at: performance.now(), machine: machineCpu(), byName };
}

/**
 * CPU used between two snapshots, in seconds, per process, plus what the rest of the machine
 * used ("others": processes not ours, e.g. other engineers' tests on a shared machine).
 */
export function cpuDelta(a: CpuSnapshot, b: CpuSnapshot): Record<string, number> {
  const out: Record<string, number> = {};
  let ours = 0;
  for (const [name, v] of Object.entries(b.byName)) {
    const d = v - (a.byName[name] ?? 0); // a process started during the interval: all of its CPU
    out[name] = Math.round(d * 10) / 10;
    ours += d;
  }
  const busy = b.machine.busy - a.machine.busy;
  out['others'] = Math.round(Math.max(0, busy - ours) * 10) / 10;
  out['machineBusy'] = Math.round(busy * 10) / 10;
  out['wall'] = Math.round(((b.at - a.at) / 1000) * 10) / 10;
  return out;
}
