import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RequestParser, type ParsedRequest, type ParseResult, type RequestParserOptions } from '../../src/resp/requestParser';
import { encodeCommand } from '../../src/resp/encode';
import type { RedisClient } from '../../src/net/redisClient';
import { captureReplicationStream, captureServerAnswer, type CapturedStream } from '../support/captureStream';
import { RedisServer } from '../support/redisServer';

// Seeded so a failing chunking can be replayed.
function mulberry32(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const BINARY = Buffer.concat([Buffer.from('héllo ✓ ', 'utf8'), Buffer.from([0x00, 0x0d, 0x0a, 0xff, 0x2a, 0x24, 0x0d])]);
const LARGE = Buffer.from(Array.from({ length: 200 * 1024 }, mulberry32(7)).map((x) => Math.floor(x * 256)));

async function workload(c: RedisClient): Promise<void> {
  await c.call('SET', 'bin', BINARY);
  await c.call('SET', 'large', LARGE);
  await c.call('SELECT', 3);
  await c.call('INCR', 'ctr');
  await c.call('SELECT', 0);
  for (const cmd of [['MULTI'], ['SET', 'a', '1'], ['SET', 'b', '2'], ['EXEC']]) await c.call(...cmd);
  await c.call('EVAL', "redis.call('set', KEYS[1], ARGV[1]); redis.call('incr', KEYS[2])", 2, 'lua1', 'lua2', 'x');
  await c.call('EXPIRE', 'bin', 1000);
  await c.call('SET', 'k', '', 'EX', 100);
  await c.call('DEL', 'a');
  await c.call('WAIT', 1, 2000); // makes the master send REPLCONF GETACK *
}

/** Pushes the chunks in order and collects every request; a protocol error fails the test. */
function parseChunks(chunks: Iterable<Buffer>, opts?: RequestParserOptions): ParsedRequest[] {
  const parser = new RequestParser(opts);
  const out: ParsedRequest[] = [];
  for (const chunk of chunks) {
    parser.push(chunk);
    for (let r = parser.next(); r.kind !== 'need-more'; r = parser.next()) {
      if (r.kind === 'error') throw new Error(r.message);
      out.push(r.request);
    }
  }
  assert.equal(parser.buffered, 0, 'bytes left unparsed');
  return out;
}

function* byteByByte(b: Buffer): Generator<Buffer> {
  for (let i = 0; i < b.length; i++) yield b.subarray(i, i + 1);
}

function* randomChunks(b: Buffer, seed: number, max: number): Generator<Buffer> {
  const rnd = mulberry32(seed);
  for (let i = 0; i < b.length; ) {
    const n = 1 + Math.floor(rnd() * max);
    yield b.subarray(i, i + n);
    i += n;
  }
}

/** Every request, then the need-more or error that ends the input, and what stays buffered. */
function outcome(chunks: Iterable<Buffer>): { results: ParseResult[]; buffered: number } {
  const parser = new RequestParser();
  const results: ParseResult[] = [];
  let failed = false;
  for (const chunk of chunks) {
    parser.push(chunk);
    for (let r = parser.next(); !failed && r.kind !== 'need-more'; r = parser.next()) {
      results.push(r);
      failed = r.kind === 'error';
    }
  }
  if (!failed) results.push(parser.next());
  return { results, buffered: parser.buffered };
}

/** Byte by byte, and (for short inputs) cut in two at every boundary. */
function* chunkings(input: Buffer): Generator<[string, Buffer[]]> {
  yield ['byte by byte', [...byteByByte(input)]];
  if (input.length > 512) return;
  for (let cut = 1; cut < input.length; cut++) yield [`cut at ${cut}`, [input.subarray(0, cut), input.subarray(cut)]];
}

function parseOne(input: Buffer, opts?: RequestParserOptions): ParseResult {
  const parser = new RequestParser(opts);
  parser.push(input);
  return parser.next();
}

/** A copy of `b` with `count` bytes at `at` replaced by `insert` (one byte per char). */
function splice(b: Buffer, at: number, count: number, insert: string): Buffer {
  return Buffer.concat([b.subarray(0, at), Buffer.from(insert, 'latin1'), b.subarray(at + count)]);
}

const names = (requests: ParsedRequest[]): string[] => requests.map((r) => r.argv[0]?.toString().toUpperCase() ?? '');

let capture: CapturedStream;
let requests: ParsedRequest[];
before(async () => {
  capture = await captureReplicationStream(workload);
  requests = parseChunks([capture.bytes]);
});

describe('the replication stream of a real master', () => {
  test('parses whole into requests whose byte counts add up to the offsets the master reports', () => {
    const total = requests.reduce((sum, r) => sum + r.bytes, 0);
    assert.equal(total, capture.endOffset - capture.startOffset);
    assert.equal(total, capture.bytes.length);
    assert.ok(requests.every((r) => !r.inline));
  });

  test('each request consumed exactly the bytes of its own canonical encoding', () => {
    let at = 0;
    for (const r of requests) {
      assert.deepEqual(capture.bytes.subarray(at, at + r.bytes), encodeCommand(r.argv));
      at += r.bytes;
    }
  });

  test('carries the workload in order, starting with SELECT, with 7.0 effects rewrites', () => {
    assert.deepEqual(names(requests), [
      'SELECT', 'SET', 'SET', 'SELECT', 'INCR', 'SELECT', 'MULTI', 'SET', 'SET', 'EXEC',
      'MULTI', 'SET', 'INCR', 'EXEC', 'PEXPIREAT', 'SET', 'DEL', 'REPLCONF',
    ]);
    assert.deepEqual(requests[0]!.argv.map(String), ['SELECT', '0']);
    assert.deepEqual(requests[3]!.argv.map(String), ['SELECT', '3']);
    assert.deepEqual(requests[17]!.argv.map(String), ['REPLCONF', 'GETACK', '*']);
  });

  test('binary, non-ASCII, empty and 200 KB values arrive intact', () => {
    assert.deepEqual(requests[1]!.argv, [Buffer.from('SET'), Buffer.from('bin'), BINARY]);
    assert.deepEqual(requests[2]!.argv, [Buffer.from('SET'), Buffer.from('large'), LARGE]);
    assert.deepEqual(requests[15]!.argv.slice(0, 4).map(String), ['SET', 'k', '', 'PXAT']);
  });

  test('MULTI/EXEC and a two-write EVAL arrive as complete transactions', () => {
    assert.deepEqual(requests.slice(6, 10).map((r) => r.argv.map(String)), [['MULTI'], ['SET', 'a', '1'], ['SET', 'b', '2'], ['EXEC']]);
    assert.deepEqual(requests.slice(10, 14).map((r) => r.argv.map(String)), [['MULTI'], ['set', 'lua1', 'x'], ['incr', 'lua2'], ['EXEC']]);
  });

  test('parsing byte by byte gives the same requests, and earlier arguments survive later pushes', () => {
    assert.deepEqual(parseChunks(byteByByte(capture.bytes)), requests);
  });

  test('parsing in random chunk sizes gives the same requests', () => {
    for (const seed of [1, 2, 3]) assert.deepEqual(parseChunks(randomChunks(capture.bytes, seed, 3000)), requests, `seed ${seed}`);
    assert.deepEqual(parseChunks(randomChunks(capture.bytes, 4, 20)), requests, 'seed 4, small chunks');
  });

  test('a command split at every byte boundary parses the same', () => {
    let at = 0;
    for (const r of requests) {
      const bytes = capture.bytes.subarray(at, at + r.bytes);
      at += r.bytes;
      // The 200 KB SET is split around its headers and its end only, to stay fast.
      const cuts = bytes.length < 4096 ? Array.from({ length: bytes.length - 1 }, (_, i) => i + 1) : [1, 5, 20, 40, 4096, bytes.length - 2, bytes.length - 1];
      for (const cut of cuts) {
        const parser = new RequestParser();
        parser.push(bytes.subarray(0, cut));
        assert.equal(parser.next().kind, 'need-more', `cut ${cut} of ${names([r])}`);
        parser.push(bytes.subarray(cut));
        assert.deepEqual(parser.next(), { kind: 'request', request: r }, `cut ${cut} of ${names([r])}`);
      }
    }
  });

  test('buffered and peekByte follow what is pushed and consumed; clear drops a partial request', () => {
    const select = capture.bytes.subarray(0, requests[0]!.bytes);
    const parser = new RequestParser();
    assert.equal(parser.peekByte(), undefined);
    parser.push(select.subarray(0, 10));
    assert.equal(parser.next().kind, 'need-more');
    assert.equal(parser.buffered, 10);
    assert.equal(parser.peekByte(), 0x2a);
    parser.clear();
    assert.equal(parser.buffered, 0);
    assert.equal(parser.peekByte(), undefined);
    parser.push(select);
    parser.push(select.subarray(0, 5));
    assert.deepEqual(parser.next(), { kind: 'request', request: requests[0] });
    assert.equal(parser.buffered, 5);
  });

  test('an error is sticky until clear()', () => {
    const select = capture.bytes.subarray(0, requests[0]!.bytes);
    const parser = new RequestParser();
    parser.push(splice(select, 1, 1, 'x'));
    const err = parser.next();
    assert.equal(err.kind, 'error');
    parser.push(select);
    assert.deepEqual(parser.next(), err);
    parser.clear();
    parser.push(select);
    assert.deepEqual(parser.next(), { kind: 'request', request: requests[0] });
  });
});

// Inputs made by mutating captured bytes, each checked against what a real
// redis-server answers to the same bytes on an ordinary client connection.
type Expect = { error: string } | { waits: true } | { parsed: number; reply: string };
interface ServerCase {
  name: string;
  input: (select: Buffer) => Buffer;
  expect: Expect;
}

const inline = (s: string): Buffer => Buffer.from(s, 'latin1');
const DOLLAR = (select: Buffer): number => select.indexOf('$');
const serverCases: ServerCase[] = [
  { name: "a bulk header that is not '$' is named in the error", input: (s) => splice(s, DOLLAR(s), 1, ':'), expect: { error: "Protocol error: expected '$', got ':'" } },
  { name: "a CR where '$' belongs is reported as a space", input: (s) => splice(s, DOLLAR(s), 1, '\r'), expect: { error: "Protocol error: expected '$', got ' '" } },
  { name: "a non-ASCII byte where '$' belongs is reported raw", input: (s) => splice(s, DOLLAR(s), 1, '\xc3'), expect: { error: "Protocol error: expected '$', got '\xc3'" } },
  { name: 'a multibulk count that is not a number is invalid', input: (s) => splice(s, 1, 1, 'x'), expect: { error: 'Protocol error: invalid multibulk length' } },
  { name: "a multibulk count with '+' is invalid", input: (s) => splice(s, 1, 0, '+'), expect: { error: 'Protocol error: invalid multibulk length' } },
  { name: 'a multibulk count with a leading zero is invalid', input: (s) => splice(s, 1, 0, '0'), expect: { error: 'Protocol error: invalid multibulk length' } },
  { name: 'a multibulk count of -0 is invalid', input: (s) => splice(s, 1, 1, '-0'), expect: { error: 'Protocol error: invalid multibulk length' } },
  { name: 'a multibulk count above INT_MAX is invalid', input: (s) => splice(s, 1, 1, '2147483648'), expect: { error: 'Protocol error: invalid multibulk length' } },
  { name: 'a bulk length with a leading zero is invalid', input: (s) => splice(s, DOLLAR(s) + 1, 0, '0'), expect: { error: 'Protocol error: invalid bulk length' } },
  { name: 'a negative bulk length is invalid', input: (s) => splice(s, DOLLAR(s) + 1, 0, '-'), expect: { error: 'Protocol error: invalid bulk length' } },
  { name: 'a bulk length above proto-max-bulk-len is invalid', input: (s) => splice(s, DOLLAR(s) + 1, 1, '536870913'), expect: { error: 'Protocol error: invalid bulk length' } },
  { name: 'a multibulk count line over 64 KiB without CR is too big', input: (s) => splice(s.subarray(0, 2), 2, 0, '2'.repeat(65535)), expect: { error: 'Protocol error: too big mbulk count string' } },
  { name: 'a bulk length line over 64 KiB without CR is too big', input: (s) => splice(s.subarray(0, DOLLAR(s) + 2), DOLLAR(s) + 2, 0, '6'.repeat(65535)), expect: { error: 'Protocol error: too big bulk count string' } },
  { name: 'an inline line over 64 KiB without newline is too big', input: (s) => splice(s.subarray(0, 2), 0, 1, ' '.repeat(65536)), expect: { error: 'Protocol error: too big inline request' } },
  { name: 'an inline request with an unclosed quote is unbalanced', input: () => inline('ECHO "abc\r\n'), expect: { error: 'Protocol error: unbalanced quotes in request' } },
  { name: 'a closing quote followed by a non-space is unbalanced', input: () => inline('ECHO "a"b\r\n'), expect: { error: 'Protocol error: unbalanced quotes in request' } },
  { name: 'a NUL before the count CR hides the line end, so Redis waits', input: (s) => splice(s, 2, 0, '\0'), expect: { waits: true } },
  { name: 'a NUL in an inline line hides its newline, so Redis waits', input: () => inline('PI\0NG\r\n'), expect: { waits: true } },
  { name: 'a multibulk count above 1024*1024 is accepted and waits for its arguments', input: (s) => splice(s, 1, 1, '2000000'), expect: { waits: true } },
  { name: 'a bulk length equal to proto-max-bulk-len is accepted and waits for its payload', input: (s) => splice(s, DOLLAR(s) + 1, 1, '536870912'), expect: { waits: true } },
  { name: 'the byte after the count CR is skipped unchecked', input: (s) => splice(s, 3, 1, 'X'), expect: { parsed: 1, reply: '+OK\r\n' } },
  { name: 'the two bytes after a payload are skipped unchecked', input: (s) => Buffer.concat([splice(s, s.length - 2, 2, 'xx'), s]), expect: { parsed: 2, reply: '+OK\r\n+OK\r\n' } },
  { name: 'a zero multibulk count is an empty request', input: (s) => Buffer.concat([splice(s.subarray(0, 4), 1, 1, '0'), s]), expect: { parsed: 2, reply: '+OK\r\n' } },
  { name: 'a negative multibulk count is an empty request', input: (s) => Buffer.concat([splice(s.subarray(0, 4), 1, 1, '-5'), s]), expect: { parsed: 2, reply: '+OK\r\n' } },
  { name: 'empty lines (LF and CRLF) are empty requests', input: () => inline('\n\r\nPING\r\n'), expect: { parsed: 3, reply: '+PONG\r\n' } },
];

describe('malformed and unusual input, as a real redis-server reads it', () => {
  let server: RedisServer;
  let select: Buffer;
  const answers = new Map<string, { reply: string; closed: boolean }>();
  before(async () => {
    select = Buffer.from(capture.bytes.subarray(0, requests[0]!.bytes));
    server = await RedisServer.start();
    await Promise.all(serverCases.map(async (c) => answers.set(c.name, await captureServerAnswer(server.port, c.input(select)))));
  });
  after(async () => {
    await server?.stop();
  });

  for (const c of serverCases) {
    test(c.name, () => {
      const input = c.input(select);
      const answer = answers.get(c.name)!;
      const whole = outcome([input]);
      const last = whole.results.at(-1)!;
      if ('error' in c.expect) {
        assert.deepEqual(last, { kind: 'error', message: c.expect.error });
        assert.deepEqual(answer, { reply: `-ERR ${c.expect.error}\r\n`, closed: true });
      } else if ('waits' in c.expect) {
        assert.deepEqual(whole.results, [{ kind: 'need-more' }]);
        assert.equal(whole.buffered, input.length);
        assert.deepEqual(answer, { reply: '', closed: false });
      } else {
        assert.equal(last.kind, 'need-more');
        assert.equal(whole.results.length - 1, c.expect.parsed);
        assert.equal(whole.buffered, 0);
        assert.deepEqual(answer, { reply: c.expect.reply, closed: false });
      }
      for (const [how, chunks] of chunkings(input)) assert.deepEqual(outcome(chunks), whole, how);
    });
  }

  test('the byte skipped after a count CR does not change the parsed request', () => {
    const result = parseOne(splice(select, 3, 1, 'X'));
    assert.equal(result.kind, 'request');
    assert.deepEqual(result.kind === 'request' && result.request, requests[0]);
  });

  test('empty requests consume exactly their own bytes', () => {
    const parser = new RequestParser();
    parser.push(Buffer.concat([inline('\n\r\n'), splice(select.subarray(0, 4), 1, 1, '0'), select]));
    const bytes = [1, 2, 4, select.length];
    for (const n of bytes) {
      const r = parser.next();
      assert.equal(r.kind, 'request');
      if (r.kind === 'request') assert.equal(r.request.bytes, n);
    }
    assert.equal(parser.buffered, 0);
  });

  test('quoted inline arguments decode to what redis-server echoes back', async () => {
    const args = ['"h\\xc3\\xa9\\t\\"q\\" \\x41\\n"', "'it\\'s \"raw\" \\n'", 'plain\\x41'];
    const lines = args.map((arg) => inline(`ECHO ${arg}\r\n`));
    const replies = await Promise.all(lines.map((line) => captureServerAnswer(server.port, line)));
    lines.forEach((line, i) => {
      const echoed = Buffer.from(replies[i]!.reply.replace(/^\$\d+\r\n/, '').slice(0, -2), 'latin1');
      assert.deepEqual(parseOne(line), { kind: 'request', request: { argv: [Buffer.from('ECHO'), echoed], bytes: line.length, inline: true } }, args[i]);
    });
  });
});

describe('parser options (the master link refuses inline requests and lifts the bulk limit)', () => {
  const opts = { allowInline: false };

  test('without inline requests, empty lines are still accepted as keepalives', () => {
    assert.deepEqual(parseChunks([inline('\n\r\n')], opts).map((r) => [r.argv, r.bytes]), [[[], 1], [[], 2]]);
  });

  test('without inline requests, a non-empty line is refused once its newline arrives', () => {
    const parser = new RequestParser(opts);
    parser.push(inline('PING'));
    assert.equal(parser.next().kind, 'need-more');
    parser.push(inline('\r\n'));
    assert.deepEqual(parser.next(), { kind: 'error', message: 'Protocol error: inline request not allowed' });
    assert.deepEqual(parseOne(inline('\r\r\n'), opts), { kind: 'error', message: 'Protocol error: inline request not allowed' });
  });

  test('without inline requests, unbalanced quotes are reported first, as Redis splits the line before checking', () => {
    assert.deepEqual(parseOne(inline('"a\n'), opts), { kind: 'error', message: 'Protocol error: unbalanced quotes in request' });
  });

  test('with the bulk limit lifted, as Redis does for its master, a larger bulk length is accepted', () => {
    const select = capture.bytes.subarray(0, requests[0]!.bytes);
    const parser = new RequestParser({ ...opts, maxBulkLength: Infinity });
    parser.push(splice(select, select.indexOf('$') + 1, 1, '536870913'));
    assert.equal(parser.next().kind, 'need-more');
  });

  test('the multibulk count limit can be lowered or lifted', () => {
    const select = capture.bytes.subarray(0, requests[0]!.bytes);
    const big = splice(select, 1, 1, '2000000');
    assert.deepEqual(parseOne(big, { maxMultibulkLength: 1024 * 1024 }), { kind: 'error', message: 'Protocol error: invalid multibulk length' });
    assert.equal(parseOne(splice(select, 1, 1, '-2'), { maxMultibulkLength: Infinity }).kind, 'request');
  });
});
