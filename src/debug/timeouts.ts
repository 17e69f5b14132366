// The three timeouts replicationCron() checks, as countdowns a person can
// read while a replica is stopped.
import { armedCronTimeout, cronTimeoutFiresAt, type CronTimeoutId } from '../engine/cronTimeouts';
import type { ReplicaInfo } from '../engine/replicaInfo';

export type TimeoutId = CronTimeoutId;

export interface TimeoutView {
  id: TimeoutId;
  /** As Redis logs it when it fires. */
  label: string;
  /** The field the elapsed time is measured from. */
  since: 'repl_transfer_lastio' | 'master.lastinteraction';
  /** Whether the cron checks it in the current state. */
  active: boolean;
  /** Whole seconds since `since` on the engine's clock (null when inactive). */
  elapsed: number | null;
  /** repl_timeout, seconds. */
  limit: number;
  /** Milliseconds until the first cron run that fires it (0 = it fires at the next run); null when inactive. */
  remainingMs: number | null;
}

export interface TimeoutsView {
  timeouts: TimeoutView[];
  /** The active timeout that fires first, or null when none is armed. */
  firesFirst: TimeoutId | null;
}

const LABELS: Record<TimeoutId, string> = {
  connect: 'Timeout connecting to the MASTER',
  transfer: 'Timeout receiving bulk data from MASTER',
  master: 'MASTER timeout: no data nor PING received',
};
const FIELDS: Record<TimeoutId, TimeoutView['since']> = {
  connect: 'repl_transfer_lastio',
  transfer: 'repl_transfer_lastio',
  master: 'master.lastinteraction',
};

/**
 * `nowMs` is the engine's clock (which stands still while a keepalive stop
 * holds it); `replTimeout` the replica's repl-timeout in seconds. Which timeout
 * is armed, and when it fires, is the engine's rule (engine/cronTimeouts.ts).
 * A diskless load in progress has its own receive timeout the model does not
 * hold; it is not shown here.
 */
export function cronTimeouts(info: Readonly<ReplicaInfo>, replTimeout: number, nowMs: number): TimeoutsView {
  const armed = armedCronTimeout(info);
  const timeouts = (['connect', 'transfer', 'master'] as const).map((id): TimeoutView => {
    const base = { id, label: LABELS[id], since: FIELDS[id], limit: replTimeout };
    if (armed === null || armed.id !== id) return { ...base, active: false, elapsed: null, remainingMs: null };
    const remainingMs = Math.max(0, cronTimeoutFiresAt(armed, replTimeout) - nowMs);
    return { ...base, active: true, elapsed: Math.floor(nowMs / 1000) - armed.since, remainingMs };
  });
  return { timeouts, firesFirst: armed?.id ?? null };
}
