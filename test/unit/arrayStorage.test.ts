// The Array's storage (src/keyspace/sparseArray.ts) on its own: the same
// answers as a plain map under a seeded random mix of writes, and the costs
// Redis has. The complexity cases finish only because the work follows the
// values present, not the index span: a naive walk over 2^64 indexes (or a
// ring rebuilt on every wrap) would never end.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { scanArray } from '../../src/keyspace/arrayScan';
import { SLICE_SIZE } from '../../src/keyspace/arraySlices';
import { applyWrite, runRead } from '../../src/keyspace/commands/registry';
import { DigestUnavailable, MAX_ARRAY_DIGEST_POSITIONS, valueDigest } from '../../src/keyspace/digest';
import { Keyspace } from '../../src/keyspace/keyspace';
import { joinIndex, SparseArray, splitIndex } from '../../src/keyspace/sparseArray';
import { profileById } from '../../src/versions/profiles';
import { asClientSees } from '../support/keyspaceReplay';
import { seededRandom } from '../support/streamWorkload';

const MAX = (1n << 64n) - 2n;

function scanAll(ar: SparseArray, lo = 0n, hi = MAX, reverse = false): [bigint, string][] {
  const out: [bigint, string][] = [];
  scanArray(ar, splitIndex(lo), splitIndex(hi), reverse, (sid, off, v) => {
    out.push([joinIndex(sid, off), v]);
    return true;
  });
  return out;
}

describe('SparseArray against a plain map, under a seeded random mix of writes', () => {
  test('get, count, length and scans agree after every kind of write', () => {
    const rnd = seededRandom(7);
    const int = (n: number): number => Math.floor(rnd() * n);
    const idx = (): bigint => {
      const r = rnd();
      if (r < 0.4) return BigInt(int(100));
      if (r < 0.7) return BigInt(int(3 * SLICE_SIZE));
      if (r < 0.9) return BigInt(int(12_000_000));
      return (1n << 63n) + BigInt(int(1000));
    };
    const ar = new SparseArray();
    const model = new Map<bigint, string>();
    for (let step = 0; step < 6000; step++) {
      const r = rnd();
      if (r < 0.45) {
        const i = idx(), v = `v${step}`;
        const p = splitIndex(i);
        ar.set(p.sid, p.off, v);
        model.set(i, v);
      } else if (r < 0.55) {
        const start = idx(), n = 1 + int(300);
        ar.prepareRangeSet(splitIndex(start), splitIndex(start + BigInt(n - 1)));
        for (let k = 0; k < n; k++) {
          const p = splitIndex(start + BigInt(k));
          ar.set(p.sid, p.off, `r${step}.${k}`);
          model.set(start + BigInt(k), `r${step}.${k}`);
        }
      } else if (r < 0.85) {
        const i = idx();
        const p = splitIndex(i);
        assert.equal(ar.del(p.sid, p.off), model.delete(i));
      } else {
        const a = idx(), b = rnd() < 0.5 ? a + BigInt(int(5000)) : idx();
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        let n = 0;
        for (const k of [...model.keys()]) if (k >= lo && k <= hi && model.delete(k)) n++;
        assert.equal(ar.deleteRange(splitIndex(lo), splitIndex(hi)), n);
      }
      if (step % 500 === 0 || step === 5999) {
        const sorted = [...model].sort((x, y) => (x[0] < y[0] ? -1 : 1));
        assert.equal(ar.count, model.size);
        assert.equal(ar.length(), sorted.length ? sorted.at(-1)![0] + 1n : 0n);
        assert.deepEqual(scanAll(ar), sorted);
        assert.deepEqual(scanAll(ar, 0n, MAX, true), sorted.slice().reverse());
        for (const [i, v] of sorted.slice(0, 50)) assert.equal(ar.get(splitIndex(i).sid, splitIndex(i).off), v);
      }
    }
  });

  test('a copy keeps values, cursor and layout, and is independent', () => {
    const ar = new SparseArray();
    for (let i = 0; i < 40; i++) ar.set(i * 1000, i % SLICE_SIZE, `x${i}`);
    ar.insertIdx = 77n;
    const c = ar.clone();
    assert.deepEqual(scanAll(c), scanAll(ar));
    assert.deepEqual([c.layout(), c.sliceStats(), c.insertIdx], [ar.layout(), ar.sliceStats(), ar.insertIdx]);
    c.set(0, 0, 'changed');
    assert.equal(ar.get(0, 0), 'x0');
  });
});

describe('costs like Redis', () => {
  test('values at 0, 2^63 and 2^64-2: three slices in three blocks; scans and a range delete over the whole space visit only them', () => {
    const ar = new SparseArray();
    for (const i of [0n, 1n << 63n, MAX]) ar.set(splitIndex(i).sid, splitIndex(i).off, String(i));
    assert.equal(ar.length(), MAX + 1n);
    assert.deepEqual(ar.layout(), { slices: 3, directorySize: 4, blocks: 3 });
    assert.deepEqual(scanAll(ar).map(([i]) => i), [0n, 1n << 63n, MAX]);
    assert.deepEqual(scanAll(ar, 1n, MAX, true).map(([i]) => i), [MAX, 1n << 63n]);
    assert.equal(ar.deleteRange(splitIndex(1n), splitIndex(MAX)), 2);
    assert.deepEqual(scanAll(ar), [[0n, '0']]);
    assert.equal(ar.length(), 1n);
  });

  const ks = (): Keyspace => new Keyspace(16, profileById('redis-8.8')!);
  const write = (k: Keyspace, ...argv: string[]) => applyWrite({ ks: k, db: 0, now: 0 }, argv);
  const read = (k: Keyspace, ...argv: string[]) => asClientSees(runRead({ ks: k, db: 0, now: 0 }, argv));

  test('a ring of 7 written 200000 times (one command, and one value per command) holds the newest 7 in one slice', () => {
    const values = Array.from({ length: 200_000 }, (_, i) => `e${i}`);
    const one = ks();
    assert.deepEqual(applyWrite({ ks: one, db: 0, now: 0 }, ['ARRING', 'r', '7', ...values]), { kind: 'ok' });
    const each = ks();
    for (const v of values) write(each, 'ARRING', 'r', '7', v);
    for (const k of [one, each]) {
      assert.deepEqual(read(k, 'ARLASTITEMS', 'r', '7'), values.slice(-7));
      assert.deepEqual([read(k, 'ARLEN', 'r'), read(k, 'ARCOUNT', 'r'), read(k, 'ARNEXT', 'r')], [7, 7, 200_000 % 7]);
      assert.equal((read(k, 'ARINFO', 'r') as unknown[])[7], 1);
    }
  });

  test('resizing a wrapped ring keeps its newest values; growing it lays them out oldest first from index 0', () => {
    const k = ks();
    write(k, 'ARRING', 'r', '5', ...Array.from({ length: 12 }, (_, i) => `e${i}`));
    write(k, 'ARRING', 'r', '3', 'e12');
    assert.deepEqual([read(k, 'ARLEN', 'r'), (read(k, 'ARGETRANGE', 'r', '0', '2') as string[]).sort()], [3, ['e10', 'e11', 'e12']]);
    write(k, 'ARRING', 'r', '6', 'e13', 'e14');
    assert.deepEqual(read(k, 'ARGETRANGE', 'r', '0', '5'), ['e10', 'e11', 'e12', 'e13', 'e14', null]);
  });

  test('ARSET of 100000 values writes dense slices directly; ARDELRANGE over 2^64 indexes deletes them by slice', () => {
    const k = ks();
    applyWrite({ ks: k, db: 0, now: 0 }, ['ARSET', 'a', '5', ...Array.from({ length: 100_000 }, (_, i) => String(i))]);
    write(k, 'ARSET', 'a', String(MAX), 'last');
    const info = read(k, 'ARINFO', 'a', 'FULL') as unknown[];
    assert.deepEqual([info[1], info[15], info[17]], [100_001, 25, 1]);
    write(k, 'ARDELRANGE', 'a', '0', String(MAX - 1n));
    assert.deepEqual(read(k, 'ARSCAN', 'a', '0', String(MAX)), [[String(MAX), 'last']]);
  });

  test('DEBUG DIGEST-VALUE walks every position up to the length, so past 2^24 positions it says so instead', () => {
    const k = ks();
    write(k, 'ARSET', 'a', String(MAX_ARRAY_DIGEST_POSITIONS), 'x');
    assert.throws(() => valueDigest(k, 0, 'a'), (e: unknown) => e instanceof DigestUnavailable && /declines past 16777216/.test(e.message));
    write(k, 'ARSET', 'b', '1000', 'x');
    assert.match(valueDigest(k, 0, 'b'), /^[0-9a-f]{40}$/);
  });
});
