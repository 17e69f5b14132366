// How a hosted replica's log lines and transitions are printed: redis-server's
// own line format, or one JSON object per line (--log-format json).
import type { LogEntry, LogLevel, TransitionRecord } from '../engine/io';
import { stateName } from '../engine/states';

export type LogFormat = 'text' | 'json';

const MARK: Record<LogLevel, string> = { debug: '.', verbose: '-', notice: '*', warning: '#' };
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export interface ReplicaLabel {
  index: number;
  port: number;
  /** 'S' while a replica, 'M' after REPLICAOF NO ONE (redis-server's role char). */
  role: 'S' | 'M';
}

/** `12345:S 24 Nov 2026 02:54:21.123 * message`, with the port when several replicas share the process. */
export function formatLogLine(entry: LogEntry, label: ReplicaLabel, many: boolean): string {
  const who = many ? `${process.pid}:${label.role}:${label.port}` : `${process.pid}:${label.role}`;
  return `${who} ${redisTimestamp(entry.at)} ${MARK[entry.level]} ${entry.message}`;
}

export function formatTransitionLine(t: TransitionRecord, label: ReplicaLabel, many: boolean): string {
  const who = many ? `${process.pid}:${label.role}:${label.port}` : `${process.pid}:${label.role}`;
  return `${who} ${redisTimestamp(t.at)} - ${stateName(t.from)} -> ${stateName(t.to)} (${t.cause}) at ${t.callPath.join(' > ')}`;
}

export function jsonLog(entry: LogEntry, label: ReplicaLabel): string {
  return JSON.stringify({ time: new Date(entry.at).toISOString(), replica: label.index, port: label.port, type: 'log', level: entry.level, message: entry.message });
}

export function jsonTransition(t: TransitionRecord, label: ReplicaLabel): string {
  return JSON.stringify({
    time: new Date(t.at).toISOString(),
    replica: label.index,
    port: label.port,
    type: 'transition',
    seq: t.seq,
    from: stateName(t.from),
    to: stateName(t.to),
    cause: t.cause,
    message: t.message,
    callPath: t.callPath,
  });
}

function redisTimestamp(ms: number): string {
  const d = new Date(ms);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${two(d.getDate())} ${MONTHS[d.getMonth()]} ${d.getFullYear()} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}
