// The list writes at t_list.c's level, over the quicklist (quicklist.ts), and
// OBJECT ENCODING of lists from Redis 7.2 (feature `listpack-lists`): a small
// list is one listpack; past list-max-listpack-size it becomes a quicklist
// (t_list.c listTypeTryConvertListpack), and it turns back into a listpack only
// when the quicklist is down to a single packed node under half the limit
// after a removal (listTypeTryConvertQuicklist, LIST_CONV_SHRINKING), or under
// the limit when a list is built whole (LIST_CONV_AUTO: SORT … STORE, a load).
// Whether a quicklist has one node depends on how its nodes were filled and
// split, which the quicklist does as quicklist.c does. Redis 7.4 (feature
// `list-large-plain-nodes`) puts an element larger than a node's limit in a
// PLAIN node of its own; 7.2 only does that at 1 GB. A 7.0 list is always a
// quicklist.
import type { KeyspaceDialect } from '../versions/profile';
import { LISTPACK_EMPTY_BYTES } from './listpackSize';
import {
  exceedsLimit, ListValue, nodeLimit, qlDeleteRange, qlDup, qlInsert, qlJoinAll, qlPop, qlPush, qlRemoveEqual, qlReplace,
  TailBuilder, type Where,
} from './quicklist';
import type { Bytes } from './values';

export { ListValue, type Where };

const tracked = (d: KeyspaceDialect): boolean => d.has('listpack-lists');

const lpBytes = (l: ListValue): number => (l.head ? l.head.sz : LISTPACK_EMPTY_BYTES);

/** listTypeTryConvertListpack before adding `values`: only their sizes count (argv lengths). */
function growCheck(l: ListValue, values: readonly Bytes[]): void {
  if (!l.listpack) return;
  let add = 0;
  for (const v of values) add += v.length;
  if (exceedsLimit(lpBytes(l) + add, l.length + values.length)) l.listpack = false;
}

/** listTypeTryConvertQuicklist. */
function toListpackIfSmall(l: ListValue, shrinking: boolean): void {
  const node = l.head;
  if (l.listpack || !node || node !== l.tail || node.plain) return;
  let [szLimit, countLimit] = nodeLimit();
  if (shrinking) {
    szLimit /= 2;
    countLimit /= 2;
  }
  if (node.sz > szLimit || node.count > countLimit) return;
  l.listpack = true;
}

/** createListListpackObject: the empty list a push creates. */
export function newList(d: KeyspaceDialect): ListValue {
  return new ListValue(tracked(d));
}

/** LPUSH/RPUSH/LPUSHX/RPUSHX (and a push of LMOVE): each value to one end in turn. */
export function listPush(d: KeyspaceDialect, l: ListValue, values: readonly Bytes[], where: Where): void {
  if (tracked(d)) growCheck(l, values);
  for (const v of values) qlPush(d, l, v, where);
}

/** After a removal that left the list non-empty (listElementsRemoved, LTRIM, LREM, LSET). */
function shrunk(d: KeyspaceDialect, l: ListValue): void {
  if (tracked(d) && l.length > 0) toListpackIfSmall(l, true);
}

/**
 * LPOP/RPOP (with a count), the pop of BLPOP/LMPOP: the popped items, in pop
 * order. LMOVE passes shrink=false and calls listPopped after its push, as
 * lmoveGenericCommand checks the source only then.
 */
export function listPop(d: KeyspaceDialect, l: ListValue, where: Where, count: number, shrink = true): Bytes[] {
  const n = Math.min(count, l.length);
  const out: Bytes[] = [];
  for (let i = 0; i < n; i++) out.push(qlPop(l, where));
  if (shrink) shrunk(d, l);
  return out;
}

/** listElementsRemoved's conversion check, for a pop done with shrink=false. */
export function listPopped(d: KeyspaceDialect, l: ListValue): void {
  shrunk(d, l);
}

/** LTRIM: drop `ltrim` items from the head and `rtrim` from the tail. */
export function listTrim(d: KeyspaceDialect, l: ListValue, ltrim: number, rtrim: number): void {
  qlDeleteRange(l, 0, ltrim);
  qlDeleteRange(l, l.length - rtrim, l.length);
  shrunk(d, l);
}

/**
 * LREM: removes up to `limit` items equal to `v`, from the head (or the
 * tail); the shrink check follows if any went. Returns how many went.
 */
export function listRemoveEqual(d: KeyspaceDialect, l: ListValue, v: Bytes, limit: number, fromTail: boolean): number {
  const removed = qlRemoveEqual(l, v, limit, fromTail);
  if (removed > 0) shrunk(d, l);
  return removed;
}

/** The conversion LINSERT and LSET do before looking at their target (even when it is missing). */
export function listBeforeAdd(d: KeyspaceDialect, l: ListValue, value: Bytes): void {
  if (tracked(d)) growCheck(l, [value]);
}

/** LINSERT once the pivot is found (listBeforeAdd already done). */
export function listInsert(d: KeyspaceDialect, l: ListValue, pivot: number, after: boolean, v: Bytes): void {
  qlInsert(d, l, pivot, v, after);
}

/** LSET of a valid index (listBeforeAdd already done), then the shrink check. */
export function listReplace(d: KeyspaceDialect, l: ListValue, index: number, v: Bytes): void {
  qlReplace(d, l, index, v);
  shrunk(d, l);
}

/** SORT … STORE: a quicklist filled by tail pushes, then LIST_CONV_AUTO. */
export function buildListByTailPush(d: KeyspaceDialect, items: Iterable<Bytes>): ListValue {
  const b = new TailBuilder(d);
  for (const v of items) b.push(v);
  const l = b.finish();
  if (tracked(d)) toListpackIfSmall(l, false);
  return l;
}

/**
 * A list that arrived whole (an RDB load, RESTORE): the master saved its
 * nodes, which the decoder does not pass on. A list that fits one listpack was
 * one (the master saves a listpack list as one node, and the load keeps it a
 * listpack); a bigger one is taken as filled by tail pushes.
 */
export function buildLoadedList(d: KeyspaceDialect, items: Iterable<Bytes>): ListValue {
  const b = new TailBuilder(d);
  for (const v of items) b.push(v);
  const l = b.finish();
  if (!tracked(d)) return l;
  const [szLimit, countLimit] = nodeLimit();
  if (LISTPACK_EMPTY_BYTES + b.entryBytes <= szLimit && l.length <= countLimit) {
    qlJoinAll(l);
    l.listpack = true;
  }
  return l;
}

/** COPY: the list with its elements and layout (listTypeDup). */
export const listDup = (l: ListValue): ListValue => qlDup(l);

export function listEncoding(d: KeyspaceDialect, l: ListValue): 'listpack' | 'quicklist' {
  return tracked(d) && l.listpack ? 'listpack' : 'quicklist';
}
