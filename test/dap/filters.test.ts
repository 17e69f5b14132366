// The protocol-error and divergence exception filters, provoked for real: the
// real adapter replicating from a real redis-server 7.0 master. A master never
// sends a corrupt stream, so the protocol errors are injected by the fault
// proxy after CONNECTED; the divergence needs no fabrication: a real master
// replicates ZREMRANGEBYLEX over members of different scores in a skiplist,
// whose result depends on redis-server's random skiplist levels.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { RedisClient as Client } from '../../src/net/redisClient';
import { FaultProxy } from '../support/faultProxy';
import { RedisServer, waitFor } from '../support/redisServer';
import { Adapter } from './harness';

const ALL_FILTERS = ['timeout', 'link-error', 'auth-error', 'protocol-error', 'full-resync', 'rdb-error', 'divergence'];
const allBut = (filter: string): string[] => ALL_FILTERS.filter((f) => f !== filter);

/** processMultibulkBuffer reads `*1`, then finds 'X' where the bulk's '$' belongs. */
const BAD_BULK = '*1\r\nX3\r\nfoo\r\n';
/** afterErrorReply()'s line: no command came from this master since the sync, so Redis names none. */
const BAD_BULK_MESSAGE = "== CRITICAL == This replica is sending an error to its master: 'Protocol error: expected '$', got 'X'' after processing the command '<unknown>'";
const INLINE_WARNING = 'WARNING: Receiving inline protocol from master, master stream corruption? Closing the master connection and discarding the cached master.';

/**
 * 200 members (> zset-max-listpack-entries: a skiplist), scores 0..199, names
 * alternating a000, z001, a002…: in score order the names are not in lex
 * order, so a lex range over them walks the skiplist from wherever its random
 * levels lead (redis-server's result is not reproducible).
 */
const MIXED_ZSET = Array.from({ length: 200 }, (_, i) => [String(i), `${i % 2 ? 'z' : 'a'}${String(i).padStart(3, '0')}`]).flat();
const LEX_REASON = "lex range over members with different scores in a skiplist: redis-server's result depends on its random skiplist levels";

describe('exception filters provoked for real: protocol-error and divergence', () => {
  let master: RedisServer;
  let client: Client;
  let proxy: FaultProxy | null = null;
  const adapters: Adapter[] = [];
  const adapter = (): Adapter => {
    const a = Adapter.start();
    adapters.push(a);
    return a;
  };

  before(async () => {
    // No PING from the master: the stream carries only the tests' writes (and the proxy's injections).
    master = await RedisServer.start({ args: ['--repl-diskless-sync', 'no', '--enable-debug-command', 'yes', '--repl-ping-replica-period', '3600'] });
    client = await master.client();
    await client.pipeline(Array.from({ length: 50 }, (_, i) => ['SET', `key:${i}`, `value-${i}`]));
  });
  afterEach(async () => {
    await Promise.all(adapters.splice(0).map((a) => a.close()));
    await proxy?.stop();
    proxy = null;
    await client.call('DEL', 'zlex', 'after:divergence');
    await waitFor('the master to drop the replicas', async () => (await client.info('replication')).get('connected_slaves') === '0');
  });
  after(async () => {
    client?.close();
    await master?.stop();
  });

  /** Waits for the `nth` replicaStateChanged event into `to` since the session began; returns its index. */
  const reached = (a: Adapter, to: string, nth = 1): Promise<number> =>
    a.until(`${to} #${nth}`, () => {
      let seen = 0;
      const i = a.stateChanges.findIndex((c) => c.to === `REPL_STATE_${to}` && ++seen === nth);
      return i < 0 ? undefined : i;
    }, 15_000);

  const pairs = (a: Adapter, from = 0): string[] =>
    a.stateChanges.slice(from).map((c) => `${c.from}->${c.to} (${c.cause})`.replace(/REPL_STATE_/g, ''));

  const outputSince = (a: Adapter, from: number): string[] => a.output.slice(from).map((o) => o.output.replace(/^\[replica \d+\] |\n$/g, ''));

  async function launch(masterPort: number, filters: string[]): Promise<Adapter> {
    const a = adapter();
    await a.launch({ master: `127.0.0.1:${masterPort}`, replicas: 1, pauseMode: 'keepalive' }, (dc) => dc.setExceptionBreakpointsRequest({ filters }));
    await reached(a, 'CONNECTED');
    return a;
  }

  /** Launched through a fresh fault proxy, CONNECTED. */
  async function launchThroughProxy(filters: string[]): Promise<{ a: Adapter; link: NonNullable<FaultProxy['current']> }> {
    proxy = await FaultProxy.start(master.port);
    const a = await launch(proxy.port, filters);
    return { a, link: proxy.current! };
  }

  /** After a protocol error: the replica reconnected at once, without a cached master, and synced in full. */
  async function assertResyncedInFull(a: Adapter, fromChange: number, fromOutput: number): Promise<void> {
    await reached(a, 'CONNECTED', 2);
    const after = pairs(a, fromChange);
    assert.equal(after[0], 'CONNECTED->CONNECT (protocol-error)');
    // replicationHandleMasterDisconnection(): the reconnect follows at once, not at the next cron tick.
    assert.equal(after[1], 'CONNECT->CONNECTING (reconnect)');
    assert.ok(after.includes('RECEIVE_PSYNC_REPLY->TRANSFER (full-resync)'), after.join(', '));
    assert.equal(after.at(-1), 'TRANSFER->CONNECTED (sync-finished)');
    const lines = outputSince(a, fromOutput);
    assert.ok(lines.includes('Connection with master lost.'));
    assert.ok(!lines.includes('Caching the disconnected master state.'), 'a protocol error must not cache the master');
    assert.ok(lines.includes('Partial resynchronization not possible (no cached master)'));
    // The second replication link asked for a full sync: PSYNC ? -1. (The debugger's own short
    // connection that asks the master's repl-timeout goes through the proxy too: not a replication link.)
    const replicationLinks = proxy!.links.filter((l) => l.replicaToMasterText.includes('PSYNC'));
    assert.equal(replicationLinks.length, 2);
    assert.ok(replicationLinks[1]!.replicaToMasterText.includes('*3\r\n$5\r\nPSYNC\r\n$1\r\n?\r\n$2\r\n-1\r\n'));
    const stats = await a.dc.evaluateRequest({ expression: 'stat_sync_full', context: 'watch' });
    assert.equal(stats.body.result, '2');
  }

  // ---- protocol-error -------------------------------------------------------------------------

  /** What the next test saw, for the one after it. */
  let badBulk: { lines: string[]; info: DebugProtocol.ExceptionInfoResponse['body'] } | null = null;

  test("protocol error in the stream (a byte where '$' belongs) stops as MasterProtocolError when the cron frees the master; after continue the replica syncs in full", async () => {
    const { a, link } = await launchThroughProxy(['protocol-error']);
    const changes = a.stateChanges.length;
    const output = a.output.length;
    link.inject(BAD_BULK);

    const stop = await a.nextStop(1);
    assert.equal(stop.body.reason, 'exception');
    assert.equal(stop.body.description, `MasterProtocolError: ${BAD_BULK_MESSAGE}`);
    const info = await a.dc.exceptionInfoRequest({ threadId: 1 });
    assert.deepEqual(info.body, {
      exceptionId: 'MasterProtocolError',
      description: BAD_BULK_MESSAGE,
      breakMode: 'always',
      details: {
        message: BAD_BULK_MESSAGE,
        typeName: 'MasterProtocolError',
        fullTypeName: 'REPL_STATE_CONNECTED -> REPL_STATE_CONNECT (protocol-error)',
        // The flagged master is freed by the next replicationCron (its ACK), innermost first.
        stackTrace: 'replicationHandleMasterDisconnection\nfreeClient\nreplicationCron',
      },
    });
    // Stopped on the transition: the link is closed and the reconnect not yet made.
    assert.match(await a.threadName(1), /\[CONNECT\] redis-7\.0$/);
    // Redis's setProtocolError line, before the transition, shows the bad byte in the query buffer.
    const lines = outputSince(a, output);
    const logged = lines.find((l) => l.startsWith('Protocol error (expected $ but got something else) from client: '));
    assert.ok(logged, lines.join('\n'));
    assert.match(logged, /flags=M db=0 multi=-1 qbuf=13\. Query buffer during protocol error: '.*X3\.\.foo\.\.'$/);

    badBulk = { lines, info: info.body };

    await a.dc.continueRequest({ threadId: 1 });
    await assertResyncedInFull(a, changes, output);
    assert.deepEqual(a.stops, []);
  });

  // Live redis-server 7.0.15, same injection after a SET: "== CRITICAL == This replica is sending an
  // error to its master: 'Protocol error: expected '$', got 'X'' after processing the command 'set'",
  // "Latest backlog is: …", then "Protocol error (expected $ but got something else) from client: …
  // Query buffer during protocol error: 'X3..foo..'" (sampled from qb_pos, after the `*1` it consumed).
  test("protocol error in the stream: the log and exceptionInfo name the bad byte as redis-server 7.0.15 does", () => {
    assert.ok(badBulk, 'the test before provoked the protocol error');
    const { lines, info } = badBulk;
    assert.ok(lines.some((l) => l.startsWith("== CRITICAL == This replica is sending an error to its master: 'Protocol error: expected '$', got 'X'' after processing the command ")), lines.join('\n'));
    assert.ok(lines.some((l) => l.endsWith("Query buffer during protocol error: 'X3..foo..'")), lines.join('\n'));
    assert.match(`${info.description} ${info.details?.message}`, /got 'X'/);
  });

  test("inline protocol from the master stops as protocol-error with Redis's WARNING as the exception's description", async () => {
    const { a, link } = await launchThroughProxy(['protocol-error']);
    const changes = a.stateChanges.length;
    const output = a.output.length;
    link.inject('hello\r\n');
    const stop = await a.nextStop(1);
    assert.equal(stop.body.reason, 'exception');
    const info = await a.dc.exceptionInfoRequest({ threadId: 1 });
    assert.equal(info.body.exceptionId, 'MasterProtocolError');
    // processInlineBuffer's own line, word for word.
    assert.equal(info.body.description, INLINE_WARNING);
    assert.equal(info.body.details!.fullTypeName, 'REPL_STATE_CONNECTED -> REPL_STATE_CONNECT (protocol-error)');
    const lines = outputSince(a, output);
    assert.ok(lines.includes(INLINE_WARNING), lines.join('\n'));
    assert.ok(lines.some((l) => /^Protocol error \(Master using the inline protocol\. Desync\?\) from client: .*flags=M.* Query buffer during protocol error: 'hello\.\.'$/.test(l)), lines.join('\n'));
    await a.dc.continueRequest({ threadId: 1 });
    await assertResyncedInFull(a, changes, output);
  });

  test('with protocol-error off (every other filter on), a protocol error does not stop: the replica reconnects and syncs in full', async () => {
    const { a, link } = await launchThroughProxy(allBut('protocol-error'));
    const changes = a.stateChanges.length;
    const output = a.output.length;
    link.inject(BAD_BULK);
    await assertResyncedInFull(a, changes, output);
    assert.deepEqual(a.stops, []);
  });

  // ---- divergence -------------------------------------------------------------------------------

  test('a replicated ZREMRANGEBYLEX whose result depends on the skiplist levels stops as DatasetDivergence naming the key; after continue the stream goes on and DEBUG DIGEST refuses until a full sync', async () => {
    const a = await launch(master.port, ['divergence']);
    await client.call('ZADD', 'zlex', ...MIXED_ZSET);
    assert.equal(await client.call('OBJECT', 'ENCODING', 'zlex'), 'skiplist');
    const offsetBefore = Number((await client.info('replication')).get('master_repl_offset'));
    // redis-server removes whatever its skiplist walk finds: some members, how many depends on its levels.
    assert.ok(Number(await client.call('ZREMRANGEBYLEX', 'zlex', '[m', '+')) > 0);

    const stop = await a.nextStop(1);
    assert.equal(stop.body.reason, 'exception');
    const description = `Divergence: 'zremrangebylex' on 'zlex' in db 0 at offset ${offsetBefore} could not be applied (${LEX_REASON})`;
    assert.equal(stop.body.description, `DatasetDivergence: ${description}`);
    const info = await a.dc.exceptionInfoRequest({ threadId: 1 });
    assert.deepEqual(info.body, {
      exceptionId: 'DatasetDivergence',
      description,
      breakMode: 'always',
      details: {
        message: `${description}; those keys are unknown until the next full sync, and DEBUG DIGEST says so`,
        typeName: 'DatasetDivergence',
        fullTypeName: 'ZREMRANGEBYLEX zlex [m +',
        stackTrace: 'zremrangebylexCommand\nprocessCommand\nprocessInputBuffer\nreadQueryFromClient',
      },
    });
    assert.equal((await a.topFrame(1)).name, 'zremrangebylexCommand (CONNECTED: command)');
    // The engine's log line (redis-server applies the command and logs nothing).
    assert.ok(a.output.some((o) => o.output.includes(`Divergence: 'zremrangebylex' on 'zlex' in db 0 could not be applied (${LEX_REASON})`)));

    // Redis would apply it and go on: the replica stays CONNECTED and applies what follows.
    const changes = a.stateChanges.length;
    await a.dc.continueRequest({ threadId: 1 });
    await client.call('SET', 'after:divergence', 'applied');
    const replica = await Client.connect(Number(/:(\d+) →/.exec(await a.threadName(1))![1]));
    try {
      await waitFor('the write after the divergence', async () => (await replica.call('GET', 'after:divergence')) === 'applied');
      assert.deepEqual(pairs(a, changes), []);
      await assert.rejects(replica.call('DEBUG', 'DIGEST'), /digest unavailable: 1 key diverged from the master \(first: db0 'zlex' after ZREMRANGEBYLEX at offset \d+/);
      // A full sync (the master's ID changed) brings the master's zlex: the digests agree again.
      await client.call('DEBUG', 'CHANGE-REPL-ID');
      await client.call('CLIENT', 'KILL', 'TYPE', 'replica');
      await reached(a, 'CONNECTED', 2);
      assert.ok(pairs(a, changes).includes('RECEIVE_PSYNC_REPLY->TRANSFER (full-resync)'));
      assert.equal(String(await replica.call('DEBUG', 'DIGEST')), String(await client.call('DEBUG', 'DIGEST')));
    } finally {
      replica.close();
    }
    assert.deepEqual(a.stops, []);
  });

  test('with divergence off (every other filter on), a divergent write does not stop and the stream goes on', async () => {
    const a = await launch(master.port, allBut('divergence'));
    await client.call('ZADD', 'zlex', ...MIXED_ZSET);
    await client.call('ZREMRANGEBYLEX', 'zlex', '[m', '+');
    await client.call('SET', 'after:divergence', 'applied');
    const replica = await Client.connect(Number(/:(\d+) →/.exec(await a.threadName(1))![1]));
    try {
      await waitFor('the write after the divergence', async () => (await replica.call('GET', 'after:divergence')) === 'applied');
      // It diverged all the same: only the stop is off.
      await assert.rejects(replica.call('DEBUG', 'DIGEST'), /1 key diverged from the master \(first: db0 'zlex'/);
    } finally {
      replica.close();
    }
    assert.deepEqual(a.stops, []);
    assert.match(await a.threadName(1), /\[CONNECTED\] redis-7\.0$/);
  });
});
