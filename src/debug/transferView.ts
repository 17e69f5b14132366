// The Transfer scope: the payload's size, what has arrived, its rate and ETA,
// and where the RDB load is (opcode, type, key, db, keys loaded, bytes
// decoded). ReplicaInfo's repl_transfer_* fields and the engine's
// TransferProgress, formatted.
import type { ReplicaInfo } from '../engine/replicaInfo';
import type { TransferProgress } from '../engine/transferProgress';
import { showBytes } from './keyspaceVariables';
import type { VariableNode } from './variables';

/** Keys are cut to this many characters in the value column. */
const SHOWN_KEY_CHARS = 80;

/** Bytes per second as a person reads it: the exact figure, then a binary-unit one. */
export function formatRate(bytesPerSecond: number): string {
  const units = ['B/s', 'KiB/s', 'MiB/s', 'GiB/s'];
  let v = bytesPerSecond;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${Math.round(bytesPerSecond)} B/s (${v.toFixed(1)} ${units[u]})`;
}

/** Seconds left, or why it cannot be known. */
export function formatEta(info: Readonly<ReplicaInfo>, p: TransferProgress): string {
  if (!p.active) return 'n/a (no transfer in progress)';
  const size = info.repl_transfer_size;
  if (size < 0) return 'unknown (the $ header is not read yet)';
  if (size === 0) return 'unknown ($EOF: stream)';
  const left = Math.max(0, size - p.received);
  if (left === 0) return '0 s (all received)';
  if (p.rate === null || p.rate <= 0) return 'unknown (no rate yet)';
  return `${(left / p.rate).toFixed(1)} s`;
}

function formatSize(size: number): string {
  // -1: the `$` header is not read yet; 0: an $EOF: stream, whose length is known only at its end.
  return size < 0 ? 'unknown yet' : size === 0 ? 'streamed ($EOF: mark)' : String(size);
}

function loadSummary(info: Readonly<ReplicaInfo>, p: TransferProgress): string {
  const load = p.load;
  if (load === null || (!load.current && p.active)) {
    return p.active && !info.repl_transfer_diskless_load ? 'not started (a disk load reads the payload to its temp file first)' : 'none';
  }
  const from = load.source === 'socket' ? 'from the socket (diskless)' : 'from the temp file';
  const state = load.finished ? 'finished' : load.current ? 'in progress' : 'stopped (the transfer ended)';
  return `${from}, ${state}`;
}

export function transferNodes(info: Readonly<ReplicaInfo>, p: TransferProgress): VariableNode[] {
  const size = info.repl_transfer_size;
  const percent = size > 0 ? `${((100 * Math.min(p.received, size)) / size).toFixed(1)}%` : 'n/a';
  const nodes: VariableNode[] = [
    { name: 'repl_transfer_size', value: formatSize(size), type: size > 0 ? 'integer' : 'string', evaluateName: 'repl_transfer_size' },
    { name: 'repl_transfer_read', value: String(info.repl_transfer_read), type: 'integer', evaluateName: 'repl_transfer_read' },
    // repl_transfer_read stays 0 in a diskless load, as in Redis; this counts the payload either way.
    { name: 'received', value: String(p.received), type: 'integer' },
    { name: 'percent', value: percent },
    { name: 'rate', value: p.rate === null ? 'unknown (the reads so far span no time on the engine clock)' : formatRate(p.rate) },
    { name: 'eta', value: formatEta(info, p) },
    { name: 'diskless_load', value: String(info.repl_transfer_diskless_load), type: 'boolean', evaluateName: 'repl_transfer_diskless_load' },
    { name: 'stat_net_repl_input_bytes', value: String(info.stat_net_repl_input_bytes), type: 'integer', evaluateName: 'stat_net_repl_input_bytes' },
    { name: 'rdb_load', value: loadSummary(info, p) },
  ];
  const load = p.load;
  if (load !== null && (load.current || !p.active)) {
    const at = load.position;
    nodes.push(
      { name: 'rdb_opcode', value: at.opcode ?? (at.type !== null ? '(key record)' : 'none') },
      { name: 'rdb_type', value: at.type ?? 'none' },
      // A key record whose name has not fully arrived: the decoder reads it again from the record's start.
      { name: 'rdb_key', value: at.key !== null ? `"${showBytes(at.key, SHOWN_KEY_CHARS)}"` : at.type !== null ? 'not read yet' : 'none', type: 'string' },
      { name: 'rdb_db', value: String(at.db), type: 'integer' },
      { name: 'keys_loaded', value: String(load.keysLoaded), type: 'integer' },
      { name: 'bytes_decoded', value: String(at.offset), type: 'integer' },
    );
  }
  return nodes;
}
