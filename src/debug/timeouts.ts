// The three timeouts replicationCron() checks, and the master's drop of a
// silent replica, as countdowns a person can read while a replica is stopped.
import { armedCronTimeout, armedMasterDrop, cronTimeoutFiresAt, masterDropFiresAt, type CronTimeoutId } from '../engine/cronTimeouts';
import type { ReplicaInfo } from '../engine/replicaInfo';

export type TimeoutId = CronTimeoutId | 'master_drop';

export interface TimeoutView {
  id: TimeoutId;
  /** As Redis logs it when it fires. */
  label: string;
  /** The field the elapsed time is measured from. */
  since: 'repl_transfer_lastio' | 'master.lastinteraction' | 'repl_ack_time';
  /** Whether the cron checks it in the current state. */
  active: boolean;
  /** Whole seconds since `since` on the engine's clock (null when inactive). */
  elapsed: number | null;
  /** repl_timeout, seconds (the master's, for master_drop). */
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
  // The master's log line, on the master.
  master_drop: 'the master logs "Disconnecting timedout replica (streaming sync)" and drops the link',
};
const FIELDS: Record<TimeoutId, TimeoutView['since']> = {
  connect: 'repl_transfer_lastio',
  transfer: 'repl_transfer_lastio',
  master: 'master.lastinteraction',
  master_drop: 'repl_ack_time',
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

/**
 * The master's drop of this replica when its last ACK is older than the
 * master's repl-timeout. Measured on the engine's clock, like ours: in a
 * freeze no ACK goes out and it runs down; in a keepalive stop the ACK sent
 * each second resets it. The master checks once a second on its own clock, so
 * it fires up to a second after remainingMs.
 */
export function masterDropTimeout(info: Readonly<ReplicaInfo>, masterReplTimeout: number, nowMs: number): TimeoutView {
  const base = { id: 'master_drop' as const, label: LABELS.master_drop, since: FIELDS.master_drop, limit: masterReplTimeout };
  const armed = armedMasterDrop(info);
  if (armed === null) return { ...base, active: false, elapsed: null, remainingMs: null };
  const remainingMs = Math.max(0, masterDropFiresAt(armed.since, masterReplTimeout) - nowMs);
  return { ...base, active: true, elapsed: Math.floor(nowMs / 1000) - armed.since, remainingMs };
}

/** Both sides: the cron's timeouts and the master's drop; the first to fire is the armed one with the least time left. */
export function replicaTimeouts(info: Readonly<ReplicaInfo>, replTimeout: number, masterReplTimeout: number, nowMs: number): TimeoutsView {
  const timeouts = [...cronTimeouts(info, replTimeout, nowMs).timeouts, masterDropTimeout(info, masterReplTimeout, nowMs)];
  let first: TimeoutView | null = null;
  // On a tie the replica's own cron is listed first and wins: it acts on its clock, the master a second later at most.
  for (const t of timeouts) if (t.active && (first === null || t.remainingMs! < first.remainingMs!)) first = t;
  return { timeouts, firesFirst: first?.id ?? null };
}
