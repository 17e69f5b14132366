// The entries of one stream listpack node (spec §7.12): a master entry
// (count, deleted, field names, 0), then per entry flags, ID deltas from the
// node's master ID, fields (or values only, when flagged SAMEFIELDS) and a
// back-count. Deleted entries are tombstones: XRANGE never returns them.
import type { Bytes } from './bytes';
import type { DecodedStreamEntry, StreamIdValue } from './decodedValue';
import type { ListpackCursor } from './listpack';
import { fail } from './reader';

const FLAG_DELETED = 1;
const FLAG_SAMEFIELDS = 2;

/** Appends the node's live entries to `out`; returns how many entries the node holds, tombstones included. */
export function decodeStreamNode(master: StreamIdValue, lp: ListpackCursor, out: DecodedStreamEntry[]): number {
  const next = (what: string): void => {
    if (!lp.next()) lp.corrupt(`ends before ${what}`);
  };
  if (!lp.next()) fail('Empty listpack inside stream');
  const live = lp.int();
  next('the deleted count');
  const deleted = lp.int();
  next('the master field count');
  const masterCount = lp.int();
  if (masterCount < 0) lp.corrupt(`master field count ${masterCount}`);
  const masterFields: Bytes[] = [];
  for (let i = 0; i < masterCount; i++) {
    next('a master field');
    masterFields.push(lp.bytes());
  }
  next('the master entry terminator');
  if (lp.int() !== 0) lp.corrupt('master entry not terminated by 0');

  let seen = 0;
  while (lp.next()) {
    const flags = lp.int();
    next('an entry ID');
    const ms = master.ms + lp.bigint();
    next('an entry ID');
    const seq = master.seq + lp.bigint();
    // Counts come from the data: arrays grow as entries are found, never sized by a count.
    const fields: Bytes[] = [];
    if (flags & FLAG_SAMEFIELDS) {
      for (let i = 0; i < masterCount; i++) {
        next('a value');
        fields.push(masterFields[i], lp.bytes());
      }
    } else {
      next('the field count');
      const n = lp.int();
      if (n < 0) lp.corrupt(`field count ${n}`);
      for (let i = 0; i < 2 * n; i++) {
        next('a field or value');
        fields.push(lp.bytes());
      }
    }
    next('the entry back-count');
    lp.int();
    seen++;
    if ((flags & FLAG_DELETED) === 0) out.push({ id: { ms: BigInt.asUintN(64, ms), seq: BigInt.asUintN(64, seq) }, fields });
  }
  if (seen !== live + deleted) lp.corrupt(`master entry counts ${live}+${deleted} entries, found ${seen}`);
  return seen;
}
