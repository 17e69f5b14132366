import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { keyspaceChildren } from '../../src/debug/keyspaceVariables';
import { applyWrite } from '../../src/keyspace/commands/registry';
import { compareIds } from '../../src/keyspace/commands/streamId';
import { Keyspace } from '../../src/keyspace/keyspace';
import { StreamEntries } from '../../src/keyspace/streamStore';
import type { StreamEntry, StreamId } from '../../src/keyspace/values';

/** A small deterministic PRNG, so that a failure replays. */
function rng(seed: number): (n: number) => number {
  let x = seed >>> 0;
  return (n) => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return (x >>> 8) % n;
  };
}

const text = (e: StreamEntry): string => `${e.id.ms}-${e.id.seq}:${e.fields.join(',')}`;

function check(s: StreamEntries, model: StreamEntry[], rand: (n: number) => number): void {
  assert.equal(s.length, model.length);
  assert.deepEqual([...s].map(text), model.map(text));
  assert.equal(s.first() && text(s.first()!), model[0] && text(model[0]));
  assert.equal(s.last() && text(s.last()!), model.at(-1) && text(model.at(-1)!));
  // A range between two IDs near existing ones, both directions.
  const pick = (): StreamId => {
    if (model.length === 0) return { ms: BigInt(rand(50)), seq: 0n };
    const e = model[rand(model.length)]!;
    const d = BigInt(rand(3)) - 1n;
    return { ms: e.id.ms, seq: e.id.seq + d < 0n ? 0n : e.id.seq + d };
  };
  const a = pick();
  const b = pick();
  const inRange = model.filter((e) => compareIds(e.id, a) >= 0 && compareIds(e.id, b) <= 0);
  assert.deepEqual([...s.range(a, b)].map(text), inRange.map(text));
  assert.deepEqual([...s.range(a, b, true)].map(text), inRange.reverse().map(text));
  assert.deepEqual([...s.after(a)].map(text), model.filter((e) => compareIds(e.id, a) > 0).map(text));
  const start = rand(model.length + 2);
  const count = rand(300);
  assert.deepEqual(s.page(start, count).map(text), model.slice(start, start + count).map(text));
}

describe('StreamEntries (chunked stream storage)', () => {
  test('appends, deletes by ID, trims from the head and reads ranges exactly as a sorted array would (IDs below and past 2^53)', () => {
    for (const seed of [1, 2, 3, 4]) {
      const rand = rng(seed);
      const s = new StreamEntries();
      const model: StreamEntry[] = [];
      // Seed 4 crosses 2^53, where a chunk moves from number IDs to StreamId objects.
      let ms = seed === 4 ? (1n << 53n) - 2000n : 1n;
      let seq = 0n;
      for (let step = 0; step < 3000; step++) {
        const op = rand(100);
        if (op < 55) {
          for (let k = rand(8) + 1; k > 0; k--) {
            if (rand(3) === 0) {
              ms += BigInt(rand(3) + 1);
              seq = 0n;
            } else {
              seq++;
            }
            const e = { id: { ms, seq }, fields: ['f', String(step)] };
            s.push(e.id, e.fields);
            model.push(e);
          }
        } else if (op < 80 && model.length > 0) {
          // Delete one that exists, or one that does not.
          const victim = model[rand(model.length)]!;
          const id = rand(4) === 0 ? { ms: victim.id.ms, seq: victim.id.seq + 1000n } : victim.id;
          const i = model.findIndex((e) => compareIds(e.id, id) === 0);
          assert.equal(s.delete(id), i !== -1);
          if (i !== -1) model.splice(i, 1);
          assert.equal(s.has(id), false);
        } else if (op < 95) {
          const k = rand(Math.min(model.length, 400) + 1);
          s.shift(k);
          model.splice(0, k);
        } else {
          // Bursts of deletes at the head leave whole chunks empty.
          for (let k = rand(200); k > 0 && model.length > 0; k--) {
            assert.ok(s.delete(model[0]!.id));
            model.shift();
          }
        }
        if (step % 25 === 0) check(s, model, rand);
      }
      check(s, model, rand);
      if (seed === 4) assert.ok(model.at(-1)!.id.ms > 1n << 53n, 'the IDs went past 2^53');
      const copy = s.clone();
      s.shift(s.length);
      assert.equal(s.length, 0);
      assert.deepEqual([...copy].map(text), model.map(text), 'a clone does not share its chunks');
    }
  });

  test('IDs past 2^53 and at UINT64_MAX order and look up exactly', () => {
    const big = (1n << 64n) - 1n;
    const ids: StreamId[] = [
      { ms: 1n, seq: 0n },
      { ms: 1n << 53n, seq: (1n << 53n) + 1n },
      { ms: (1n << 53n) + 1n, seq: 0n },
      { ms: big, seq: big },
    ];
    const s = StreamEntries.from(ids.map((id) => ({ id, fields: ['a', 'b'] })));
    assert.ok(s.has({ ms: 1n << 53n, seq: (1n << 53n) + 1n }));
    assert.ok(!s.has({ ms: 1n << 53n, seq: 1n << 53n }));
    assert.deepEqual([...s.range({ ms: (1n << 53n) + 1n, seq: 0n }, { ms: big, seq: big })].map((e) => e.id), ids.slice(2));
  });
});

describe('the Keyspace view of chunked and packed values', () => {
  test('pages a stream by position past trims and deletes, and hashes/sets packed or converted', () => {
    const ks = new Keyspace();
    const ctx = { ks, db: 0, now: 0 };
    for (let i = 1; i <= 1000; i++) applyWrite(ctx, ['XADD', 's', `${i}-0`, 'f', `v${i}`]);
    applyWrite(ctx, ['XTRIM', 's', 'MAXLEN', '=', '700']); // 301..1000 left
    applyWrite(ctx, ['XDEL', 's', '302-0', '450-0', '451-0']);
    const names = (path: string[], start: number, count: number): string[] => keyspaceChildren(ks, path, start, count).map((n) => n.name);
    assert.deepEqual(names(['0', 's'], 0, 3), ['301-0', '303-0', '304-0']);
    assert.deepEqual(names(['0', 's'], 146, 3), ['448-0', '449-0', '452-0']);
    assert.deepEqual(names(['0', 's'], 694, 10), ['998-0', '999-0', '1000-0']);
    assert.equal(keyspaceChildren(ks, ['0'], 0, 10).find((n) => n.name === 's')?.value, 'stream (697)');
    applyWrite(ctx, ['HSET', 'small', 'a', '1', 'b', '2']);
    applyWrite(ctx, ['HSET', 'big', ...Array.from({ length: 600 }, (_, i) => [`f${i}`, `v${i}`]).flat()]);
    applyWrite(ctx, ['SADD', 'set', '3', '1', '2']);
    assert.deepEqual(keyspaceChildren(ks, ['0', 'small'], 1, 5).map((n) => `${n.name}=${n.value}`), ['b="2"']);
    assert.deepEqual(keyspaceChildren(ks, ['0', 'big'], 598, 5).map((n) => `${n.name}=${n.value}`), ['f598="v598"', 'f599="v599"']);
    assert.deepEqual(keyspaceChildren(ks, ['0', 'set'], 0, 5).map((n) => n.value), ['"3"', '"1"', '"2"']);
  });
});
