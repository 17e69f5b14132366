// INFO replication and ROLE, derived from the one ReplicaInfo model in the
// format redis-server prints (same fields, same order, same quirks).
import { replBacklogSize, type ReplicaConfig } from '../config/replicaConfig';
import type { VersionProfile } from '../versions/profile';
import { reply, type ReplyValue } from '../resp/encode';
import type { ReplicaInfo } from './replicaInfo';
import { roleStateWord, ReplState } from './states';

/**
 * `# Replication` as genRedisInfoString() writes it in the emulated version,
 * lines joined with CRLF. `buffer`: the local buffer of a multi-channel sync
 * (allocated bytes and peak).
 */
export function infoReplication(
  info: Readonly<ReplicaInfo>, config: Readonly<ReplicaConfig>, nowMs: number, profile: VersionProfile,
  buffer: { size: number; peak: number } = { size: 0, peak: 0 },
): string {
  const now = Math.floor(nowMs / 1000);
  const lines = ['# Replication', `role:${info.masterhost === null ? 'master' : 'slave'}`];
  if (info.masterhost !== null) {
    const source = info.master ?? info.cached_master;
    // A replica with neither a live nor a cached master reports offset 1.
    const replOffset = source ? source.reploff : 1;
    const readOffset = source ? source.read_reploff : 1;
    lines.push(
      `master_host:${info.masterhost}`,
      `master_port:${info.masterport}`,
      `master_link_status:${info.repl_state === ReplState.CONNECTED ? 'up' : 'down'}`,
      `master_last_io_seconds_ago:${info.master ? now - info.master.lastinteraction : -1}`,
      `master_sync_in_progress:${info.repl_state === ReplState.TRANSFER ? 1 : 0}`,
      `slave_read_repl_offset:${readOffset}`,
      `slave_repl_offset:${replOffset}`,
    );
    if (profile.has('info-full-sync-buffer')) lines.push(`replica_full_sync_buffer_size:${buffer.size}`, `replica_full_sync_buffer_peak:${buffer.peak}`);
    if (profile.has('info-replicas-repl-buffer')) lines.push(`replicas_repl_buffer_size:${buffer.size}`, `replicas_repl_buffer_peak:${buffer.peak}`);
    if (profile.has('info-sync-attempts')) {
      lines.push(`master_current_sync_attempts:${info.repl_current_sync_attempts}`, `master_total_sync_attempts:${info.repl_total_sync_attempts}`);
    }
    if (info.repl_state === ReplState.TRANSFER) {
      const size = info.repl_transfer_size;
      const read = info.repl_transfer_read;
      const perc = size !== 0 ? (read / size) * 100 : 0;
      lines.push(
        `master_sync_total_bytes:${size}`,
        `master_sync_read_bytes:${read}`,
        `master_sync_left_bytes:${size - read}`,
        `master_sync_perc:${formatPercent(perc)}`,
        `master_sync_last_io_seconds_ago:${now - info.repl_transfer_lastio}`,
      );
    }
    if (info.repl_state !== ReplState.CONNECTED) {
      lines.push(`master_link_down_since_seconds:${info.repl_down_since ? now - info.repl_down_since : -1}`);
    } else if (profile.has('info-sync-attempts')) {
      lines.push(`master_link_up_since_seconds:${info.repl_up_since ? now - info.repl_up_since : -1}`);
      // The master client's IO thread: this replica reads its master in the main thread.
      if (profile.has('info-master-client-io-thread')) lines.push('master_client_io_thread:0');
    }
    if (profile.has('info-sync-attempts')) {
      const current = info.repl_down_since ? now - info.repl_down_since : 0;
      lines.push(`total_disconnect_time_sec:${info.repl_total_disconnect_time + current}`);
    }
    lines.push(
      `slave_priority:${config['replica-priority']}`,
      `slave_read_only:${config['replica-read-only'] ? 1 : 0}`,
      `replica_announced:${config['replica-announced'] ? 1 : 0}`,
    );
  }
  const backlog = info.repl_backlog;
  lines.push('connected_slaves:0');
  if (profile.has('info-replicas-repl-buffer')) lines.push('replicas_waiting_psync:0');
  lines.push(
    'master_failover_state:no-failover',
    `master_replid:${info.replid}`,
    `master_replid2:${info.replid2}`,
    `master_repl_offset:${info.master_repl_offset}`,
    `second_repl_offset:${info.second_replid_offset}`,
    `repl_backlog_active:${backlog ? 1 : 0}`,
    `repl_backlog_size:${replBacklogSize(config, profile.defaults['repl-backlog-size'])}`,
    `repl_backlog_first_byte_offset:${backlog ? backlog.offset : 0}`,
    `repl_backlog_histlen:${backlog ? backlog.histlen : 0}`,
  );
  return lines.join('\r\n') + '\r\n';
}

// printf("%.2f") keeps the sign of -0.0: a replica before the `$` header shows "-0.00".
function formatPercent(perc: number): string {
  const text = perc.toFixed(2);
  return Object.is(perc, -0) || (perc < 0 && text === '0.00') ? `-${text}` : text;
}

/** ROLE on a replica: ["slave", host, port, state, offset]; on a master: ["master", offset, []]. */
export function roleReply(info: Readonly<ReplicaInfo>): ReplyValue {
  if (info.masterhost === null) {
    return reply.array([reply.bulk('master'), reply.integer(info.master_repl_offset), reply.array([])]);
  }
  return reply.array([
    reply.bulk('slave'),
    reply.bulk(info.masterhost),
    reply.integer(info.masterport),
    reply.bulk(roleStateWord(info.repl_state)),
    // Without a live master client the offset is -1, even when one is cached.
    reply.integer(info.master ? info.master.reploff : -1),
  ]);
}
