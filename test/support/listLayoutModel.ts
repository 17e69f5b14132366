// The list model the engine used before the quicklist (src/keyspace/quicklist.ts):
// the items as a plain array, and beside it the node layout quicklist.c would
// build (count, listpack bytes and PLAIN flag per node), as t_list.c converts
// between listpack and quicklist. Its encodings were pinned against live
// servers (test/integration/versionEncodings.test.ts); it is kept here as the
// oracle the quicklist's content and node layout are checked against.
import type { KeyspaceDialect } from '../../src/versions/profile';
import { LISTPACK_EMPTY_BYTES, listpackEntrySize } from '../../src/keyspace/listpackSize';
// The node fill rules are quicklist.c's, shared with the structure: what this oracle checks is
// where the structure puts elements, splits and merges under them.
import { allowInsert, allowMerge, exceedsLimit, isLarge, nodeLimit } from '../../src/keyspace/quicklist';
import type { Bytes } from '../../src/keyspace/values';

export interface ListValue {
  items: Bytes[];
}
export type Where = 'left' | 'right';

interface QlNode {
  count: number;
  /** lpBytes of a packed node; the element's length for a PLAIN node. */
  sz: number;
  plain: boolean;
}

/** lp >= 0: a listpack of that many bytes; lp === -1: a quicklist of `nodes`. */
interface Layout {
  lp: number;
  nodes: QlNode[];
}

const layouts = new WeakMap<ListValue, Layout>();

const tracked = (d: KeyspaceDialect): boolean => d.has('listpack-lists');

const packed = (items: readonly Bytes[], from: number, to: number): QlNode => {
  let sz = LISTPACK_EMPTY_BYTES;
  for (let i = from; i < to; i++) sz += listpackEntrySize(items[i]!);
  return { count: to - from, sz, plain: false };
};

/** A quicklist filled by tail pushes, then LIST_CONV_AUTO (SORT … STORE builds its result so). */
function tailPushLayout(d: KeyspaceDialect, items: readonly Bytes[]): Layout {
  const layout: Layout = { lp: -1, nodes: [] };
  for (const v of items) qlPush(d, layout.nodes, v, 'right');
  autoConvert(layout);
  return layout;
}

/**
 * The layout of a list that arrived whole (an RDB load, RESTORE): the master
 * saved its nodes, which the decoder does not pass on. A list that fits one
 * listpack was one (the master saves a listpack list as one node, and the load
 * keeps it a listpack); a bigger one is taken as filled by tail pushes.
 */
function loadedLayout(d: KeyspaceDialect, items: readonly Bytes[]): Layout {
  let total = LISTPACK_EMPTY_BYTES;
  for (const v of items) total += listpackEntrySize(v);
  const whole: Layout = { lp: -1, nodes: [{ count: items.length, sz: total, plain: false }] };
  autoConvert(whole);
  return whole.lp >= 0 ? whole : tailPushLayout(d, items);
}

function layoutOf(d: KeyspaceDialect, l: ListValue): Layout {
  let layout = layouts.get(l);
  if (!layout) {
    layout = loadedLayout(d, l.items);
    layouts.set(l, layout);
  }
  return layout;
}

// ---- conversions (t_list.c) ------------------------------------------------

/** listTypeTryConvertListpack before adding `values`: only their sizes count (argv lengths). */
function growCheck(layout: Layout, values: readonly Bytes[], count: number): void {
  if (layout.lp < 0) return;
  let add = 0;
  for (const v of values) add += v.length;
  if (exceedsLimit(layout.lp + add, count + values.length)) {
    layout.nodes = count > 0 ? [{ count, sz: layout.lp, plain: false }] : [];
    layout.lp = -1;
  }
}

/** listTypeTryConvertQuicklist. */
function toListpackIfSmall(layout: Layout, shrinking: boolean): void {
  if (layout.lp >= 0 || layout.nodes.length !== 1) return;
  const node = layout.nodes[0]!;
  if (node.plain) return;
  let [szLimit, countLimit] = nodeLimit();
  if (shrinking) {
    szLimit /= 2;
    countLimit /= 2;
  }
  if (node.sz > szLimit || node.count > countLimit) return;
  layout.lp = node.sz;
  layout.nodes = [];
}

function autoConvert(layout: Layout): void {
  toListpackIfSmall(layout, false);
}

// ---- quicklist node operations (quicklist.c) ---------------------------------

function qlPush(d: KeyspaceDialect, nodes: QlNode[], v: Bytes, where: Where): void {
  const sz = v.length;
  if (isLarge(d, sz)) {
    const plainNode: QlNode = { count: 1, sz, plain: true };
    if (where === 'left') nodes.unshift(plainNode);
    else nodes.push(plainNode);
    return;
  }
  const end = where === 'left' ? nodes[0] : nodes[nodes.length - 1];
  if (end && allowInsert(d, end, sz)) {
    end.count++;
    end.sz += listpackEntrySize(v);
    return;
  }
  const node: QlNode = { count: 1, sz: LISTPACK_EMPTY_BYTES + listpackEntrySize(v), plain: false };
  if (where === 'left') nodes.unshift(node);
  else nodes.push(node);
}

/** The node holding item `index` and the item's offset in it. */
function locate(nodes: QlNode[], index: number): { ni: number; off: number; first: number } {
  let first = 0;
  for (let ni = 0; ni < nodes.length; ni++) {
    const c = nodes[ni]!.count;
    if (index < first + c) return { ni, off: index - first, first };
    first += c;
  }
  throw new RangeError(`list index ${index} is past the quicklist`);
}

/** Deletes items [from, to) (quicklistDelRange, quicklistDelIndex): emptied nodes go away. */
function qlDelete(nodes: QlNode[], items: readonly Bytes[], from: number, to: number): void {
  if (from >= to) return;
  let { ni, first } = locate(nodes, from);
  let i = from;
  while (i < to && ni < nodes.length) {
    const node = nodes[ni]!;
    const nodeEnd = first + node.count;
    const stop = Math.min(to, nodeEnd);
    if (node.plain || (i === first && stop === nodeEnd)) {
      nodes.splice(ni, 1);
    } else {
      for (let k = i; k < stop; k++) node.sz -= listpackEntrySize(items[k]!);
      node.count -= stop - i;
      ni++;
    }
    first = nodeEnd;
    i = stop;
  }
}

/** _quicklistSplitNode: node `ni` keeps [0, off] (after) or [off, end] (before); the rest becomes a new node. */
function split(nodes: QlNode[], items: readonly Bytes[], ni: number, first: number, off: number, after: boolean): QlNode {
  const node = nodes[ni]!;
  const cut = after ? first + off + 1 : first + off;
  const left = packed(items, first, cut);
  const right = packed(items, cut, first + node.count);
  const [keep, fresh] = after ? [left, right] : [right, left];
  node.count = keep.count;
  node.sz = keep.sz;
  return fresh;
}

/** _quicklistMergeNodes around `center`. */
function mergeAround(nodes: QlNode[], center: QlNode): void {
  const merge = (a: QlNode, b: QlNode): QlNode => {
    a.sz = a.sz + b.sz - LISTPACK_EMPTY_BYTES;
    a.count += b.count;
    nodes.splice(nodes.indexOf(b), 1);
    return a;
  };
  let c = nodes.indexOf(center);
  const prev = nodes[c - 1], prevPrev = nodes[c - 2];
  if (allowMerge(prev, prevPrev)) merge(prevPrev!, prev!);
  c = nodes.indexOf(center);
  const next = nodes[c + 1], nextNext = nodes[c + 2];
  if (allowMerge(next, nextNext)) merge(next!, nextNext!);
  c = nodes.indexOf(center);
  let target = center;
  if (allowMerge(center, nodes[c - 1])) target = merge(nodes[c - 1]!, center);
  const t = nodes.indexOf(target);
  if (allowMerge(target, nodes[t + 1])) merge(target, nodes[t + 1]!);
}

/**
 * _quicklistInsert of `v` before/after item `index`; `items` is the content
 * before the insert.
 */
function qlInsert(d: KeyspaceDialect, nodes: QlNode[], items: readonly Bytes[], index: number, v: Bytes, after: boolean): void {
  const { ni, off, first } = locate(nodes, index);
  const node = nodes[ni]!;
  const sz = v.length;
  const es = listpackEntrySize(v);
  const full = !allowInsert(d, node, sz);
  const atTail = after && off === node.count - 1;
  const atHead = !after && off === 0;
  const availNext = atTail && allowInsert(d, nodes[ni + 1], sz);
  const availPrev = atHead && allowInsert(d, nodes[ni - 1], sz);
  const place = (n: QlNode, beside: QlNode, isAfter: boolean): void => {
    nodes.splice(nodes.indexOf(beside) + (isAfter ? 1 : 0), 0, n);
  };
  if (isLarge(d, sz)) {
    const plainNode: QlNode = { count: 1, sz, plain: true };
    if (node.plain || atTail || atHead) place(plainNode, node, after);
    else {
      const fresh = split(nodes, items, ni, first, off, after);
      place(plainNode, node, after);
      place(fresh, plainNode, after);
    }
    return;
  }
  if (!full) {
    node.count++;
    node.sz += es;
  } else if (atTail && availNext) {
    nodes[ni + 1]!.count++;
    nodes[ni + 1]!.sz += es;
  } else if (atHead && availPrev) {
    nodes[ni - 1]!.count++;
    nodes[ni - 1]!.sz += es;
  } else if (atTail || atHead) {
    place({ count: 1, sz: LISTPACK_EMPTY_BYTES + es, plain: false }, node, after);
  } else {
    const fresh = split(nodes, items, ni, first, off, after);
    fresh.count++;
    fresh.sz += es;
    place(fresh, node, after);
    mergeAround(nodes, node);
  }
}

/** quicklistReplaceEntry of item `index` (old value `old`) by `v`. */
function qlReplace(d: KeyspaceDialect, nodes: QlNode[], items: readonly Bytes[], index: number, v: Bytes): void {
  const { ni, off, first } = locate(nodes, index);
  const node = nodes[ni]!;
  const sz = v.length;
  if (!node.plain && !isLarge(d, sz)) {
    node.sz += listpackEntrySize(v) - listpackEntrySize(items[index]!);
    return;
  }
  if (node.plain) {
    if (isLarge(d, sz)) {
      node.sz = sz;
      return;
    }
    // The new value goes after the PLAIN node, which is then dropped.
    qlInsert(d, nodes, items, index, v, true);
    nodes.splice(nodes.indexOf(node), 1);
    return;
  }
  // A large value replacing an element of a packed node: it gets a PLAIN node after it.
  const fresh = off !== node.count - 1 ? split(nodes, items, ni, first, off, true) : null;
  const plainNode: QlNode = { count: 1, sz, plain: true };
  nodes.splice(nodes.indexOf(node) + 1, 0, plainNode);
  if (fresh) nodes.splice(nodes.indexOf(plainNode) + 1, 0, fresh);
  if (node.count === 1) nodes.splice(nodes.indexOf(node), 1);
  else {
    node.count--;
    node.sz -= listpackEntrySize(items[index]!);
    mergeAround(nodes, plainNode);
  }
}

// ---- the list writes ----------------------------------------------------------

/** createListListpackObject: the empty list a push creates. */
export function newList(d: KeyspaceDialect): ListValue {
  const l: ListValue = { items: [] };
  if (tracked(d)) layouts.set(l, { lp: LISTPACK_EMPTY_BYTES, nodes: [] });
  return l;
}

/** LPUSH/RPUSH/LPUSHX/RPUSHX (and a push of LMOVE): each value to one end in turn. */
export function listPush(d: KeyspaceDialect, l: ListValue, values: readonly Bytes[], where: Where): void {
  if (tracked(d)) {
    const layout = layoutOf(d, l);
    growCheck(layout, values, l.items.length);
    for (const v of values) {
      if (layout.lp >= 0) layout.lp += listpackEntrySize(v);
      else qlPush(d, layout.nodes, v, where);
    }
  }
  if (where === 'right') for (const v of values) l.items.push(v);
  else if (values.length === 1) l.items.unshift(values[0]!);
  else {
    const front: Bytes[] = [];
    for (let j = values.length - 1; j >= 0; j--) front.push(values[j]!);
    l.items = front.concat(l.items);
  }
}

/** Deletes items [from, to) without the shrink check (LTRIM does two, then checks). */
function deleteRange(d: KeyspaceDialect, l: ListValue, from: number, to: number): void {
  if (from >= to) return;
  if (tracked(d)) {
    const layout = layoutOf(d, l);
    if (layout.lp >= 0) for (let i = from; i < to; i++) layout.lp -= listpackEntrySize(l.items[i]!);
    else qlDelete(layout.nodes, l.items, from, to);
  }
  l.items.splice(from, to - from);
}

/** After a removal that left the list non-empty (listElementsRemoved, LTRIM, LREM, LSET). */
function shrunk(d: KeyspaceDialect, l: ListValue): void {
  if (tracked(d) && l.items.length > 0) toListpackIfSmall(layoutOf(d, l), true);
}

/**
 * LPOP/RPOP (with a count), the pop of BLPOP/LMPOP: the popped items, in pop
 * order. LMOVE passes shrink=false and calls listPopped after its push, as
 * lmoveGenericCommand checks the source only then.
 */
export function listPop(d: KeyspaceDialect, l: ListValue, where: Where, count: number, shrink = true): Bytes[] {
  const n = Math.min(count, l.items.length);
  const out = where === 'left' ? l.items.slice(0, n) : l.items.slice(l.items.length - n).reverse();
  if (where === 'left') deleteRange(d, l, 0, n);
  else deleteRange(d, l, l.items.length - n, l.items.length);
  if (shrink) shrunk(d, l);
  return out;
}

/** listElementsRemoved's conversion check, for a pop done with shrink=false. */
export function listPopped(d: KeyspaceDialect, l: ListValue): void {
  shrunk(d, l);
}

/** LTRIM: drop `ltrim` items from the head and `rtrim` from the tail. */
export function listTrim(d: KeyspaceDialect, l: ListValue, ltrim: number, rtrim: number): void {
  deleteRange(d, l, 0, ltrim);
  deleteRange(d, l, l.items.length - rtrim, l.items.length);
  shrunk(d, l);
}

/** LREM: removes the items at `indexes` (ascending); the shrink check follows if any went. */
export function listRemoveAt(d: KeyspaceDialect, l: ListValue, indexes: readonly number[]): void {
  if (indexes.length === 0) return;
  if (tracked(d)) {
    const layout = layoutOf(d, l);
    // From the end, so the earlier indexes still name the same items.
    for (let k = indexes.length - 1; k >= 0; k--) {
      const i = indexes[k]!;
      if (layout.lp >= 0) layout.lp -= listpackEntrySize(l.items[i]!);
      else qlDelete(layout.nodes, l.items, i, i + 1);
    }
  }
  // One compaction pass over the items.
  const items = l.items;
  let w = indexes[0]!;
  for (let r = w, k = 0; r < items.length; r++) {
    if (k < indexes.length && r === indexes[k]) k++;
    else items[w++] = items[r]!;
  }
  items.length = w;
  shrunk(d, l);
}

/** The conversion LINSERT and LSET do before looking at their target (even when it is missing). */
export function listBeforeAdd(d: KeyspaceDialect, l: ListValue, value: Bytes): void {
  if (tracked(d)) growCheck(layoutOf(d, l), [value], l.items.length);
}

/** LINSERT once the pivot is found (listBeforeAdd already done). */
export function listInsert(d: KeyspaceDialect, l: ListValue, pivot: number, after: boolean, v: Bytes): void {
  if (tracked(d)) {
    const layout = layoutOf(d, l);
    if (layout.lp >= 0) layout.lp += listpackEntrySize(v);
    else qlInsert(d, layout.nodes, l.items, pivot, v, after);
  }
  l.items.splice(after ? pivot + 1 : pivot, 0, v);
}

/** LSET of a valid index (listBeforeAdd already done), then the shrink check. */
export function listReplace(d: KeyspaceDialect, l: ListValue, index: number, v: Bytes): void {
  if (tracked(d)) {
    const layout = layoutOf(d, l);
    if (layout.lp >= 0) layout.lp += listpackEntrySize(v) - listpackEntrySize(l.items[index]!);
    else qlReplace(d, layout.nodes, l.items, index, v);
  }
  l.items[index] = v;
  shrunk(d, l);
}

/** SORT … STORE: a quicklist filled by tail pushes, then LIST_CONV_AUTO. */
export function buildListByTailPush(d: KeyspaceDialect, items: Bytes[]): ListValue {
  const l: ListValue = { items };
  if (tracked(d)) layouts.set(l, tailPushLayout(d, items));
  return l;
}

/** COPY duplicates the list with its layout (listTypeDup). */
export function copyListLayout(from: ListValue, to: ListValue): void {
  const layout = layouts.get(from);
  if (layout) layouts.set(to, { lp: layout.lp, nodes: layout.nodes.map((n) => ({ ...n })) });
}

/** The modelled node layout: null for a listpack list, else [count, sz, plain] per node. */
export function modelNodes(d: KeyspaceDialect, l: ListValue): { count: number; sz: number; plain: boolean }[] | null {
  const layout = layoutOf(d, l);
  return layout.lp >= 0 ? null : layout.nodes.map((n) => ({ ...n }));
}

/** The modelled listpack bytes of a listpack list. */
export function modelListpackBytes(d: KeyspaceDialect, l: ListValue): number {
  return layoutOf(d, l).lp;
}

export function listEncoding(d: KeyspaceDialect, l: ListValue): 'listpack' | 'quicklist' {
  if (!tracked(d)) return 'quicklist';
  return layoutOf(d, l).lp >= 0 ? 'listpack' : 'quicklist';
}
