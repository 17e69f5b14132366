// Which of replicationCron()'s three timeouts is armed in the current state,
// measured from which field, and when it fires. The cron fires them; the
// debugger shows them as countdowns: both read this one rule.
import type { ReplicaInfo } from './replicaInfo';
import { isHandshakeState, ReplState } from './states';

export type CronTimeoutId = 'connect' | 'transfer' | 'master';

export interface ArmedTimeout {
  id: CronTimeoutId;
  /** The field the time is measured from, under Redis's name. */
  field: 'repl_transfer_lastio' | 'master.lastinteraction';
  /** Its value: unix seconds. */
  since: number;
}

export function armedCronTimeout(info: Readonly<ReplicaInfo>): ArmedTimeout | null {
  if (info.masterhost === null) return null;
  const s = info.repl_state;
  if (s === ReplState.CONNECTING || isHandshakeState(s)) return { id: 'connect', field: 'repl_transfer_lastio', since: info.repl_transfer_lastio };
  if (s === ReplState.TRANSFER) return { id: 'transfer', field: 'repl_transfer_lastio', since: info.repl_transfer_lastio };
  if (s === ReplState.CONNECTED && info.master) return { id: 'master', field: 'master.lastinteraction', since: info.master.lastinteraction };
  return null;
}

/** Redis compares whole seconds with a strict `>`: a repl-timeout of 5 fires when 6 s have passed. */
export function cronTimedOut(armed: ArmedTimeout, replTimeout: number, unixtime: number): boolean {
  return unixtime - armed.since > replTimeout;
}

/** The first clock time (ms) at which a cron run finds it timed out. */
export function cronTimeoutFiresAt(armed: ArmedTimeout, replTimeout: number): number {
  return (armed.since + replTimeout + 1) * 1000;
}

/**
 * The master's side of the link: its replicationCron drops an online replica
 * when unixtime - repl_ack_time > its own repl-timeout ("Disconnecting timedout
 * replica (streaming sync)"), except one synced with the old SYNC, which sends
 * no ACKs (CLIENT_PRE_PSYNC). Armed while we are CONNECTED; `since` is our
 * repl_ack_time, the master's record of our last ACK.
 */
export function armedMasterDrop(info: Readonly<ReplicaInfo>): { since: number } | null {
  if (info.masterhost === null || info.repl_state !== ReplState.CONNECTED || !info.master || info.master.pre_psync) return null;
  return { since: info.repl_ack_time };
}

/** The same whole-second strict `>` as ours: the first master cron run at or after this time (ms) drops us. */
export function masterDropFiresAt(since: number, masterReplTimeout: number): number {
  return (since + masterReplTimeout + 1) * 1000;
}
