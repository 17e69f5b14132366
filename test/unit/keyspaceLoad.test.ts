// Decoded RDB keys into the keyspace: the decoder's latin1 strings and
// collections are stored as they are, byte for byte, expired keys stay (a replica keeps them for the master's DEL), a
// duplicate key is Redis's fatal error, empty aggregates are skipped, stream
// PELs are joined to their consumers; and function libraries load as FUNCTION
// LOAD would.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { streamWriteCommands } from '../../src/keyspace/commands/streams';
import { Keyspace } from '../../src/keyspace/keyspace';
import { loadDecodedKey, loadFunctionLibrary } from '../../src/keyspace/load';
import { listItems } from '../../src/keyspace/quicklistReads';
import type { DecodedKey, DecodedValue } from '../../src/rdb/decodedValue';

const key = (name: string, value: DecodedValue, expireAt = -1, db = 0): DecodedKey => ({
  db, key: name, expireAt, value, encoding: 'string', rdbType: 0,
});

test('binary keys and values keep every byte', () => {
  const ks = new Keyspace();
  const bytes = Buffer.from([0, 0xff, 0x80, 0x0d, 0x0a]).toString('latin1');
  loadDecodedKey(ks, key(bytes, { type: 'string', value: bytes }));
  const e = ks.db(0).get(bytes);
  assert.deepEqual(e, { type: 'string', value: bytes });
});

test('an expired key is kept with its expiry; reads hide it', () => {
  const ks = new Keyspace();
  loadDecodedKey(ks, key('old', { type: 'string', value: 'v' }, 1000, 3));
  assert.equal(ks.db(3).expireAt('old'), 1000);
  assert.equal(ks.db(3).expires, 1);
  assert.equal(ks.db(3).read('old', Date.now()), undefined);
});

test('a duplicate key fails the load with the text Redis logs', () => {
  const ks = new Keyspace();
  loadDecodedKey(ks, key('k', { type: 'string', value: '1' }));
  assert.throws(() => loadDecodedKey(ks, key('k', { type: 'string', value: '2' })), { message: "RDB has duplicated key 'k' in DB 0" });
});

test('empty aggregates are skipped, as rdbLoadObject does', () => {
  const ks = new Keyspace();
  loadDecodedKey(ks, key('l', { type: 'list', items: [] }));
  loadDecodedKey(ks, key('h', { type: 'hash', fields: new Map(), fieldExpires: new Map() }));
  loadDecodedKey(ks, key('s', { type: 'set', members: new Set() }));
  loadDecodedKey(ks, key('z', { type: 'zset', scores: new Map() }));
  assert.equal(ks.db(0).size, 0);
});

test('a zset gets its ordered index; a list becomes a quicklist of its items; hashes (with their field TTLs) and sets are repacked with the same content', () => {
  const ks = new Keyspace();
  const scores = new Map([['b', 2.5], ['a', -Infinity]]);
  const fields = new Map([['f', 'v'], ['g', 'w']]);
  const members = new Set(['1', 'x']);
  const items = ['a', 'b', 'a'];
  loadDecodedKey(ks, key('z', { type: 'zset', scores }));
  loadDecodedKey(ks, key('h', { type: 'hash', fields, fieldExpires: new Map([['g', 1234]]) }));
  loadDecodedKey(ks, key('s', { type: 'set', members }));
  loadDecodedKey(ks, key('l', { type: 'list', items }));
  const z = ks.db(0).get('z'), h = ks.db(0).get('h'), st = ks.db(0).get('s'), l = ks.db(0).get('l');
  assert.ok(z?.type === 'zset');
  assert.deepEqual([...z.entries()], [['a', -Infinity], ['b', 2.5]]);
  // Hashes and sets are repacked (packed.ts).
  assert.ok(h?.type === 'hash' && st?.type === 'set');
  assert.deepEqual([...h.fields], [['f', 'v'], ['g', 'w']]);
  assert.deepEqual([...h.fieldExpires], [['g', 1234]]);
  assert.deepEqual([...st.members], ['1', 'x']);
  assert.ok(l?.type === 'list');
  assert.deepEqual(listItems(l), ['a', 'b', 'a']);
});

const id = (ms: number, seq = 0): { ms: bigint; seq: bigint } => ({ ms: BigInt(ms), seq: BigInt(seq) });

function decodedStream(consumerPel = [id(1)]): DecodedValue {
  return {
    type: 'stream',
    entries: [{ id: id(1), fields: ['f', 'v'] }, { id: id(2), fields: ['f', 'w'] }],
    length: 2n, lastId: id(5), firstId: id(1), maxDeletedId: id(4), entriesAdded: 9n,
    groups: [{
      name: 'g', lastId: id(2), entriesRead: -1n,
      pending: [{ id: id(1), deliveryTime: 1700000000000n, deliveryCount: 3n }],
      consumers: [{ name: 'alice', seenTime: 1700000000001n, activeTime: -1n, pending: consumerPel }],
      nacked: [],
    }],
    idmp: null,
  };
}

test('a stream keeps its metadata, and each PEL entry learns its owner from the consumer PELs', () => {
  const ks = new Keyspace();
  loadDecodedKey(ks, key('st', decodedStream()));
  const v = ks.db(0).get('st');
  assert.ok(v?.type === 'stream');
  assert.equal(v.stream.entriesAdded, 9);
  assert.deepEqual(v.stream.maxDeletedId, id(4));
  const g = v.stream.groups.get('g')!;
  assert.equal(g.entriesRead, -1);
  assert.deepEqual(g.pending.get('1-0'), { id: id(1), consumer: 'alice', deliveryTime: 1700000000000, deliveryCount: 3 });
  assert.deepEqual([...g.consumers.get('alice')!.pending], ['1-0']);
});

test('a consumer PEL entry missing from the group PEL is refused as Redis refuses it', () => {
  assert.throws(() => loadDecodedKey(new Keyspace(), key('st', decodedStream([id(2)]))), { message: 'Consumer entry not found in group global PEL' });
});

test('an approximate trim of a stream loaded from an RDB is marked diverged (its node layout is unknown)', () => {
  const ks = new Keyspace();
  loadDecodedKey(ks, key('st', decodedStream()));
  const xtrim = streamWriteCommands.find((w) => w.name === 'xtrim')!;
  const ctx = { ks, db: 0, now: Date.now() };
  assert.equal(xtrim.apply(ctx, ['XTRIM', 'st', 'MAXLEN', '~', '5']).kind, 'ok', 'nothing to trim: nothing unknown');
  const outcome = xtrim.apply(ctx, ['XTRIM', 'st', 'MAXLEN', '~', '1']);
  assert.equal(outcome.kind, 'diverged');
  assert.equal(xtrim.apply(ctx, ['XTRIM', 'st', 'MAXLEN', '=', '1']).kind, 'ok', 'exact trims stay exact');
});

test('function libraries load as FUNCTION LOAD would, and a bad one fails the load with Redis text', () => {
  const ks = new Keyspace();
  loadFunctionLibrary(ks, Buffer.from("#!lua name=mylib\nredis.register_function('f', function() return 1 end)"));
  assert.deepEqual(ks.functions.get('mylib')?.functions, [{ name: 'f', flags: [], description: null }]);
  assert.throws(() => loadFunctionLibrary(ks, Buffer.from("#!lua name=mylib\nredis.register_function('g', function() end)")), { message: "Failed loading library, Library 'mylib' already exists" });
  assert.throws(() => loadFunctionLibrary(ks, Buffer.from('no header')), { message: 'Failed loading library, Missing library metadata' });
});
