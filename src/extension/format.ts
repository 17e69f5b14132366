// Small text helpers the views share: byte counts, the state words, and what
// a replica's row and its fields say. Pure (no vscode), so tests read them.
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

/** Order of health, worst first: what the status bar reports as the "worst state" (every version's states). */
const SEVERITY = ['NONE', 'CONNECT', 'CONNECTING', 'RECEIVE_PING_REPLY', 'SEND_HANDSHAKE', 'RECEIVE_AUTH_REPLY', 'RECEIVE_PORT_REPLY',
  'RECEIVE_IP_REPLY', 'RECEIVE_REQ_REPLY', 'RECEIVE_CAPA_REPLY', 'RECEIVE_VERSION_REPLY', 'SEND_PSYNC', 'RECEIVE_PSYNC_REPLY', 'TRANSFER', 'CONNECTED'];

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

/** The rdb channel's state while a multi-channel sync has one (`RDB_CH_RDB_LOADING`), or null. */
function channelWord(r: ReplicaSummary): string | null {
  const state = r.rdb_channel?.state;
  return state === undefined || /_NONE$/.test(state) ? null : state;
}

/** A replica's row in the Replicas view: its states, progress, offset, lag, buffer and version. */
export function replicaDescription(r: ReplicaSummary, masterOffset: number | null): string {
  const lag = lagBytes(r, masterOffset);
  const channel = channelWord(r);
  const state = channel === null ? r.repl_state : `${r.repl_state} | ${channel}`;
  const parts = [r.stopped ? `${state} (stopped)` : state];
  if (r.transfer_percent !== null) parts.push(`${r.transfer_percent.toFixed(0)}%`);
  if (r.repl_buffer) parts.push(`buffer ${bytes(r.repl_buffer.size)} (peak ${bytes(r.repl_buffer.peak)})`);
  if (r.slave_repl_offset >= 0) parts.push(`offset ${r.slave_repl_offset}`);
  if (lag !== null) parts.push(`lag ${bytes(lag)}`);
  parts.push(r.emulate ?? 'version not known yet');
  if (r.dataset !== 'full') parts.push(`dataset ${r.dataset}`);
  return parts.join(' · ');
}

/** The children of a replica node: Redis's names, then what the debugger adds. */
export function replicaFields(r: ReplicaSummary, masterOffset: number | null): [string, string][] {
  const now = (s: number): string => (s < 0 ? 'never' : `${s} s ago`);
  const fields: [string, string][] = [
    ['emulate', r.emulate === null ? `not known yet (${r.emulate_reason})` : `${r.emulate} (${r.emulate_label}): ${r.emulate_reason}`],
    ['dataset', `${r.dataset}: ${r.dataset_reason}`],
    ['repl_state', `REPL_STATE_${r.repl_state}`],
  ];
  if (r.rdb_channel) {
    fields.push([r.rdb_channel.field, r.rdb_channel.state]);
    if (r.rdb_channel.main_ch_state !== null) fields.push(['repl_main_ch_state', r.rdb_channel.main_ch_state]);
  }
  fields.push(
    ['master', r.masterhost === null ? 'none (REPLICAOF NO ONE)' : `${r.masterhost}:${r.masterport} (link ${r.master_link_status})`],
    ['slave_repl_offset', String(r.slave_repl_offset)],
    ['slave_read_repl_offset', String(r.slave_read_repl_offset)],
  );
  if (masterOffset !== null) fields.push(["master's master_repl_offset", String(masterOffset)]);
  const lag = lagBytes(r, masterOffset);
  if (lag !== null) fields.push(['lag', bytes(lag)]);
  if (r.master_sync_in_progress) {
    const size = r.repl_transfer_size > 0 ? bytes(r.repl_transfer_size) : 'size unknown';
    fields.push(['sync', `${bytes(r.repl_transfer_read)} of ${size}${r.transfer_percent !== null ? ` (${r.transfer_percent.toFixed(1)}%)` : ''}`]);
  }
  const b = r.repl_buffer;
  if (b) {
    fields.push([b.size_field, `${b.size} (${bytes(b.size)})`], [b.peak_field, `${b.peak} (${bytes(b.peak)})`]);
    fields.push(['buffer_used', `${b.used} bytes in ${b.blocks} block${b.blocks === 1 ? '' : 's'}`]);
  }
  fields.push(['master_last_io', now(r.master_last_io_seconds_ago)]);
  fields.push(['nearest timeout', r.nearest_timeout ? `${r.nearest_timeout.label} in ${r.nearest_timeout.remaining_s} s` : 'none armed']);
  if (r.stopped) fields.push(['stopped', r.stopped.description ? `${r.stopped.reason}: ${r.stopped.description}` : r.stopped.reason]);
  if (r.last_error) fields.push(['last error', r.last_error]);
  fields.push(['pause mode', r.pauseMode]);
  return fields;
}
