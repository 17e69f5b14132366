// The 8.x writes of the string, hash and bit families on the live 2026-06
// build (the 8.8 line): what the master replicates for each (captured from its
// stream: HSETEX with EX turned into PXAT, HGETEX as HPEXPIREAT / HPERSIST /
// HDEL, HGETDEL as HDEL, MSETEX with PXAT, a conditional DELEX as DEL, SET IF*
// as sent or without GET), the keyspace applying that stream to the master's
// digest, and Redis's own errors for bad forms of each.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { applyWrite, runRead } from '../../src/keyspace/commands/registry';
import { Keyspace } from '../../src/keyspace/keyspace';
import { ReplyError } from '../../src/net/redisClient';
import { profileById } from '../../src/versions/profiles';
import { RawReplica } from '../support/captureStream';
import { normalizeValue, parseCommands, StreamApplier } from '../support/keyspaceHarness';
import { RedisServer } from '../support/redisServer';
import { liveServer } from '../support/servers';

const live = liveServer('redis-unstable-2026-06');
const dialect = profileById(live.profile)!;

test('Redis 8.x writes reach a replica in these forms, and the keyspace applying them holds the master\'s data', async () => {
  const master = await RedisServer.start({ binary: live.binary, args: ['--enable-debug-command', 'yes', '--repl-diskless-sync', 'no', '--repl-ping-replica-period', '3600'] });
  const raw = await RawReplica.sync(master.port, 20_000);
  const m = await master.client();
  try {
    await m.pipeline([['SET', 's', 'hello'], ['SET', 'a', Buffer.from([0xff, 0x0f])], ['SET', 'b', Buffer.from([0x0f])], ['HSET', 'h', 'a', '1', 'b', '2', 'c', '3', 'd', '4']]);
    const helloDigest = String(await m.call('DIGEST', 's'));
    const forms: [string[], RegExp | null][] = [
      [['HSETEX', 'h', 'FNX', 'EX', '50', 'FIELDS', '2', 'x', '1', 'y', '2'], /^HSETEX h FNX PXAT \d{13} FIELDS 2 x 1 y 2$/],
      [['HSETEX', 'h', 'KEEPTTL', 'FIELDS', '1', 'x', '9'], /^HSETEX h KEEPTTL FIELDS 1 x 9$/],
      [['HSETEX', 'h', 'FXX', 'PXAT', '1', 'FIELDS', '1', 'y', '3'], /^HDEL h y$/],
      [['HSETEX', 'h', 'FXX', 'FIELDS', '1', 'nope', '1'], null],
      [['HGETEX', 'h', 'EX', '100', 'FIELDS', '2', 'a', 'nope'], /^HPEXPIREAT h \d{13} FIELDS 2 a nope$/],
      [['HGETEX', 'h', 'PERSIST', 'FIELDS', '2', 'a', 'zz'], /^HPERSIST h FIELDS 2 a zz$/],
      [['HGETEX', 'h', 'PX', '0', 'FIELDS', '1', 'c'], /^HDEL h c$/],
      [['HGETEX', 'h', 'FIELDS', '1', 'd'], null],
      [['HGETDEL', 'h', 'FIELDS', '2', 'b', 'zz'], /^HDEL h b zz$/],
      [['MSETEX', '2', 'k1', 'v1', 'k2', 'v2', 'EX', '100'], /^MSETEX 2 k1 v1 k2 v2 PXAT \d{13}$/],
      [['MSETEX', '1', 'k3', 'v3', 'EXAT', '4000000000'], /^MSETEX 1 k3 v3 EXAT 4000000000$/],
      [['MSETEX', '2', 'k1', 'a', 'k9', 'b', 'NX'], null],
      [['SET', 's', 'world', 'IFEQ', 'hello'], /^SET s world IFEQ hello$/],
      [['SET', 's', 'x', 'IFNE', 'world'], null],
      [['SET', 's', 'y', 'IFNE', 'zzz', 'GET'], /^SET s y IFNE zzz$/],
      [['SET', 's', 'hello', 'IFEQ', 'y', 'EX', '100'], /^SET s hello PXAT \d{13}$/],
      [['SET', 's', 'again', 'IFDEQ', helloDigest.toUpperCase()], /^SET s again IFDEQ [0-9A-F]{16}$/],
      [['DELEX', 's', 'IFEQ', 'nope'], null],
      [['DELEX', 's', 'IFNE', 'nope'], /^DEL s$/],
      [['DELEX', 'k1'], /^DELEX k1$/],
      [['BITOP', 'DIFF', 'd1', 'a', 'b'], /^BITOP DIFF d1 a b$/],
      [['BITOP', 'ONE', 'd2', 'a', 'b', 'nokey'], /^BITOP ONE d2 a b nokey$/],
    ];
    const ks = new Keyspace(16, dialect);
    const applier = new StreamApplier(ks);
    applier.apply(parseCommands(await raw.streamUpTo(Number((await m.info('replication')).get('master_repl_offset')))));
    const sent: string[] = [];
    for (const [argv, form] of forms) {
      await m.call(...argv);
      const end = Number((await m.info('replication')).get('master_repl_offset'));
      const commands = parseCommands(await raw.streamUpTo(end)).filter((c) => !/^(select|ping|replconf)$/i.test(c[0]!));
      applier.apply(commands);
      const text = commands.map((c) => c.join(' '));
      if (form === null) assert.deepEqual(text, [], `${argv.join(' ')} is not replicated`);
      else {
        assert.equal(text.length, 1, `${argv.join(' ')} → ${text.join(' | ')}`);
        assert.match(text[0]!, form, argv.join(' '));
      }
      sent.push(...text);
    }
    assert.deepEqual(applier.applied.filter((a) => a.outcome.kind !== 'ok'), []);
    assert.equal(normalizeValue(runRead({ ks, db: 0, now: Date.now() }, ['DEBUG', 'DIGEST'])), String(await m.call('DEBUG', 'DIGEST')));
  } finally {
    m.close();
    raw.close();
    await master.stop();
  }
});

test('a vector set write (the built-in vectorset module) marks only its key unknown: DEBUG DIGEST names it, the other keys stay provable', async () => {
  const master = await RedisServer.start({ binary: live.binary, args: ['--enable-debug-command', 'yes', '--repl-diskless-sync', 'no', '--repl-ping-replica-period', '3600'] });
  const raw = await RawReplica.sync(master.port, 20_000);
  const m = await master.client();
  try {
    await m.pipeline([['SET', 'k', 'v'], ['VADD', 'vs', 'VALUES', '3', '0.1', '0.2', '0.3', 'e1'], ['VSETATTR', 'vs', 'e1', '{"a":1}']]);
    const ks = new Keyspace(16, dialect);
    const applier = new StreamApplier(ks);
    applier.apply(parseCommands(await raw.streamUpTo(Number((await m.info('replication')).get('master_repl_offset')))));
    const outcomes = applier.applied.filter((a) => a.argv[0]!.toLowerCase().startsWith('v')).map((a) => a.outcome);
    assert.deepEqual(outcomes.map((o) => (o.kind === 'diverged' ? o.keys : o.kind)), [['vs'], ['vs']]);
    const digest = runRead({ ks, db: 0, now: Date.now() }, ['DEBUG', 'DIGEST']);
    assert.equal(digest.type, 'error');
    assert.match(String(digest.value), /'vs'/);
    assert.deepEqual(normalizeValue(runRead({ ks, db: 0, now: Date.now() }, ['DEBUG', 'DIGEST-VALUE', 'k'])), [String((await m.call('DEBUG', 'DIGEST-VALUE', 'k') as string[])[0])]);
  } finally {
    m.close();
    raw.close();
    await master.stop();
  }
});

test('RESTORE of a module\'s value (a vector set\'s DUMP) keeps it opaque, as a load does: DEBUG DIGEST names it as only the module can digest it', async () => {
  const master = await RedisServer.start({ binary: live.binary, args: ['--enable-debug-command', 'yes', '--repl-diskless-sync', 'no', '--repl-ping-replica-period', '3600'] });
  const raw = await RawReplica.sync(master.port, 20_000);
  const m = await master.client({ returnBuffers: true });
  try {
    await m.call('VADD', 'vs', 'VALUES', '3', '0.1', '0.2', '0.3', 'e1');
    assert.equal(String(await m.call('RESTORE', 'vs2', '0', (await m.call('DUMP', 'vs')) as Buffer)), 'OK');
    const ks = new Keyspace(16, dialect);
    const applier = new StreamApplier(ks);
    applier.apply(parseCommands(await raw.streamUpTo(Number((await m.info('replication')).get('master_repl_offset')))));
    const restore = applier.applied.find((a) => a.argv[0]!.toLowerCase() === 'restore');
    assert.ok(restore);
    assert.equal(restore.outcome.kind, 'ok');
    // (vs itself diverged at VADD; the restored copy is a module value the engine holds as is.)
    const digest = runRead({ ks, db: 0, now: Date.now() }, ['DEBUG', 'DIGEST-VALUE', 'vs2']);
    assert.deepEqual(normalizeValue(digest), [{ error: "ERR digest unavailable: 'vs2' in db0 holds a value of module type 'vectorset' that only the module can digest" }]);
  } finally {
    m.close();
    raw.close();
    await master.stop();
  }
});

test('RESTORE of an 8.8 DUMP is applied, or, for a type the RDB decoder does not read yet, marks its key unknown: never an error a real replica would not give', async () => {
  const master = await RedisServer.start({ binary: live.binary, args: ['--enable-debug-command', 'yes', '--repl-diskless-sync', 'no', '--repl-ping-replica-period', '3600'] });
  const raw = await RawReplica.sync(master.port, 20_000);
  const m = await master.client({ returnBuffers: true });
  try {
    await m.pipeline([['SET', 's', 'v'], ['HSET', 'h', 'a', '1'], ['XADD', 'x', '1-1', 'f', 'v'], ['ZADD', 'z', '0.1', 'm']]);
    for (const k of ['s', 'h', 'x', 'z']) await m.call('RESTORE', `${k}2`, '0', (await m.call('DUMP', k)) as Buffer);
    const ks = new Keyspace(16, dialect);
    const applier = new StreamApplier(ks);
    applier.apply(parseCommands(await raw.streamUpTo(Number((await m.info('replication')).get('master_repl_offset')))));
    const restores = applier.applied.filter((a) => a.argv[0]!.toLowerCase() === 'restore');
    assert.equal(restores.length, 4);
    // An older version refuses the newer payload, as redis-server 7.4.1 itself does.
    const old = await RedisServer.start({ binary: liveServer('redis-7.4.1').binary });
    try {
      const o = await old.client();
      const theirs = await o.send(...restores[0]!.argv.map((a) => Buffer.from(a, 'latin1')));
      o.close();
      const mine = applyWrite({ ks: new Keyspace(16, profileById('redis-7.4')!), db: 0, now: Date.now() }, restores[0]!.argv);
      assert.equal(mine.kind === 'error' ? mine.error : mine.kind, theirs instanceof ReplyError ? theirs.message : 'ok');
    } finally {
      await old.stop();
    }
    for (const a of restores) {
      const key = a.argv[1]!;
      if (a.outcome.kind === 'diverged') assert.deepEqual(a.outcome.keys, [key]);
      else {
        assert.equal(a.outcome.kind, 'ok', `${a.argv[1]}: ${JSON.stringify(a.outcome)}`);
        const theirs = ((await m.call('DEBUG', 'DIGEST-VALUE', key)) as Buffer[])[0]!.toString();
        assert.deepEqual(normalizeValue(runRead({ ks, db: 0, now: Date.now() }, ['DEBUG', 'DIGEST-VALUE', key])), [theirs], key);
      }
    }
  } finally {
    m.close();
    raw.close();
    await master.stop();
  }
});

test('Redis 8.x writes with bad arguments get redis-server\'s own errors, and good ones the same effect', async () => {
  const master = await RedisServer.start({ binary: live.binary, args: ['--enable-debug-command', 'yes'] });
  const m = await master.client();
  try {
    const ks = new Keyspace(16, dialect);
    const ctx = { ks, db: 0, now: Date.now() };
    const commands: string[][] = [
      ['SET', 'k', 'v'], ['HSET', 'h', 'a', '1'], ['SET', 'n', '12345'],
      ['HSETEX', 'h', 'FIELDS', '2', 'a', '1'], ['HSETEX', 'h', 'EX', '10', 'KEEPTTL', 'FIELDS', '1', 'a', '1'],
      ['HSETEX', 'h', 'FXX', 'FNX', 'FIELDS', '1', 'a', '1'], ['HSETEX', 'h', 'FIELDS', '0', 'a', '1'], ['HSETEX', 'h', 'BAD', 'FIELDS', '1', 'a', '1'],
      ['HSETEX', 'h', 'EX', '-1', 'FIELDS', '1', 'a', '1'], ['HSETEX', 'h', 'EX', 'abc', 'FIELDS', '1', 'a', '1'], ['HSETEX', 'h', 'PXAT', '281474976710656', 'FIELDS', '1', 'a', '1'],
      ['HSETEX', 'h', 'FIELDS', '1', 'a', '1', 'FIELDS', '1', 'b', '2'], ['HSETEX', 'h', 'PX', '10', 'KEEPTTL', 'x'], ['HSETEX', 'k', 'FIELDS', '1', 'a', '1'],
      ['HSETEX', 'h', 'FIELDS', '1', 'a', '1', 'EX'],
      ['HGETEX', 'k', 'FIELDS', '1', 'a'], ['HGETEX', 'h', 'PERSIST', 'EX', '1', 'FIELDS', '1', 'a'], ['HGETEX', 'h', 'FIELDS', '1', 'a', 'b'],
      ['HGETDEL', 'h', 'FIELDX', '1', 'a'], ['HGETDEL', 'h', 'FIELDS', '0', 'a'], ['HGETDEL', 'h', 'FIELDS', '2', 'a'], ['HGETDEL', 'k', 'FIELDS', '1', 'a'],
      ['MSETEX', '0', 'k', 'v'], ['MSETEX', '2', 'k', 'v'], ['MSETEX', 'x', 'k', 'v'], ['MSETEX', '1', 'k', 'v', 'GET'], ['MSETEX', '1', 'k', 'v', 'EX', '0'],
      ['MSETEX', '1', 'k', 'v', 'NX', 'XX'], ['MSETEX', '1', 'k', 'v', 'KEEPTTL', 'EX', '5'], ['MSETEX', '1', 'k2', 'v', 'IFEQ', 'x'],
      ['DELEX', 'k', 'IFEQ'], ['DELEX', 'k', 'FOO', 'x'], ['DELEX', 'h', 'IFEQ', 'x'], ['DELEX', 'missing', 'FOO', 'x'], ['DELEX', 'k', 'IFDEQ', 'short'],
      ['SET', 'k', 'v', 'IFDEQ', 'short'], ['SET', 'k', 'v', 'NX', 'IFEQ', 'x'], ['SET', 'k', 'w', 'IFEQ', 'v', 'NX'], ['SET', 'h', 'v', 'IFEQ', 'x'],
      ['SET', 'k', 'v', 'IFEQ', 'w', 'IFNE', 'x'], ['SET', 'n', '7', 'IFEQ', '12345'], ['SET', 'nokey', 'v', 'IFNE', 'x'], ['SET', 'nokey2', 'v', 'IFEQ', 'x'],
      ['BITOP', 'DIFF', 'd', 'k'], ['BITOP', 'ANDOR', 'd'], ['BITOP', 'ONE', 'd', 'k'], ['BITOP', 'FOO', 'd', 'k'], ['BITOP', 'DIFF1', 'd', 'k', 'h'],
    ];
    for (const argv of commands) {
      const theirs = await m.send(...argv);
      const mine = applyWrite(ctx, argv);
      const expected = theirs instanceof ReplyError ? theirs.message : 'ok';
      assert.equal(mine.kind === 'error' ? mine.error : mine.kind, expected, argv.join(' '));
    }
    assert.equal(normalizeValue(runRead(ctx, ['DEBUG', 'DIGEST'])), String(await m.call('DEBUG', 'DIGEST')));
  } finally {
    m.close();
    await master.stop();
  }
});

test('DIGEST (XXH3-64) equals the server\'s on every length path of the hash: 0 to 16, to 128, to 240, long inputs across blocks', async () => {
  const master = await RedisServer.start({ binary: live.binary });
  const m = await master.client({ returnBuffers: true });
  try {
    const lengths = [0, 1, 2, 3, 4, 7, 8, 9, 15, 16, 17, 31, 32, 33, 64, 65, 96, 97, 127, 128, 129, 160, 200, 239, 240, 241, 255, 256,
      1023, 1024, 1025, 4096, 100_003];
    const ks = new Keyspace(16, dialect);
    let seed = 7;
    for (const n of lengths) {
      const value = Buffer.alloc(n);
      for (let i = 0; i < n; i++) value[i] = (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24;
      await m.call('SET', `k${n}`, value);
      assert.equal(applyWrite({ ks, db: 0, now: Date.now() }, ['SET', `k${n}`, value.toString('latin1')]).kind, 'ok');
      const theirs = String(await m.call('DIGEST', `k${n}`));
      assert.deepEqual(normalizeValue(runRead({ ks, db: 0, now: Date.now() }, ['DIGEST', `k${n}`])), theirs, `${n} bytes`);
    }
  } finally {
    m.close();
    await master.stop();
  }
});
