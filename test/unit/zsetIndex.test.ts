// The sorted set's ordered index (src/keyspace/zsetIndex.ts) against a simple
// model, a sorted array: random inserts, score updates, deletes, pops and
// range removals, with the structure's invariants, ranks, elements at ranks,
// seeks by score and by member, and the whole order checked after each batch.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cmpKey, Zset, type ZEntry } from '../../src/keyspace/zsetIndex';
import { seeded as rng } from '../support/datasets';


const SCORES = [-Infinity, Infinity, -0, 0, 1, 1.5, -2, 1e300, -1e-300, 3];

class Model {
  entries: ZEntry[] = [];
  sort(): void {
    this.entries.sort((a, b) => cmpKey(a[1], a[0], b[1], b[0]));
  }
  find(m: string): number {
    return this.entries.findIndex((e) => e[0] === m);
  }
}

function checkAgainst(z: Zset, model: Model, rand: () => number, label: string): void {
  assert.equal(z.check(), null, `${label}: structure`);
  assert.equal(z.size, model.entries.length, `${label}: size`);
  assert.deepEqual([...z.entries()], model.entries, `${label}: order`);
  const n = model.entries.length;
  for (let k = 0; k < 20 && n > 0; k++) {
    const r = Math.floor(rand() * n);
    const [m, s] = model.entries[r]!;
    assert.deepEqual(z.at(r), [m, s], `${label}: at(${r})`);
    assert.equal(z.rank(m), r, `${label}: rank(${m})`);
    assert.ok(Object.is(z.score(m), s), `${label}: score(${m})`);
    // Seeks: the first element with score ≥ s, and the first member ≥ m among equal scores.
    const bound = SCORES[Math.floor(rand() * SCORES.length)]!;
    assert.equal(z.seek((x) => x >= bound), model.entries.filter((e) => e[1] < bound).length, `${label}: seek score ≥ ${bound}`);
    assert.equal(z.seek((x, y) => cmpKey(x, y, s, m) > 0), r + 1, `${label}: seek past ${m}`);
    const got: ZEntry[] = [];
    const rev = rand() < 0.5, take = 1 + Math.floor(rand() * 70);
    z.walk(r, rev, (mm, ss) => got.push([mm, ss]) < take);
    const want = rev ? model.entries.slice(Math.max(0, r - take + 1), r + 1).reverse() : model.entries.slice(r, r + take);
    assert.deepEqual(got, want, `${label}: walk from ${r}${rev ? ' rev' : ''}`);
  }
  assert.equal(z.rank('absent member'), -1);
  assert.equal(z.score('absent member'), undefined);
}

function randomWorkload(seed: number, rounds: number, keySpace: number, batch: number): void {
  const rand = rng(seed);
  const z = new Zset();
  const model = new Model();
  const member = (): string => `m${Math.floor(rand() * keySpace)}`;
  const score = (): number => (rand() < 0.3 ? SCORES[Math.floor(rand() * SCORES.length)]! : Math.floor(rand() * 50) / 4);
  for (let round = 0; round < rounds; round++) {
    for (let op = 0; op < batch; op++) {
      const p = rand();
      const n = model.entries.length;
      if (p < 0.55) {
        const m = member(), s = score();
        z.set(m, s);
        const i = model.find(m);
        if (i >= 0) model.entries[i] = [m, s];
        else model.entries.push([m, s]);
        model.sort();
      } else if (p < 0.8) {
        const m = member();
        const i = model.find(m);
        assert.equal(z.delete(m), i >= 0);
        if (i >= 0) model.entries.splice(i, 1);
      } else if (p < 0.9) {
        // pops from either end
        const k = Math.floor(rand() * 5), max = rand() < 0.5;
        const c = Math.min(k, n);
        z.deleteRange(max ? z.size - c : 0, c);
        if (max) model.entries.splice(n - c, c);
        else model.entries.splice(0, c);
      } else if (n > 0) {
        // a range removal of up to 150 elements anywhere
        const from = Math.floor(rand() * n), c = Math.floor(rand() * 150);
        const removed: ZEntry[] = [];
        z.deleteRange(from, c, (m, s) => removed.push([m, s]));
        assert.deepEqual(removed, model.entries.splice(from, c));
      }
    }
    checkAgainst(z, model, rand, `seed ${seed} round ${round}`);
  }
}

test('a small zset (one packed leaf, no dict) keeps order, ranks and scores like a sorted array', () => {
  randomWorkload(1, 40, 100, 50);
});

test('a zset past the small size keeps its B+tree invariants through inserts, updates, deletes, pops and range removals', () => {
  randomWorkload(2, 30, 3000, 400);
  randomWorkload(3, 30, 600, 300);
});

test('a zset that grows to thousands and shrinks to a few stays balanced', () => {
  const rand = rng(4);
  const z = new Zset();
  const model = new Model();
  for (let i = 0; i < 5000; i++) model.entries.push([`k${i}`, Math.floor(rand() * 1000)]);
  for (const [m, s] of model.entries) z.set(m, s);
  model.sort();
  checkAgainst(z, model, rand, 'grown');
  while (model.entries.length > 3) {
    const from = Math.floor(rand() * model.entries.length);
    z.deleteRange(from, 97);
    model.entries.splice(from, 97);
    assert.equal(z.check(), null, `after removing at ${from}`);
  }
  checkAgainst(z, model, rand, 'shrunk');
});

test('-0 and 0 are equal scores ordered by member, as zslInsert orders them', () => {
  const z = Zset.fromEntries([['b', 0], ['a', -0], ['c', -0]]);
  assert.deepEqual([...z.entries()].map((e) => e[0]), ['a', 'b', 'c']);
  assert.ok(Object.is(z.score('a'), -0));
  z.set('b', -0);
  assert.ok(Object.is(z.score('b'), -0));
  assert.equal(z.rank('b'), 1);
});

test('members compare as bytes (memcmp, shorter prefix first), not as UTF-16 text', () => {
  const members = ['\xff', 'a', '\x00', 'ab', '', '\x80z', 'a\x00'];
  const z = Zset.fromEntries(members.map((m): ZEntry => [m, 1]));
  assert.deepEqual([...z.entries()].map((e) => e[0]), ['', '\x00', 'a', 'a\x00', 'ab', '\x80z', '\xff']);
});

test('a decoded Map in file order (ascending, or descending as ZSET_2 writes it) loads in order', () => {
  const big = Array.from({ length: 1000 }, (_, i): ZEntry => [`m${String(i).padStart(4, '0')}`, i % 7]);
  const sorted = big.slice().sort((a, b) => cmpKey(a[1], a[0], b[1], b[0]));
  for (const order of [sorted, sorted.slice().reverse(), big]) {
    const z = Zset.fromMap(new Map(order));
    assert.equal(z.check(), null);
    assert.deepEqual([...z.entries()], sorted);
  }
  const copy = Zset.fromMap(new Map(big)).clone();
  copy.delete('m0000');
  assert.equal(copy.check(), null);
  assert.equal(copy.size, 999);
});

test('a small zset packs members of any length (multi-char length prefixes) and unpacks them intact, before and after it converts', () => {
  const long = (n: number, c: string): string => c.repeat(n);
  const z = new Zset();
  const model = new Model();
  const members = [long(127, 'a'), long(128, 'b'), long(20_000, '\xff'), '', 'x\x80\x00y', long(13, 'c')];
  members.forEach((m, i) => {
    z.set(m, i);
    model.entries.push([m, i]);
  });
  model.sort();
  checkAgainst(z, model, rng(5), 'packed');
  for (let i = 0; i < 130; i++) {
    z.set(`fill${i}`, -i);
    model.entries.push([`fill${i}`, -i]);
  }
  model.sort();
  checkAgainst(z, model, rng(6), 'converted');
  assert.equal(z.score(long(20_000, '\xff')), 2);
});
