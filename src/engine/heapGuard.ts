// The heap guard at work: a replica that keeps every value and finds the heap
// past the guard's share lets go of them and keeps none from then on, whether
// it was loading or applying the stream, and whether full was chosen by auto
// or configured. Replication goes on as it was: the master never sees a new
// full sync for it (a retry would make it fork and send its whole dataset
// again, only to fail the same way), and the process never runs out of memory.
import type { Keyspace } from '../keyspace/keyspace';
import type { ReplicaCore } from './core';
import { describeHeap, GUARD_SHARE, heapGuardTripped } from './footprint';

/** Checks the guard for a keyspace that keeps values; true when it switched it to none. */
export function guardHeap(core: ReplicaCore, ks: Keyspace, when: string): boolean {
  if (!ks.keepsValues || !heapGuardTripped(core.memory)) return false;
  const heap = describeHeap(core.memory!);
  const configured = core.config.dataset === 'full' ? 'dataset full is configured but cannot be kept: ' : '';
  ks.flushAll();
  ks.functions.clear();
  ks.footprint = 'none';
  ks.footprintReason = `${configured}switched from full ${when}: ${heap} was in use, past the guard's ${Math.round(GUARD_SHARE * 100)}% (before: ${ks.footprintReason})`;
  core.log('warning', `Dataset footprint none: ${ks.footprintReason}; the keys held so far are dropped, replication goes on`);
  return true;
}
