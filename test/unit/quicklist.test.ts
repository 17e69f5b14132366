// The quicklist (src/keyspace/quicklist.ts) under thousands of random list
// writes, checked after every one against the model the engine used before it
// (test/support/listLayoutModel.ts: a plain array plus quicklist.c's node
// layout, whose encodings were pinned on live servers): same elements, same
// length, same nodes (count, listpack bytes, PLAIN) and the structure's own
// invariants (links, per-node counts and sizes from the packed bytes).
import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { encodingConfig } from '../../src/keyspace/encodingConfig';
import {
  buildListByTailPush, buildLoadedList, listBeforeAdd, listDup, listEncoding, listInsert, listPop, listPopped, listPush,
  listRemoveEqual, listReplace, listTrim, newList, type ListValue,
} from '../../src/keyspace/listEncoding';
import { LISTPACK_EMPTY_BYTES, listpackEntrySize, listpackIntEntrySize } from '../../src/keyspace/listpackSize';
import { elementAt, entrySpan, nextEntry, packEntry, prevEntry } from '../../src/keyspace/packedEntries';
import type { QlNode } from '../../src/keyspace/quicklist';
import { listFind, listIndex, listIndexOf, listWalk } from '../../src/keyspace/quicklistReads';
import { profileById } from '../../src/versions/profiles';
import type { KeyspaceDialect } from '../../src/versions/profile';
import * as model from '../support/listLayoutModel';
import { seeded as rng } from '../support/datasets';


const dialect = (id: string): KeyspaceDialect => profileById(id)!;
const SEED = Number(process.env.QUICKLIST_SEED ?? 1000);

/** The structure's own invariants, and its content and layout against the model's. */
function check(d: KeyspaceDialect, l: ListValue, m: model.ListValue, what: string): void {
  let count = 0;
  let prev: QlNode | null = null;
  const nodes: { count: number; sz: number; plain: boolean }[] = [];
  const items: string[] = [];
  for (let n = l.head; n; n = n.next) {
    assert.equal(n.prev, prev, `${what}: back link`);
    assert.ok(n.count > 0, `${what}: an empty node`);
    let entries = 0, sz = LISTPACK_EMPTY_BYTES;
    for (let p = 0; p < n.data.length; p = nextEntry(n.data, p)) {
      const v = elementAt(n.data, p);
      items.push(v);
      sz += listpackEntrySize(v);
      entries++;
    }
    assert.equal(entries, n.count, `${what}: node count`);
    if (n.plain) assert.ok(n.count === 1 && n.sz === items[items.length - 1]!.length, `${what}: PLAIN node`);
    else assert.equal(n.sz, sz, `${what}: node listpack bytes`);
    nodes.push({ count: n.count, sz: n.sz, plain: n.plain });
    count += n.count;
    prev = n;
  }
  assert.equal(l.tail, prev, `${what}: tail`);
  assert.equal(count, l.length, `${what}: length`);
  assert.deepEqual(items, m.items, `${what}: content`);
  if (l.listpack) assert.ok(nodes.length <= 1 && !nodes.some((n) => n.plain), `${what}: a listpack list is one packed node`);
  if (!d.has('listpack-lists')) return;
  const modelled = model.modelNodes(d, m);
  if (modelled === null) {
    assert.ok(l.listpack, `${what}: listpack expected`);
    assert.equal(l.head ? l.head.sz : LISTPACK_EMPTY_BYTES, model.modelListpackBytes(d, m), `${what}: listpack bytes`);
  } else {
    assert.ok(!l.listpack, `${what}: quicklist expected`);
    assert.deepEqual(nodes, modelled, `${what}: node layout`);
  }
  assert.equal(listEncoding(d, l), model.listEncoding(d, m), `${what}: encoding`);
}

/** Reads at random places against the model's array. */
function checkReads(l: ListValue, m: model.ListValue, r: () => number, what: string): void {
  const n = m.items.length;
  if (n === 0) return;
  for (let j = 0; j < 3; j++) {
    const i = Math.floor(r() * n);
    assert.equal(listIndex(l, i), m.items[i], `${what}: LINDEX ${i}`);
    const want = 1 + Math.floor(r() * 12);
    const fromTail = r() < 0.5;
    const got: string[] = [];
    const at: number[] = [];
    listWalk(l, i, fromTail, (v, k) => {
      got.push(v);
      at.push(k);
      return got.length < want;
    });
    const expect = fromTail ? m.items.slice(Math.max(0, i - want + 1), i + 1).reverse() : m.items.slice(i, i + want);
    assert.deepEqual(got, expect, `${what}: walk from ${i}${fromTail ? ' backwards' : ''}`);
    assert.deepEqual(at, expect.map((_, k) => (fromTail ? i - k : i + k)), `${what}: walk indexes`);
  }
  const probe = m.items[Math.floor(r() * n)]!;
  assert.equal(listIndexOf(l, probe), m.items.indexOf(probe), `${what}: indexOf`);
  const fromTail = r() < 0.5, maxlen = r() < 0.5 ? 0 : Math.floor(r() * n), stopAfter = 1 + Math.floor(r() * 4);
  const hits: number[] = [];
  listFind(l, probe, fromTail, maxlen, (i) => hits.push(i) < stopAfter);
  const expected: number[] = [];
  for (let k = 0; k < n && (maxlen === 0 || k < maxlen) && expected.length < stopAfter; k++) {
    const i = fromTail ? n - 1 - k : k;
    if (m.items[i] === probe) expected.push(i);
  }
  assert.deepEqual(hits, expected, `${what}: find ${fromTail ? 'from the tail' : ''} maxlen ${maxlen}`);
}

function value(r: () => number): string {
  const k = r();
  if (k < 0.3) return String(Math.floor(r() * 2000) - 500);
  if (k < 0.35) return String(Math.floor(r() * 1e12));
  if (k < 0.8) return 'v'.repeat(Math.floor(r() * 4)) + String.fromCharCode(97 + Math.floor(r() * 6));
  if (k < 0.97) return 'm'.repeat(40 + Math.floor(r() * 300));
  if (k < 0.99) return 'b'.repeat(4000 + Math.floor(r() * 6000));
  return '';
}

interface Pair {
  l: ListValue;
  m: model.ListValue;
}

/** One random write, applied to both; returns its name. */
function step(d: KeyspaceDialect, s: Pair, r: () => number, bias: number): string {
  const { l, m } = s;
  const n = m.items.length;
  const where = (): 'left' | 'right' => (r() < 0.5 ? 'left' : 'right');
  const k = r();
  if (k < bias || n === 0) {
    const w = where();
    const values = Array.from({ length: 1 + Math.floor(r() * (r() < 0.1 ? 40 : 3)) }, () => value(r));
    listPush(d, l, values, w);
    model.listPush(d, m, values, w);
    return `push ${w} ${values.length}`;
  }
  const op = Math.floor(r() * 7);
  switch (op) {
    case 0: {
      const w = where(), c = 1 + Math.floor(r() * (r() < 0.2 ? 50 : 2));
      assert.deepEqual(listPop(d, l, w, c), model.listPop(d, m, w, c));
      return `pop ${w} ${c}`;
    }
    case 1: {
      // LMOVE within one list: pop, push, then the source's shrink check.
      const from = where(), to = where();
      const v = listPop(d, l, from, 1, false);
      const mv = model.listPop(d, m, from, 1, false);
      assert.deepEqual(v, mv);
      listPush(d, l, v, to);
      model.listPush(d, m, mv, to);
      listPopped(d, l);
      model.listPopped(d, m);
      return `lmove ${from} ${to}`;
    }
    case 2: {
      const lt = Math.floor(r() * Math.min(n, 30)), rt = Math.floor(r() * Math.min(n - lt, 30));
      listTrim(d, l, lt, rt);
      model.listTrim(d, m, lt, rt);
      return `ltrim ${lt} ${rt}`;
    }
    case 3: {
      const el = r() < 0.7 ? m.items[Math.floor(r() * n)]! : value(r);
      const count = Math.floor(r() * 7) - 3;
      const limit = count === 0 ? Infinity : Math.abs(count);
      const hits: number[] = [];
      if (count >= 0) for (let i = 0; i < n && hits.length < limit; i++) { if (m.items[i] === el) hits.push(i); }
      else {
        for (let i = n - 1; i >= 0 && hits.length < limit; i--) if (m.items[i] === el) hits.push(i);
        hits.reverse();
      }
      assert.equal(listRemoveEqual(d, l, el, limit, count < 0), hits.length);
      model.listRemoveAt(d, m, hits);
      return `lrem ${count}`;
    }
    case 4: case 5: {
      const v = value(r);
      const i = Math.floor(r() * n);
      listBeforeAdd(d, l, v);
      model.listBeforeAdd(d, m, v);
      if (op === 4) {
        const after = r() < 0.5;
        listInsert(d, l, i, after, v);
        model.listInsert(d, m, i, after, v);
        return `linsert ${i} ${after ? 'after' : 'before'} ${v.length}`;
      }
      listReplace(d, l, i, v);
      model.listReplace(d, m, i, v);
      return `lset ${i} ${v.length}`;
    }
    default: {
      const w = where(), c = 1 + Math.floor(r() * 3);
      assert.deepEqual(listPop(d, l, w, c), model.listPop(d, m, w, c));
      return `pop ${w} ${c}`;
    }
  }
}

function run(id: string, fill: number, seed: number, ops: number): void {
  const d = dialect(id);
  const saved = encodingConfig.listMaxListpackSize;
  encodingConfig.listMaxListpackSize = fill;
  try {
    const r = rng(seed);
    let s: Pair = { l: newList(d), m: model.newList(d) };
    const seen = { maxNodes: 0, plain: false, toListpack: 0 };
    for (let i = 0; i < ops; i++) {
      const wasListpack = s.l.listpack;
      // Phases that grow the list past many nodes and shrink it back to a listpack.
      const bias = Math.floor(i / 300) % 2 === 0 ? 0.6 : 0.25;
      const what = `${id} fill ${fill} seed ${seed} op ${i}: ${step(d, s, r, bias)}`;
      if (s.m.items.length === 0) s = { l: newList(d), m: model.newList(d) };
      check(d, s.l, s.m, what);
      checkReads(s.l, s.m, r, what);
      let nodes = 0;
      for (let n = s.l.head; n; n = n.next, nodes++) if (n.plain) seen.plain = true;
      seen.maxNodes = Math.max(seen.maxNodes, nodes);
      if (!wasListpack && s.l.listpack && s.l.length > 0) seen.toListpack++;
    }
    // The run went where it means to: many nodes, and for 7.2+ back from a quicklist to a listpack
    // (never with one element per node: half the limit is then under one element).
    assert.ok(seen.maxNodes >= 4, `only ${seen.maxNodes} nodes at most`);
    if (d.has('listpack-lists') && fill !== 1) assert.ok(seen.toListpack > 0, 'never shrank back to a listpack');
    if (d.has('list-large-plain-nodes')) assert.ok(seen.plain, 'no PLAIN node');
  } finally {
    encodingConfig.listMaxListpackSize = saved;
  }
}

describe('quicklist against the array-and-layout model', () => {
  for (const id of ['redis-7.0', 'redis-7.2', 'redis-7.4']) {
    for (const fill of [-2, -1, 4, 1]) {
      test(`${id}, list-max-listpack-size ${fill}: 1,500 random writes keep content, length and node layout equal to the model's`, () => {
        run(id, fill, SEED + fill * 7 + id.length, 1500);
      });
    }
  }

  test('a list built whole (load, SORT … STORE) and a COPY have the model\'s layout', () => {
    const r = rng(7);
    for (const id of ['redis-7.0', 'redis-7.2', 'redis-7.4']) {
      const d = dialect(id);
      for (const size of [0, 1, 5, 127, 128, 129, 700, 3000]) {
        const items = Array.from({ length: size }, () => value(r));
        if (size > 0) {
          const loaded = buildLoadedList(d, items);
          const m = model.buildListByTailPush(d, items.slice());
          // The model's load layout: a list arriving whole that fits one listpack is one.
          const ml: model.ListValue = { items: items.slice() };
          check(d, loaded, ml, `${id} load ${size}`);
          check(d, listDup(loaded), ml, `${id} copy of load ${size}`);
          check(d, buildListByTailPush(d, items), m, `${id} sort store ${size}`);
        }
      }
    }
  });
});

describe('packed entries', () => {
  test('lengths of every size class read back forwards and backwards', () => {
    for (const n of [0, 1, 127, 128, 129, 16383, 16384, 70000, 2097152]) {
      const v = 'x'.repeat(n);
      const d = packEntry('a') + packEntry(v) + packEntry('bc');
      assert.equal(packEntry(v).length, entrySpan(n));
      const second = nextEntry(d, 0);
      assert.equal(elementAt(d, second), v);
      assert.equal(prevEntry(d, prevEntry(d, d.length)), second);
      assert.equal(elementAt(d, prevEntry(d, d.length)), 'bc');
    }
  });
});

describe('listpack entry sizes', () => {
  test('an integer string is sized as the integer string2ll reads (short ones without a BigInt), anything else as a string', () => {
    const samples = [
      '0', '-0', '007', '1', '-1', '127', '128', '-4096', '-4097', '4095', '4096', '32767', '32768', '-32769', '8388607', '8388608',
      '-8388609', '2147483647', '2147483648', '-2147483648', '-2147483649', '999999999999999', '-99999999999999', '1000000000000000',
      '9223372036854775807', '9223372036854775808', '-9223372036854775808', '-9223372036854775809', '1a', '-', '+1', ' 1', '1 ', '',
    ];
    const r = rng(3);
    for (let i = 0; i < 2000; i++) samples.push(String(Math.floor((r() - 0.5) * 10 ** Math.floor(r() * 19))));
    const INT64 = [-(2n ** 63n), 2n ** 63n - 1n];
    for (const s of samples) {
      const canonical = /^-?[1-9][0-9]*$|^0$/.test(s) && BigInt(s) >= INT64[0]! && BigInt(s) <= INT64[1]!;
      const asString = s.length + (s.length < 64 ? 1 : 2);
      const expected = canonical ? listpackIntEntrySize(BigInt(s)) : asString + (asString <= 127 ? 1 : 2);
      assert.equal(listpackEntrySize(s), expected, s);
    }
  });
});
