// SdsString, the string value writes change in place: random APPEND, SETRANGE,
// SETBIT-style byte writes and zero growth against a Buffer model, read back
// whole, by range and by byte; and its growth is sds's greedy one, so that a
// run of appends reallocates a logarithmic number of times, not once per write.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { SdsString, stringByteAt, stringLength, stringSlice } from '../../src/keyspace/sds';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function randomBytes(r: () => number, n: number): string {
  let out = '';
  for (let i = 0; i < n; i++) out += String.fromCharCode(Math.floor(r() * 256));
  return out;
}

test('random appends, range writes, byte writes and zero growth read back as a Buffer model does', () => {
  for (let seed = 1; seed <= 30; seed++) {
    const r = rng(seed);
    const initial = randomBytes(r, Math.floor(r() * 40));
    const s = new SdsString(initial);
    let model = Buffer.from(initial, 'latin1');
    for (let i = 0; i < 400; i++) {
      const op = Math.floor(r() * 5);
      const at = `seed ${seed} step ${i} op ${op}`;
      if (op === 0) {
        const add = randomBytes(r, Math.floor(r() * 70));
        s.append(add);
        model = Buffer.concat([model, Buffer.from(add, 'latin1')]);
      } else if (op === 1) {
        const off = Math.floor(r() * (model.length + 50));
        const text = randomBytes(r, 1 + Math.floor(r() * 30));
        s.setRange(off, text);
        if (model.length < off + text.length) model = Buffer.concat([model, Buffer.alloc(off + text.length - model.length)]);
        model.write(text, off, 'latin1');
      } else if (op === 2) {
        const bit = Math.floor(r() * (model.length + 8) * 8);
        const byte = bit >> 3;
        s.growZeroed(byte + 1);
        if (model.length < byte + 1) model = Buffer.concat([model, Buffer.alloc(byte + 1 - model.length)]);
        const next = model[byte]! ^ (1 << (7 - (bit & 7)));
        s.setByte(byte, next);
        model[byte] = next;
      } else if (op === 3) {
        // A read of the whole value between writes: the next write must not be hidden by what it kept.
        assert.equal(s.value, model.toString('latin1'), at);
      } else {
        const a = Math.floor(r() * (model.length + 5)), b = a + Math.floor(r() * 40);
        assert.equal(stringSlice(s, a, b), model.toString('latin1', Math.min(a, model.length), Math.min(b, model.length)), at);
        assert.equal(stringByteAt(s, a), a < model.length ? model[a] : 0, at);
      }
      assert.equal(stringLength(s), model.length, at);
      assert.ok(s.capacity >= s.length, at);
    }
    assert.equal(s.value, model.toString('latin1'));
    assert.deepEqual(Buffer.from(s.bytes()), model);
  }
});

test('appends grow the buffer greedily: a few reallocations for 20,000 appends, spare room bounded as sds bounds it', () => {
  const s = new SdsString('x'.repeat(1024 * 1024));
  let reallocations = 0;
  let capacity = s.capacity;
  for (let i = 0; i < 20000; i++) {
    s.append('0123456789abcdef');
    if (s.capacity !== capacity) {
      reallocations++;
      capacity = s.capacity;
    }
    // sdsMakeRoomFor: past 1 MB, at most 1 MB of spare room.
    assert.ok(s.capacity - s.length <= 1024 * 1024);
  }
  assert.equal(s.length, 1024 * 1024 + 20000 * 16);
  assert.ok(reallocations <= 2, `${reallocations} reallocations`);
  const small = new SdsString('');
  let smallReallocations = 0;
  capacity = small.capacity;
  for (let i = 0; i < 20000; i++) {
    small.append('a');
    if (small.capacity !== capacity) {
      smallReallocations++;
      capacity = small.capacity;
    }
  }
  assert.ok(smallReallocations <= 16, `${smallReallocations} reallocations`);
});

test('assigning a whole new value replaces the content and drops the spare room', () => {
  const s = new SdsString('abc');
  s.append('defgh');
  s.value = 'xy';
  assert.equal(s.value, 'xy');
  assert.equal(s.length, 2);
  assert.equal(s.capacity, 2);
  s.setRange(4, 'z');
  assert.equal(s.value, 'xy\0\0z');
});
