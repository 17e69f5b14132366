// Small text helpers the views share: byte counts and the state words.
import type { ReplicaSummary } from '../debug/replicaSummary';

export function bytes(n: number): string {
  const abs = Math.abs(n);
  if (abs < 1024) return `${n} B`;
  if (abs < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  if (abs < 1024 * 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  return `${(n / 1024 / 1024 / 1024).toFixed(2)} GB`;
}

/** How far behind the master a replica is, in bytes; null when the master's offset is not known. */
export function lagBytes(r: ReplicaSummary, masterOffset: number | null): number | null {
  if (masterOffset === null || r.slave_repl_offset < 0 || r.master_link_status !== 'up') return null;
  return Math.max(0, masterOffset - r.slave_repl_offset);
}

/** Order of health, worst first: what the status bar reports as the "worst state". */
const SEVERITY = ['NONE', 'CONNECT', 'CONNECTING', 'RECEIVE_PING_REPLY', 'SEND_HANDSHAKE', 'RECEIVE_AUTH_REPLY', 'RECEIVE_PORT_REPLY',
  'RECEIVE_IP_REPLY', 'RECEIVE_CAPA_REPLY', 'SEND_PSYNC', 'RECEIVE_PSYNC_REPLY', 'TRANSFER', 'CONNECTED'];

export function worstState(states: readonly string[]): string | null {
  let worst: string | null = null;
  for (const s of states) {
    // NONE is a replica turned master on purpose: not unhealthy, so it ranks after CONNECT.
    const rank = (x: string): number => (x === 'NONE' ? SEVERITY.length - 1.5 : SEVERITY.indexOf(x));
    if (worst === null || rank(s) < rank(worst)) worst = s;
  }
  return worst;
}

/** The icon file of a state in media/states/ (handshake states share one). */
export function stateIcon(state: string): string {
  if (state === 'CONNECTED') return 'connected';
  if (state === 'TRANSFER') return 'transfer';
  if (state === 'NONE') return 'none';
  if (state === 'CONNECT') return 'connect';
  return 'handshake';
}
