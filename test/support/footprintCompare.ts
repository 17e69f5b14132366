// Two replicas of one master that differ only in their dataset footprint
// (issue 11): what they must agree on (INFO replication, transitions, log
// lines) and how each is asked what it keeps.
import type { RedisClient } from '../../src/net/redisClient';
import type { ReplicaUnderTest } from './replicaUnderTest';

/**
 * INFO replication fields that two replicas of one master must agree on, whatever they keep. Not
 * repl_backlog_first_byte_offset and repl_backlog_histlen: the backlog is trimmed in whole blocks whose
 * sizes follow the reads that fed them, so two replicas of one stream differ there whenever their
 * sockets delivered it in different pieces (seen with Valkey 8's local buffer), whatever they keep.
 */
export const SHARED_FIELDS = [
  'role', 'master_host', 'master_port', 'master_link_status', 'master_sync_in_progress', 'slave_read_repl_offset', 'slave_repl_offset',
  'master_replid', 'master_replid2', 'master_repl_offset', 'second_repl_offset', 'repl_backlog_active', 'repl_backlog_size',
];

/** The error a command gets (a rejected send counts), or a text saying it got none. */
export async function replyError(c: RedisClient, ...args: string[]): Promise<string> {
  try {
    const r = await c.send(...args);
    return r instanceof Error ? r.message : `no error: ${JSON.stringify(r)}`;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

export const offsetOf = async (c: RedisClient, field: string): Promise<number> => Number((await c.info('replication')).get(field));

/** Log lines as a sequence to compare between replicas: numbers that vary between two syncs masked (and the RDB's age, which two syncs may read apart). */
export function logShape(r: ReplicaUnderTest): string[] {
  return r.logs
    .map((l) => l.message)
    .filter((m) => !m.startsWith('RDB age'))
    .map((m) => m.replace(/\d+/g, '#'));
}

/** Transitions as "machine from->to cause", in order. */
export function transitionShape(r: ReplicaUnderTest): string[] {
  return r.transitions.map((t) => `${t.machine} ${t.from}->${t.to} ${t.cause}`);
}
