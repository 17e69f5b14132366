// The three timeouts replicationCron() checks, as countdowns a person can
// read while a replica is stopped. This only reads the model: the engine's
// cron (engine/cron.ts) is what fires them, with the same comparisons — Redis
// compares whole seconds with a strict `>`, so a repl-timeout of 60 fires at
// the first cron run 61 s after the last I/O.
import type { ReplicaInfo } from '../engine/replicaInfo';
import { isHandshakeState, ReplState } from '../engine/states';

export type TimeoutId = 'connect' | 'transfer' | 'master';

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

function countdown(id: TimeoutId, label: string, since: TimeoutView['since'], from: number | null, limit: number, nowMs: number): TimeoutView {
  if (from === null) return { id, label, since, active: false, elapsed: null, limit, remainingMs: null };
  const elapsed = Math.floor(nowMs / 1000) - from;
  // It fires once unixtime > from + limit, i.e. from the start of second from + limit + 1.
  const remainingMs = Math.max(0, (from + limit + 1) * 1000 - nowMs);
  return { id, label, since, active: true, elapsed, limit, remainingMs };
}

/**
 * `nowMs` is the engine's clock (which stands still while a keepalive stop
 * holds it); `replTimeout` the replica's repl-timeout in seconds. A diskless
 * load in progress has its own receive timeout the model does not hold; it is
 * not shown here.
 */
export function cronTimeouts(info: Readonly<ReplicaInfo>, replTimeout: number, nowMs: number): TimeoutsView {
  const s = info.repl_state;
  const replica = info.masterhost !== null;
  const connecting = replica && (s === ReplState.CONNECTING || isHandshakeState(s));
  const transfer = replica && s === ReplState.TRANSFER;
  const connected = replica && s === ReplState.CONNECTED && info.master !== null;
  const timeouts = [
    countdown('connect', 'Timeout connecting to the MASTER', 'repl_transfer_lastio', connecting ? info.repl_transfer_lastio : null, replTimeout, nowMs),
    countdown('transfer', 'Timeout receiving bulk data from MASTER', 'repl_transfer_lastio', transfer ? info.repl_transfer_lastio : null, replTimeout, nowMs),
    countdown('master', 'MASTER timeout: no data nor PING received', 'master.lastinteraction', connected ? info.master!.lastinteraction : null, replTimeout, nowMs),
  ];
  let first: TimeoutView | null = null;
  for (const t of timeouts) {
    if (t.active && (first === null || t.remainingMs! < first.remainingMs!)) first = t;
  }
  return { timeouts, firesFirst: first?.id ?? null };
}
