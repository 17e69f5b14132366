// The Database layout (values, expiries and divergences in three Maps, bare
// strings where no object is needed) against a plain model: after every step
// of a random sequence of sets, expiries, deletes, divergences, RENAME, MOVE,
// SWAPDB, FLUSHDB and FLUSHALL, each database's counts (keys, expires=, subexpiry=),
// key order, values, expiries, divergences and read visibility equal the model's.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { applyWrite } from '../../src/keyspace/commands/registry';
import { isSubexpiryRegistered, Keyspace, registerSubexpiry } from '../../src/keyspace/keyspace';
import { objectEncoding } from '../../src/keyspace/encoding';
import { SdsString } from '../../src/keyspace/sds';
import { listItems } from '../../src/keyspace/quicklistReads';
import { FieldTtls, HashFields } from '../../src/keyspace/packed';
import type { Divergence, Value } from '../../src/keyspace/values';

interface ModelKey {
  /** The value's content as a comparable text. */
  content: string;
  type: Value['type'];
  expireAt: number;
  diverged: Divergence | undefined;
  subexpiry: boolean;
}

const DBS = 3;
const NOW = 1_000_000;

/** A small deterministic generator, so a failure can be replayed from its seed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function content(v: Value): string {
  switch (v.type) {
    case 'string': return v.value;
    case 'hash': return JSON.stringify([...v.fields]);
    case 'list': return JSON.stringify(listItems(v));
    default: return v.type;
  }
}

function check(ks: Keyspace, model: Map<string, ModelKey>[], step: string): void {
  for (let j = 0; j < DBS; j++) {
    const db = ks.db(j), m = model[j]!;
    const at = `${step}, db${j}`;
    assert.equal(db.size, m.size, `size after ${at}`);
    assert.deepEqual([...db.keys()], [...m.keys()], `key order after ${at}`);
    assert.equal(db.expires, [...m.values()].filter((k) => k.expireAt !== -1).length, `expires after ${at}`);
    assert.equal(db.subexpiry, [...m.values()].filter((k) => k.subexpiry).length, `subexpiry after ${at}`);
    for (const [key, k] of m) {
      const v = db.peek(key)!;
      assert.equal(v.type, k.type, `type of ${key} after ${at}`);
      assert.equal(content(v), k.content, `value of ${key} after ${at}`);
      assert.equal(db.expireAt(key), k.expireAt, `expiry of ${key} after ${at}`);
      assert.deepEqual(db.divergence(key), k.diverged, `divergence of ${key} after ${at}`);
      const live = k.expireAt === -1 || k.expireAt > NOW;
      assert.equal(db.isLive(key, NOW), live, `liveness of ${key} after ${at}`);
      assert.equal(db.read(key, NOW) !== undefined, live, `read of ${key} after ${at}`);
    }
    for (const [key, v] of db) assert.equal(content(v), m.get(key)!.content);
  }
}

function run(seed: number, steps: number): void {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const ks = new Keyspace(DBS);
  const model = Array.from({ length: DBS }, () => new Map<string, ModelKey>());
  const keys = ['a', 'b', 'c', 'd', 'e', 'f'];
  let offset = 0;
  for (let i = 0; i < steps; i++) {
    const j = Math.floor(r() * DBS);
    const db = ks.db(j), m = model[j]!;
    const key = pick(keys);
    const ttl = r() < 0.4 ? NOW + Math.floor(r() * 2000) - 1000 : -1;
    const op = Math.floor(r() * 12);
    let step: string;
    switch (op) {
      case 0: case 1: {
        const text = `v${i}`;
        db.set(key, { type: 'string', value: text }, ttl);
        m.set(key, { content: text, type: 'string', expireAt: ttl, diverged: undefined, subexpiry: false });
        step = `set ${key}`;
        break;
      }
      case 2: {
        const fields = HashFields.from([[`f${i}`, 'x']]);
        const v: Value = { type: 'hash', fields, fieldExpires: FieldTtls.from([[`f${i}`, NOW + 5]]) };
        const sub = r() < 0.5;
        if (sub) registerSubexpiry(v);
        db.set(key, v, ttl);
        m.set(key, { content: content(v), type: 'hash', expireAt: ttl, diverged: undefined, subexpiry: sub });
        step = `set hash ${key}`;
        break;
      }
      case 3: {
        const ok = db.setExpire(key, ttl);
        assert.equal(ok, m.has(key));
        if (m.has(key)) m.get(key)!.expireAt = ttl;
        step = `setExpire ${key}`;
        break;
      }
      case 4: {
        assert.equal(db.delete(key), m.delete(key));
        step = `delete ${key}`;
        break;
      }
      case 5: {
        const d: Divergence = { command: 'x', reason: 'r', offset: offset++ };
        ks.diverge(j, [key], d);
        if (m.has(key)) m.get(key)!.diverged = d;
        step = `diverge ${key}`;
        break;
      }
      case 6: {
        // A write that changes a string in place: the key keeps its expiry and divergence.
        const v = db.get(key);
        if (v?.type === 'string') {
          const out = applyWrite({ ks, db: j, now: NOW }, ['APPEND', key, 'z']);
          assert.equal(out.kind, 'ok');
          m.get(key)!.content += 'z';
          assert.ok(db.peek(key) instanceof SdsString);
          assert.equal(objectEncoding(db.peek(key)!, ks.dialect), 'raw');
        }
        step = `append ${key}`;
        break;
      }
      case 7: {
        const dst = pick(keys);
        const out = applyWrite({ ks, db: j, now: NOW }, ['RENAME', key, dst]);
        const src = m.get(key);
        assert.equal(out.kind, src ? 'ok' : 'error');
        if (src && key !== dst) {
          m.delete(dst);
          m.set(dst, src);
          m.delete(key);
        }
        step = `rename ${key} ${dst}`;
        break;
      }
      case 8: {
        const to = (j + 1 + Math.floor(r() * (DBS - 1))) % DBS;
        applyWrite({ ks, db: j, now: NOW }, ['MOVE', key, String(to)]);
        const src = m.get(key);
        if (src && !model[to]!.has(key)) {
          model[to]!.set(key, src);
          m.delete(key);
        }
        step = `move ${key} to db${to}`;
        break;
      }
      case 9: {
        const b = Math.floor(r() * DBS);
        applyWrite({ ks, db: j, now: NOW }, ['SWAPDB', String(j), String(b)]);
        [model[j], model[b]] = [model[b]!, model[j]!];
        step = `swapdb ${j} ${b}`;
        break;
      }
      case 10: {
        const all = r() < 0.3;
        if (r() < 0.3) {
          applyWrite({ ks, db: j, now: NOW }, [all ? 'FLUSHALL' : 'FLUSHDB']);
          for (const each of all ? model : [m]) each.clear();
        }
        step = all ? 'flushall' : 'flushdb';
        break;
      }
      default: {
        // A hash's field-expiry registration leaving it (HDEL of its last field with a TTL, 8.x).
        const v = db.get(key);
        if (v?.type === 'hash') {
          db.markSubexpiry(v, false);
          m.get(key)!.subexpiry = false;
          assert.equal(isSubexpiryRegistered(v), false);
        }
        step = `unregister ${key}`;
      }
    }
    check(ks, model, `step ${i} (${step}, seed ${seed})`);
  }
}

test('the database counts, orders and finds keys, expiries and divergences as a plain model does', () => {
  for (let seed = 1; seed <= 40; seed++) run(seed, 300);
});

test('an untagged string is kept bare and comes back as an equal value; a tagged one keeps its object', () => {
  const ks = new Keyspace();
  const db = ks.db(0);
  db.set('k', { type: 'string', value: '12345678901234567890123456789012345678901234567890' });
  assert.equal(objectEncoding(db.peek('k')!, ks.dialect), 'raw');
  applyWrite({ ks, db: 0, now: NOW }, ['SET', 'n', '12']);
  assert.equal(objectEncoding(db.peek('n')!, ks.dialect), 'int');
  applyWrite({ ks, db: 0, now: NOW }, ['SETRANGE', 'n', '0', '3']);
  assert.equal(objectEncoding(db.peek('n')!, ks.dialect), 'raw');
  const n = db.peek('n')!;
  assert.equal(n.type === 'string' ? n.value : n.type, '32');
  applyWrite({ ks, db: 0, now: NOW }, ['INCRBYFLOAT', 'f', '1']);
  assert.equal(objectEncoding(db.peek('f')!, ks.dialect), 'embstr');
  // get() hands out the object that stays under the key: a change made through it is kept.
  const v = db.get('k')!;
  assert.equal(db.get('k'), v);
});
