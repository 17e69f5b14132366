// The machine's process tree as /proc shows it: which process runs the debug adapter, who its parent is, and what
// it costs (CPU seconds, RSS). Linux only, as the e2e stage is.
import * as fs from 'node:fs';

export interface ProcessEntry {
  pid: number;
  ppid: number;
  /** argv joined with spaces. */
  cmd: string;
}

const CLOCK_TICKS = 100; // sysconf(_SC_CLK_TCK) on Linux

/** The fields of /proc/<pid>/stat after the command name (which may hold spaces and parentheses). */
function statFields(pid: number): string[] | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

export function processes(): ProcessEntry[] {
  const out: ProcessEntry[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    const fields = statFields(pid);
    if (!fields) continue;
    let cmd = '';
    try {
      cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0').filter(Boolean).join(' ');
    } catch {
      continue;
    }
    out.push({ pid, ppid: Number(fields[1]), cmd });
  }
  return out;
}

/** `pid`'s ancestors, nearest first. */
export function ancestors(pid: number, all: readonly ProcessEntry[] = processes()): ProcessEntry[] {
  const byPid = new Map(all.map((p) => [p.pid, p]));
  const out: ProcessEntry[] = [];
  for (let p = byPid.get(byPid.get(pid)?.ppid ?? -1); p; p = byPid.get(p.ppid)) out.push(p);
  return out;
}

/** User + system CPU seconds the process has used so far, or null once it is gone. */
export function cpuSeconds(pid: number): number | null {
  const fields = statFields(pid);
  return fields ? (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS : null;
}

/** Resident set size in MB, or null once the process is gone. */
export function rssMb(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'latin1'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

export function alive(pid: number): boolean {
  return fs.existsSync(`/proc/${pid}`);
}
