// What the engine logs when its master's stream breaks the protocol or makes
// a command fail, byte for byte as redis-server 7.0.15 logs it (afterErrorReply,
// showLatestBacklog, setProtocolError). The expected lines are a live 7.0.15
// replica's, given the same bytes behind a fault proxy after the same stream
// (test/integration/masterErrors.test.ts compares the two live). The engine
// starts from the protocol-error capture, connected, with the master's
// SELECT 0, SET k 1, DEL k applied (70 bytes in the backlog).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { classify } from '../../src/debug/exceptionFilters';
import type { TransitionRecord } from '../../src/engine/io';
import { sdsRepr } from '../../src/engine/masterQueryBuffer';
import { ReplState } from '../../src/engine/states';
import { encodeCommand } from '../../src/resp/encode';
import { SessionReplay } from '../support/fakeMaster';
import { eventBytes, loadSession } from '../support/sessionCaptureFormat';

/** What the master sent after the sync, as the backlog holds it. */
const STREAM = '*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\n1\r\n*2\r\n$3\r\nDEL\r\n$1\r\nk\r\n';
const critical = (error: string, command: string): string =>
  `== CRITICAL == This replica is sending an error to its master: '${error}' after processing the command '${command}'`;
const backlog = (dump: string): string => `Latest backlog is: '${dump}'`;
const CLIENT_INFO = /^(Protocol error \(.*?\) from client: )(.*?)(\. Query buffer during protocol error: )/;

/** Connected, the stream above applied, the injection not yet read. */
function connected(): SessionReplay {
  const fixture = loadSession('protocol-error');
  const injected = fixture.events.find((e) => e.kind === 'm2r' && e.injected)!;
  const r = new SessionReplay(fixture, { stopBefore: (e) => e.kind === 'event' && e.event.seq === injected.seq }).run();
  assert.equal(r.engine.info.repl_state, ReplState.CONNECTED);
  assert.equal(r.engine.info.repl_backlog!.histlen, STREAM.length);
  return r;
}

/** Feeds one read from the master; the log lines it produced, client info blanked, and that info. */
function read(r: SessionReplay, bytes: string | Buffer): { lines: string[]; client: string[] } {
  const data = typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes;
  const results = r.feed({ type: 'data', link: r.engine.linkId!, bytes: data }, 'injected');
  const messages = results.flatMap((s) => s.logs.map((l) => `${l.level} ${l.message}`));
  const client: string[] = [];
  const lines = messages.map((m) => m.replace(/^warning /, '').replace(CLIENT_INFO, (_, a: string, info: string, b: string) => {
    client.push(info);
    return `${a}<client info>${b}`;
  }));
  assert.ok(messages.every((m) => m.startsWith('warning ')), messages.join('\n'));
  return { lines, client };
}

const cmd = (...args: string[]): string => encodeCommand(args).toString('latin1');

describe('a protocol error in the stream is logged as redis-server 7.0.15 logs it', () => {
  test("a byte where '$' belongs: == CRITICAL == with the last command, the latest backlog, then the query buffer from qb_pos", () => {
    const r = connected();
    const { lines, client } = read(r, '*1\r\nX3\r\nfoo\r\n');
    assert.deepEqual(lines, [
      critical("Protocol error: expected '$', got 'X'", 'del'),
      backlog(sdsRepr(Buffer.from(STREAM, 'latin1'))),
      "Protocol error (expected $ but got something else) from client: <client info>. Query buffer during protocol error: 'X3..foo..'",
    ]);
    const port = r.fixture.replica.config.replicaof.port;
    // redis-server: "… flags=M db=0 sub=0 psub=0 ssub=0 multi=-1 qbuf=13 …": the whole read, `*1` included.
    assert.deepEqual(client, [`addr=127.0.0.1:${port} flags=M db=0 multi=-1 qbuf=13`]);
  });

  // Each kind, with the live replica's lines (its client info blanked).
  const KINDS: [string, string, string[]][] = [
    ['invalid multibulk length', '*abc\r\n', [
      critical('Protocol error: invalid multibulk length', 'del'),
      "Protocol error (invalid mbulk count) from client: <client info>. Query buffer during protocol error: '*abc..'",
    ]],
    ['invalid bulk length, sampled from the bulk that failed', '*2\r\n$3\r\nfoo\r\n$abc\r\n', [
      critical('Protocol error: invalid bulk length', 'del'),
      "Protocol error (invalid bulk length) from client: <client info>. Query buffer during protocol error: '$abc..'",
    ]],
    ['unbalanced quotes in an inline request', '"abc\r\n', [
      critical('Protocol error: unbalanced quotes in request', 'del'),
      "Protocol error (unbalanced quotes in inline request) from client: <client info>. Query buffer during protocol error: '\"abc..'",
    ]],
    ['a too big inline request: the long sample keeps its prefix', 'a'.repeat(70_000), [
      critical('Protocol error: too big inline request', 'del'),
      `Protocol error (too big inline request) from client: <client info>. Query buffer during protocol error: '${'a'.repeat(64)}' (... more 69872 bytes ...) '${'a'.repeat(64)}'`,
    ]],
    ['a too big multibulk count', `*${'1'.repeat(70_000)}`, [
      critical('Protocol error: too big mbulk count string', 'del'),
      `Protocol error (too big mbulk count string) from client: <client info>. Query buffer during protocol error: '*${'1'.repeat(63)}' (... more 69873 bytes ...) '${'1'.repeat(64)}'`,
    ]],
    ['a too big bulk count, sampled from its `$`', `*1\r\n$${'1'.repeat(70_000)}`, [
      critical('Protocol error: too big bulk count string', 'del'),
      `Protocol error (too big bulk count string) from client: <client info>. Query buffer during protocol error: '$${'1'.repeat(63)}' (... more 69873 bytes ...) '${'1'.repeat(64)}'`,
    ]],
    ['non-printable bytes become dots and the sample ends at a NUL', '*1\r\nX\x80\x013\r\n\x00foo\r\n', [
      critical("Protocol error: expected '$', got 'X'", 'del'),
      "Protocol error (expected $ but got something else) from client: <client info>. Query buffer during protocol error: 'X..3..'",
    ]],
    ['inline data: processInlineBuffer\'s WARNING, no == CRITICAL == (no error reply)', 'hello\r\n', [
      'WARNING: Receiving inline protocol from master, master stream corruption? Closing the master connection and discarding the cached master.',
      "Protocol error (Master using the inline protocol. Desync?) from client: <client info>. Query buffer during protocol error: 'hello..'",
    ]],
  ];
  for (const [kind, bytes, expected] of KINDS) {
    test(kind, () => {
      const r = connected();
      const { lines } = read(r, bytes);
      const dump = backlog(sdsRepr(Buffer.from(STREAM, 'latin1')));
      assert.deepEqual(lines, expected[0]!.startsWith('== CRITICAL') ? [expected[0]!, dump, ...expected.slice(1)] : expected);
    });
  }

  test('inside MULTI: flags=Mx, multi=<queued>, qbuf from the MULTI across reads, the queued command is the last one, the backlog stops before the MULTI', () => {
    const r = connected();
    const multi = cmd('MULTI') + cmd('SET', 'a', 'b');
    assert.deepEqual(read(r, multi).lines, []);
    const { lines, client } = read(r, '*1\r\nX\r\n');
    assert.deepEqual(lines, [
      critical("Protocol error: expected '$', got 'X'", 'set'),
      backlog(sdsRepr(Buffer.from(STREAM, 'latin1'))),
      "Protocol error (expected $ but got something else) from client: <client info>. Query buffer during protocol error: 'X..'",
    ]);
    // Live: "flags=Mx db=0 sub=0 psub=0 ssub=0 multi=1 qbuf=49".
    assert.match(client[0]!, / flags=Mx db=0 multi=1 qbuf=49$/);
  });

  test('the last 256 bytes split across two replication buffer blocks are dumped one quoted part per block', () => {
    const r = connected();
    // The first block holds 20440 bytes (16 KiB + its header, rounded up by jemalloc): this SET fills
    // the 20370 left after the 70 above and puts its last 50 bytes in a second block.
    const value = 'v'.repeat(20_388);
    const set = cmd('SET', 'foo', value);
    assert.equal(set.length, 20_370 + 50);
    read(r, set);
    const { lines } = read(r, '*1\r\nX\r\n');
    assert.equal(lines[1], backlog(`"${'v'.repeat(206)}""${'v'.repeat(48)}\\r\\n"`));
  });

  test('a backlog dump longer than a log line is cut at LOG_MAX_LEN (1023 characters), as serverLog cuts it', () => {
    const r = connected();
    read(r, cmd('SET', 'foo', '\x01'.repeat(300)));
    const { lines } = read(r, '*1\r\nX\r\n');
    // The last 256 bytes: 254 of the value and its CRLF, four characters each once quoted.
    assert.equal(lines[1], `Latest backlog is: '"${'\\x01'.repeat(254)}\\r\\n"'`.slice(0, 1023));
    assert.equal(lines[1]!.length, 1023);
  });

  test("after a partial resync the cached master's last command and the backlog's history are still there", () => {
    const r = connected();
    const link = r.engine.linkId!;
    r.feed({ type: 'closed', link }, 'link lost');
    assert.ok(r.engine.info.cached_master);
    const next = r.engine.linkId!;
    r.feed({ type: 'connected', link: next }, 'connected');
    const replid = r.engine.info.cached_master!.replid;
    for (const reply of ['+PONG\r\n', '+OK\r\n', '+OK\r\n', `+CONTINUE ${replid}\r\n`]) r.feed({ type: 'data', link: next, bytes: Buffer.from(reply, 'latin1') }, reply);
    assert.equal(r.engine.info.repl_state, ReplState.CONNECTED);
    const { lines } = read(r, '*1\r\nX\r\n');
    assert.deepEqual(lines.slice(0, 2), [critical("Protocol error: expected '$', got 'X'", 'del'), backlog(sdsRepr(Buffer.from(STREAM, 'latin1')))]);
  });

  test("the exception's description is Redis's first line, not the engine's own words", () => {
    const r = connected();
    read(r, '*1\r\nX3\r\nfoo\r\n');
    const transition = r.cron().flatMap((s) => (s.point.kind === 'transition' ? [s.point.transition] : []))[0] as TransitionRecord;
    assert.equal(transition.cause, 'protocol-error');
    const line = critical("Protocol error: expected '$', got 'X'", 'del');
    assert.equal(transition.message, line);
    const classified = classify(transition)!;
    assert.equal(classified.filter, 'protocol-error');
    assert.equal(classified.exception.description, line);
    assert.equal(classified.exception.details.message, line);
  });
});

describe('an error reply to the master is logged as redis-server 7.0.15 logs it', () => {
  test('the error as afterErrorReply gets it (no "ERR ", a shared object with its "-"), the command by its full name, then the latest backlog', () => {
    const r = connected();
    const stream: string[] = [STREAM];
    const expectations: [string, string, string][] = [
      [cmd('SET', 's', 'v'), '', ''],
      [cmd('LPUSH', 's', 'x'), '-WRONGTYPE Operation against a key holding the wrong kind of value', 'lpush'],
      [cmd('SELECT', '99'), 'DB index is out of range', 'select'],
      [cmd('EXEC'), 'EXEC without MULTI', 'exec'],
      [cmd('RENAME', 'none', 'x'), '-ERR no such key', 'rename'],
      [cmd('SET', 'k'), "wrong number of arguments for 'set' command", 'set'],
      // A queued command fails inside EXEC: its lastcmd is EXEC.
      [cmd('MULTI') + cmd('LPUSH', 's', 'x') + cmd('EXEC'), '-WRONGTYPE Operation against a key holding the wrong kind of value', 'exec'],
      [cmd('XGROUP', 'CREATE', 'nokey', 'g', '$'), 'The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.', 'xgroup|create'],
      [cmd('XGROUP', 'NOPE', 'x'), "unknown subcommand 'NOPE'. Try XGROUP HELP.", '<unknown>'],
      [cmd('SET', 'foo', 'v', 'XX', 'NX'), '-ERR syntax error', 'set'],
    ];
    for (const [bytes, error, command] of expectations) {
      const { lines } = read(r, bytes);
      // The backlog shows what was applied before this command: its own bytes go in after it.
      const dump = Buffer.from(stream.join(''), 'latin1');
      const expected = error ? [critical(error, command), backlog(sdsRepr(dump.subarray(Math.max(0, dump.length - 256))))] : [];
      assert.deepEqual(lines, expected, bytes);
      stream.push(bytes);
    }
  });

  test('with no history in the backlog there is no "Latest backlog is:" line', () => {
    const fixture = loadSession('protocol-error');
    const firstWrite = fixture.events.find((e) => e.kind === 'm2r' && eventBytes(e).toString('latin1').startsWith('*2\r\n$6\r\nSELECT'))!;
    const r = new SessionReplay(fixture, { stopBefore: (e) => e.kind === 'event' && e.event.seq === firstWrite.seq }).run();
    assert.equal(r.engine.info.repl_backlog!.histlen, 0);
    assert.deepEqual(read(r, cmd('SELECT', '99')).lines, [critical('DB index is out of range', 'select')]);
  });
});
