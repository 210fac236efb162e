// CPU accounting for benchmarks on Linux: the whole machine (/proc/stat) and named processes (/proc/<pid>/stat),
// so a report can say which process ran out of cores instead of guessing.
import { readdirSync, readFileSync } from 'node:fs';

const TICK_S = 0.01; // USER_HZ is 100 on Linux x86-64

/** Busy and total CPU seconds of the machine since boot (all cores). */
function machine(): { busy: number; total: number } {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  const total = fields.reduce((a, b) => a + b, 0);
  return { busy: (total - idle) * TICK_S, total: total * TICK_S };
}

/** User + system CPU seconds of every live process whose command name matches, and of their exited waited-for children. */
function processes(match: (comm: string, pid: number) => boolean): number {
  let sum = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      if (!match(comm, Number(entry))) continue;
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // fields 14-17 of stat: utime, stime, cutime, cstime (rest[0] is field 3)
      sum += (Number(rest[11]) + Number(rest[12]) + Number(rest[13]) + Number(rest[14])) * TICK_S;
    } catch {
      // the process ended between readdir and read
    }
  }
  return sum;
}

export interface CpuWindow {
  /** Seconds of CPU over the window: the machine's busy time, and each named process group. */
  stop(): { wallS: number; cores: number; machineBusyS: number; machineBusyShare: number; groups: Record<string, number> };
}

/** Starts measuring; `groups` name the processes to account (e.g. the simulator by pid, PostgreSQL by name). */
export function cpuWindow(groups: Record<string, (comm: string, pid: number) => boolean>): CpuWindow {
  const started = performance.now();
  const m0 = machine();
  const g0 = Object.fromEntries(Object.entries(groups).map(([k, f]) => [k, processes(f)]));
  return {
    stop() {
      const wallS = (performance.now() - started) / 1000;
      const m1 = machine();
      const cores = (m1.total - m0.total) / wallS;
      const out: Record<string, number> = {};
      for (const [k, f] of Object.entries(groups)) out[k] = processes(f) - g0[k]!;
      return { wallS, cores, machineBusyS: m1.busy - m0.busy, machineBusyShare: (m1.busy - m0.busy) / (m1.total - m0.total), groups: out };
    },
  };
}
