import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { encodingConfig } from '../../src/keyspace/encodingConfig';
import { FieldTtls, HashFields, SetMembers } from '../../src/keyspace/packed';

/** A small deterministic PRNG, so that a failure replays. */
function rng(seed: number): (n: number) => number {
  let x = seed >>> 0;
  return (n) => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return (x >>> 8) % n;
  };
}

/** Bytes of every value 0..255, short and up to past the listpack value limit. */
function randomBytes(rand: (n: number) => number, maxLen: number): string {
  let s = '';
  for (let n = rand(maxLen + 1); n > 0; n--) s += String.fromCharCode(rand(256));
  return s;
}

describe('HashFields (a hash packed while a listpack would hold it)', () => {
  test('get/set/delete/has/size/iteration match a Map, in insertion order, across the conversion', () => {
    for (const seed of [1, 2, 3]) {
      const rand = rng(seed);
      const h = new HashFields();
      const model = new Map<string, string>();
      let wasMap = false;
      for (let step = 0; step < 4000; step++) {
        // A field pool of ~600 exceeds hash-max-listpack-entries (512); rarely a value past 64 bytes.
        const f = rand(10) === 0 ? randomBytes(rand, 8) : `f${rand(600)}`;
        const op = rand(10);
        if (op < 6) {
          const v = rand(400) === 0 ? 'x'.repeat(65 + rand(300)) : randomBytes(rand, 20);
          h.set(f, v);
          model.set(f, v);
        } else if (op < 9) {
          assert.equal(h.delete(f), model.delete(f));
        } else {
          assert.equal(h.get(f), model.get(f));
          assert.equal(h.has(f), model.has(f));
        }
        assert.equal(h.size, model.size);
        if (wasMap) assert.equal(h.packed, false, 'never converts back');
        wasMap = !h.packed;
        if (step % 97 === 0) assert.deepEqual([...h], [...model]);
      }
      assert.deepEqual([...h.keys()], [...model.keys()]);
      assert.deepEqual([...h.values()], [...model.values()]);
      assert.equal(h.packed, false, 'the walk went past a limit');
    }
  });

  test('stays packed up to hash-max-listpack-entries and hash-max-listpack-value, converts one past either', () => {
    const h = new HashFields();
    for (let i = 0; i < encodingConfig.hashMaxListpackEntries; i++) h.set(`f${i}`, 'v'.repeat(encodingConfig.hashMaxListpackValue));
    assert.equal(h.packed, true);
    h.set('f0', 'w');
    assert.equal(h.packed, true, 'replacing a value adds no entry');
    h.set('one-more', 'v');
    assert.equal(h.packed, false);
    assert.equal(h.size, encodingConfig.hashMaxListpackEntries + 1);
    assert.equal(h.get('f0'), 'w');

    const long = new HashFields();
    long.set('a', '1');
    long.set('b', 'x'.repeat(encodingConfig.hashMaxListpackValue + 1));
    assert.equal(long.packed, false);
    assert.deepEqual([...long], [['a', '1'], ['b', 'x'.repeat(encodingConfig.hashMaxListpackValue + 1)]]);
  });

  test('a value replaced in place keeps its field where it was', () => {
    const h = HashFields.from([['a', '1'], ['b', '2'], ['c', '3']]);
    h.set('b', 'twenty');
    assert.deepEqual([...h], [['a', '1'], ['b', 'twenty'], ['c', '3']]);
  });

  test('an iteration walks the content it started on, whatever writes come during it', () => {
    const h = HashFields.from([['a', '1'], ['b', '2'], ['c', '3']]);
    const seen: string[] = [];
    for (const [f] of h) {
      seen.push(f);
      h.delete(f);
      h.set(`${f}!`, 'x');
    }
    assert.deepEqual(seen, ['a', 'b', 'c']);
    assert.deepEqual([...h.keys()], ['a!', 'b!', 'c!']);
  });

  test('once a Map, an iteration is the Map\'s own: it reaches fields added during it and skips deleted ones, as HSCAN cursors need', () => {
    const h = HashFields.from([['a', '1'], ['b', 'x'.repeat(encodingConfig.hashMaxListpackValue + 1)], ['c', '3']]);
    assert.equal(h.packed, false);
    const it = h.keys();
    assert.equal(it.next().value, 'a');
    h.delete('c');
    h.set('d', '4');
    assert.deepEqual([...it], ['b', 'd']);
  });
});

describe('building whole (a load, S*STORE) and COPY', () => {
  test('fromMap/fromSet hold what one-by-one writes would, packed or not by the same limits', () => {
    const rand = rng(11);
    for (let round = 0; round < 60; round++) {
      const n = [0, 1, 20, 127, 128, 129, 511, 512, 513][round % 9]!;
      const long = round % 5 === 0;
      const m = new Map<string, string>();
      const set = new Set<string>();
      const ints = round % 2 === 0;
      for (let i = 0; i < n; i++) {
        m.set(`f${i}`, long && i === n - 1 ? 'x'.repeat(encodingConfig.hashMaxListpackValue + 1) : randomBytes(rand, 12));
        set.add(ints ? String(i * 7 - 50) : long && i === n - 1 ? 'y'.repeat(65) : `m${i}`);
      }
      const h = HashFields.fromMap(m);
      const oneByOne = HashFields.from(m);
      assert.deepEqual([...h], [...m]);
      assert.equal(h.packed, oneByOne.packed, `hash of ${n}${long ? ' with a long value' : ''}`);
      const s = SetMembers.fromSet(set);
      assert.deepEqual([...s], [...set]);
      assert.equal(s.packed, SetMembers.from(set).packed, `set of ${n}${ints ? ' integers' : ''}`);
    }
  });

  test('a clone is independent of its original, packed or not', () => {
    for (const n of [3, 600]) {
      const h = HashFields.from(Array.from({ length: n }, (_, i) => [`f${i}`, `v${i}`] as [string, string]));
      const hc = h.clone();
      h.set('f0', 'changed');
      hc.delete('f1');
      assert.equal(hc.get('f0'), 'v0');
      assert.equal(h.get('f1'), 'v1');
      assert.equal(hc.size, n - 1);
      const s = SetMembers.from(Array.from({ length: n }, (_, i) => `m${i}`));
      const sc = s.clone();
      s.delete('m0');
      sc.add('new');
      assert.ok(sc.has('m0') && !s.has('new'));
      assert.equal(sc.size, n + 1);
    }
  });
});

describe('SetMembers (a set packed while an intset or a listpack would hold it)', () => {
  test('add/delete/has/size/iteration match a Set, in insertion order, across the conversion', () => {
    for (const seed of [1, 2, 3]) {
      const rand = rng(seed);
      const s = new SetMembers();
      const model = new Set<string>();
      // Seed 1 adds integers only (the intset limit, 512, applies); the others mix in strings (128).
      const ints = seed === 1;
      for (let step = 0; step < 4000; step++) {
        const m = ints || rand(3) > 0 ? String(rand(1000) - 100) : rand(300) === 0 ? 'y'.repeat(65) : randomBytes(rand, 10);
        if (rand(10) < (ints ? 8 : 6)) {
          s.add(m);
          model.add(m);
        } else {
          assert.equal(s.delete(m), model.delete(m));
        }
        assert.equal(s.has(m), model.has(m));
        assert.equal(s.size, model.size);
        if (step % 97 === 0) assert.deepEqual([...s], [...model]);
      }
      assert.deepEqual([...s.values()], [...model]);
      assert.equal(s.packed, false, 'the walk went past a limit');
    }
  });

  test('integers stay packed up to set-max-intset-entries, strings up to set-max-listpack-entries and -value', () => {
    const ints = new SetMembers();
    for (let i = 0; i < encodingConfig.setMaxIntsetEntries; i++) ints.add(String(i * 1000003));
    assert.equal(ints.packed, true);
    ints.add('-1');
    assert.equal(ints.packed, false);

    const strs = new SetMembers();
    for (let i = 0; i < encodingConfig.setMaxListpackEntries; i++) strs.add(`m${i}`);
    assert.equal(strs.packed, true);
    strs.add('m0');
    assert.equal(strs.packed, true, 'a member already there adds nothing');
    strs.add('one-more');
    assert.equal(strs.packed, false);

    const mixed = SetMembers.from(['1', '2']);
    mixed.add('z'.repeat(encodingConfig.setMaxListpackValue + 1));
    assert.equal(mixed.packed, false);
    assert.deepEqual([...mixed], ['1', '2', 'z'.repeat(encodingConfig.setMaxListpackValue + 1)]);
  });
});

describe('FieldTtls (a hash field TTL map made on the first TTL)', () => {
  test('get/set/has/delete/size/iteration match a Map', () => {
    const rand = rng(7);
    const t = new FieldTtls();
    const model = new Map<string, number>();
    for (let step = 0; step < 2000; step++) {
      const f = `f${rand(30)}`;
      if (rand(2) === 0) {
        const when = rand(1_000_000);
        t.set(f, when);
        model.set(f, when);
      } else {
        assert.equal(t.delete(f), model.delete(f));
      }
      assert.equal(t.get(f), model.get(f));
      assert.equal(t.has(f), model.has(f));
      assert.equal(t.size, model.size);
    }
    assert.deepEqual([...t], [...model]);
    assert.deepEqual([...t.keys()], [...model.keys()]);
  });
});
