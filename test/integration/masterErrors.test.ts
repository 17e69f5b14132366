// The engine next to a real replica of the same build (7.0, the 8.8 line,
// Valkey 8.0), each behind its own fault proxy to the same master, given the
// same bytes after the same stream:
// their log lines about a protocol error (afterErrorReply's == CRITICAL ==,
// showLatestBacklog's "Latest backlog is:", setProtocolError's line) and about
// an error reply to the master must be the same, line by line. Only the client
// info differs (ids, addresses, memory): the fields the engine prints are
// compared with the real ones.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ReplState } from '../../src/engine/states';
import type { RedisClient } from '../../src/net/redisClient';
import { encodeCommand } from '../../src/resp/encode';
import { FaultProxy } from '../support/faultProxy';
import { RedisServer, sleep, waitFor } from '../support/redisServer';
import { ReplicaUnderTest } from '../support/replicaUnderTest';
import { liveServer, type LiveServer } from '../support/servers';

const HOST = '127.0.0.1';
const LEVELS: Readonly<Record<string, string>> = { '.': 'debug', '-': 'verbose', '*': 'notice', '#': 'warning' };
const CLIENT_INFO = /^(Protocol error \(.*?\) from client: )(.*?)(\. Query buffer during protocol error: )/;

/** A redis-server log as `level message` entries; a line that does not start an entry continues the one before. */
function logEntries(text: string): string[] {
  const entries: string[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const m = /^\d+:[XCSM] \d{2} \w{3} \d{4} [\d:.]+ ([.\-*#]) (.*)$/.exec(line);
    if (m) entries.push(`${LEVELS[m[1]!]} ${m[2]}`);
    else if (entries.length > 0) entries[entries.length - 1] += `\n${line}`;
  }
  return entries;
}

const cmd = (...args: string[]): string => encodeCommand(args).toString('latin1');

interface Pair {
  real: RedisServer;
  realClient: RedisClient;
  ours: ReplicaUnderTest;
  proxies: [FaultProxy, FaultProxy];
}

describe('errors on the master link, next to a real replica of the same build', { concurrency: 3 }, () => {
  for (const name of ['debian', 'redis-unstable-2026-06', 'valkey-8.0.1']) describeBuild(liveServer(name));
});

function describeBuild(server: LiveServer): void {
describe(`${server.name} (emulating ${server.profile})`, { concurrency: 1 }, () => {
  const redis70 = server.profile === 'redis-7.0';
  let master: RedisServer;
  let admin: RedisClient;
  let pair: Pair | null = null;

  before(async () => {
    // No PING from the master: the stream carries only the tests' writes and injections.
    master = await RedisServer.start({ binary: server.binary, args: ['--repl-diskless-sync', 'no', '--repl-ping-replica-period', '3600'] });
    admin = await master.client();
  });
  after(async () => {
    await stopPair();
    admin?.close();
    await master?.stop();
  });

  async function stopPair(): Promise<void> {
    if (!pair) return;
    const p = pair;
    pair = null;
    p.realClient.close();
    await p.ours.stop();
    await p.real.stop();
    await Promise.all(p.proxies.map((x) => x.stop()));
  }

  /** A real replica and the engine, each through its own proxy, both CONNECTED. */
  async function startPair(): Promise<Pair> {
    await stopPair();
    const proxies: [FaultProxy, FaultProxy] = [await FaultProxy.start(master.port), await FaultProxy.start(master.port)];
    const real = await RedisServer.start({ binary: server.binary, args: ['--replicaof', HOST, String(proxies[0].port)] });
    const realClient = await real.client();
    const ours = await ReplicaUnderTest.start({ emulate: server.profile, replicaof: { host: HOST, port: proxies[1].port } });
    pair = { real, realClient, ours, proxies };
    await waitFor('the real replica up', async () => (await realClient.info('replication')).get('master_link_status') === 'up');
    await ours.waitForState(ReplState.CONNECTED);
    return pair;
  }

  /** Both replicas have applied (and read) everything the master sent. */
  async function caughtUp(p: Pair): Promise<void> {
    const offset = (await admin.info('replication')).get('master_repl_offset');
    await waitFor(`both at ${offset}`, async () =>
      (await p.realClient.info('replication')).get('slave_repl_offset') === offset && String(p.ours.engine.info.master?.reploff) === offset);
  }

  /** The same bytes to both, as if the master had sent them; returns once both have read them. */
  async function inject(p: Pair, bytes: string): Promise<void> {
    const realBefore = Number((await p.realClient.info('replication')).get('slave_read_repl_offset'));
    const oursBefore = p.ours.engine.info.master!.read_reploff;
    for (const proxy of p.proxies) proxy.current!.inject(bytes);
    await waitFor('both read the injection', async () =>
      Number((await p.realClient.info('replication')).get('slave_read_repl_offset')) >= realBefore + bytes.length &&
      (p.ours.engine.info.master === null || p.ours.engine.info.master.read_reploff >= oursBefore + bytes.length));
  }

  /**
   * The log lines since the marks, each side's, until `last` (a line both
   * must reach), the client info blanked and returned apart.
   */
  async function linesUntil(p: Pair, marks: { real: number; ours: number }, last: RegExp): Promise<{ real: string[]; ours: string[]; realClient: string[]; ourClient: string[] }> {
    const cut = (entries: string[]): string[] => entries.slice(0, entries.findIndex((l) => last.test(l.replace(/^\w+ /, ''))) + 1);
    const real = await waitFor(`the real replica to log ${last}`, () => {
      const since = logEntries(p.real.log()).slice(marks.real);
      return since.some((l) => last.test(l.replace(/^\w+ /, ''))) ? cut(since) : null;
    });
    const ours = await waitFor(`the engine to log ${last}`, () => {
      const since = p.ours.logs.slice(marks.ours).map((l) => `${l.level} ${l.message}`);
      return since.some((l) => last.test(l.replace(/^\w+ /, ''))) ? cut(since) : null;
    });
    const blank = (lines: string[], infos: string[]): string[] => lines.map((l) => l.replace(/^(\w+ )(.*)$/s, (_, level: string, m: string) =>
      level + m.replace(CLIENT_INFO, (_x: string, a: string, info: string, b: string) => {
        infos.push(info);
        return `${a}<client info>${b}`;
      })));
    const realClient: string[] = [];
    const ourClient: string[] = [];
    return { real: blank(real, realClient), ours: blank(ours, ourClient), realClient, ourClient };
  }

  const marks = (p: Pair): { real: number; ours: number } => ({ real: logEntries(p.real.log()).length, ours: p.ours.logs.length });

  /** catClientInfoString's fields the engine prints, from the real line: flags, db, multi, qbuf. */
  function assertSameClientFields(real: string, ours: string): void {
    const fields = (info: string): string => ['flags', 'db', 'multi', 'qbuf'].map((f) => new RegExp(`(?:^| )${f}=(\\S*)`).exec(info)?.[0]?.trim() ?? `${f}=?`).join(' ');
    assert.equal(fields(ours), fields(real), `real: ${real}\nours: ${ours}`);
  }

  const PROTOCOL_LINE = /^Protocol error \(/;

  test("a byte where '$' belongs after a SET: == CRITICAL == naming 'set', the latest backlog, the query buffer from qb_pos", async () => {
    const p = await startPair();
    await admin.call('SET', 'foo', 'bar');
    await caughtUp(p);
    const m = marks(p);
    await inject(p, '*1\r\nX3\r\nfoo\r\n');
    const { real, ours, realClient, ourClient } = await linesUntil(p, m, PROTOCOL_LINE);
    assert.equal(real.length, 3, real.join('\n'));
    assert.deepEqual(ours, real);
    if (redis70) assert.equal(real[0], "warning == CRITICAL == This replica is sending an error to its master: 'Protocol error: expected '$', got 'X'' after processing the command 'set'");
    assert.match(real[2]!, /Query buffer during protocol error: 'X3\.\.foo\.\.'$/);
    assertSameClientFields(realClient[0]!, ourClient[0]!);
  });

  test('an invalid bulk length in the middle of a request: sampled from the bulk that failed', async () => {
    const p = await startPair();
    await admin.call('SET', 'foo', 'bar');
    await caughtUp(p);
    const m = marks(p);
    await inject(p, '*2\r\n$3\r\nfoo\r\n$abc\r\n');
    const { real, ours, realClient, ourClient } = await linesUntil(p, m, PROTOCOL_LINE);
    assert.ok(real.length >= 2, real.join('\n'));
    assert.deepEqual(ours, real);
    assert.match(real.at(-1)!, /^warning Protocol error \(invalid bulk length\) from client: <client info>\. Query buffer during protocol error: '\$abc\.\.'$/);
    assertSameClientFields(realClient[0]!, ourClient[0]!);
  });

  test('a too big multibulk count: the long sample', async () => {
    const p = await startPair();
    await admin.call('SET', 'foo', 'bar');
    await caughtUp(p);
    const m = marks(p);
    await inject(p, `*${'1'.repeat(70_000)}`);
    const { real, ours, realClient, ourClient } = await linesUntil(p, m, PROTOCOL_LINE);
    assert.ok(real.length >= 2, real.join('\n'));
    assert.deepEqual(ours, real);
    if (server.profile !== 'redis-8.8') assert.match(real.at(-1)!, /\(\.\.\. more 69873 bytes \.\.\.\)/);
    assertSameClientFields(realClient[0]!, ourClient[0]!);
  });

  test('commands the replica refuses: REPLCONF syntax and options, unknown commands, wrong arity, an unknown subcommand', async () => {
    const p = await startPair();
    await admin.call('SET', 'foo', 'bar');
    await caughtUp(p);
    const m = marks(p);
    for (const bytes of [
      cmd('REPLCONF', 'GETACK'),
      cmd('REPLCONF', 'foo'),
      cmd('REPLCONF', 'bogus', 'x'),
      cmd('NOSUCHCMD'),
      cmd('NOSUCHCMD', 'a', 'b'),
      cmd('GET'),
      // A read the master sends changes nothing and logs nothing (no divergence either).
      cmd('GET', 'foo'),
      cmd('MULTI'), cmd('NOSUCHCMD'), cmd('SET', 'x', 'y'), cmd('EXEC'),
      cmd('CONFIG', 'NOSUCH'),
      '*1\r\nX\r\n',
    ]) {
      await inject(p, bytes);
      await sleep(30);
    }
    const { real, ours } = await linesUntil(p, m, PROTOCOL_LINE);
    // The unknown command inside MULTI makes EXEC abort the transaction.
    assert.equal(real.filter((l) => l.startsWith('warning == CRITICAL ==')).length, 10, real.join('\n'));
    assert.ok(real.some((l) => l.includes("'-EXECABORT Transaction discarded because of previous errors.' after processing the command 'exec'")), real.join('\n'));
    assert.deepEqual(ours, real);
  });

  test('error replies to the master (WRONGTYPE, inside EXEC, SELECT, a subcommand), then a protocol error inside MULTI', async () => {
    const p = await startPair();
    await admin.call('SET', 'foo', 'bar');
    await caughtUp(p);
    const m = marks(p);
    for (const bytes of [
      cmd('LPUSH', 'foo', 'x'),
      cmd('MULTI') + cmd('LPUSH', 'foo', 'x') + cmd('EXEC'),
      cmd('SELECT', '99'),
      cmd('XGROUP', 'CREATE', 'nokey', 'g', '$'),
      cmd('MULTI') + cmd('SET', 'a', 'b'),
      '*1\r\nX\r\n',
    ]) {
      await inject(p, bytes);
      await sleep(50);
    }
    const { real, ours, realClient, ourClient } = await linesUntil(p, m, PROTOCOL_LINE);
    assert.equal(real.filter((l) => l.startsWith('warning == CRITICAL ==')).length, 5, real.join('\n'));
    if (redis70) assert.equal(real.filter((l) => l.startsWith('warning Latest backlog is:')).length, 5, real.join('\n'));
    assert.deepEqual(ours, real);
    if (redis70) assert.ok(real.includes("warning == CRITICAL == This replica is sending an error to its master: '-WRONGTYPE Operation against a key holding the wrong kind of value' after processing the command 'exec'"));
    // Inside MULTI: flags=Mx multi=1, and qbuf counts from the MULTI, read before.
    assert.match(realClient[0]!, / flags=Mx .* multi=1 (watch=0 )?qbuf=49 /);
    assertSameClientFields(realClient[0]!, ourClient[0]!);
  });
});
}
