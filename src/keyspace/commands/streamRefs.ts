// Redis 8.2's reference-aware deletion (XDELEX, XACKDEL, XADD/XTRIM with
// KEEPREF|DELREF|ACKED): an entry is referenced while a consumer group has not
// read it yet (its ID is above the smallest last-delivered ID) or holds it in
// its PEL. KEEPREF deletes and leaves PEL entries behind, DELREF deletes and
// drops them from every group, ACKED deletes only entries nothing references.
import type { StreamGroup, StreamId, StreamValue } from '../values';
import { compareIds, formatId } from './streamId';

export type DeleteStrategy = 'keepref' | 'delref' | 'acked';

/** Reads KEEPREF / DELREF / ACKED (any case), or null. */
export function parseDeleteStrategy(arg: string): DeleteStrategy | null {
  const lower = arg.toLowerCase();
  return lower === 'keepref' || lower === 'delref' || lower === 'acked' ? lower : null;
}

/**
 * streamEntryIsReferenced. Redis caches the smallest last-delivered ID across
 * groups; here a caller running over many entries keeps one from
 * referenceCheck() for the whole command (no group changes its last ID meanwhile).
 */
export function referenceCheck(s: StreamValue): (id: StreamId) => boolean {
  if (s.groups.size === 0) return () => false;
  let minLast: StreamId | null = null;
  for (const g of s.groups.values()) if (minLast === null || compareIds(g.lastId, minLast) < 0) minLast = g.lastId;
  const groups: StreamGroup[] = [...s.groups.values()];
  return (id) => {
    if (compareIds(minLast!, id) < 0) return true;
    const key = formatId(id);
    for (const g of groups) if (g.pending.has(key)) return true;
    return false;
  };
}

/** streamCleanupEntryCGroupRefs: the entry leaves every group's PEL (and its owner's, and the NACK zone). */
export function dropReferences(s: StreamValue, id: StreamId): void {
  const key = formatId(id);
  for (const g of s.groups.values()) {
    const nack = g.pending.get(key);
    if (nack === undefined) continue;
    g.pending.delete(key);
    if (nack.consumer !== null) g.consumers.get(nack.consumer)?.pending.delete(key);
    else g.nacked.delete(key);
  }
}
