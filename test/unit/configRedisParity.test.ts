// The configuration layer against the real redis-server 7.0.15 on this
// machine: the same config files and flags must be refused with the same
// fatal error (but for redacted secrets), CONFIG GET/SET must answer alike.
// Every config file given to redis-server here starts with `port 0` and ends
// with a bad directive, so no server ever starts from it; the one server that
// does start uses a free port and is stopped by pid.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { numberAfterConfigText, parseCommandLine } from '../../src/config/commandLine';
import { ConfigSetError, configGet, configSet } from '../../src/config/configCommand';
import { redactLine } from '../../src/config/configError';
import { applyDirectives, parseRedisConf } from '../../src/config/redisConf';
import { known } from '../../src/config/configCommand';
import { DEFAULT_PROFILE } from '../../src/versions/profiles';
import type { ReplicaConfig as Config } from '../../src/config/replicaConfig';

/** These tests compare with redis-server 7.0.15: its configs only. */
const REDIS_70 = DEFAULT_PROFILE;
const knownTo70 = (key: keyof Config): boolean => known(key, REDIS_70);
import { REDIS_CONFIGS } from '../../src/config/redisConfigTable';
import { defaultConfig, SECRET_CONFIGS, type ReplicaConfig } from '../../src/config/replicaConfig';
import { FIELD_NAMES, nameOfVersion } from '../../src/config/replicaFields';
import { ReplyError, RedisClient } from '../../src/net/redisClient';
import { RedisServer } from '../support/redisServer';

const version = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
const skip = version.status !== 0 ? 'redis-server not installed' : !/v=7\.0\./.test(version.stdout) ? `needs redis-server 7.0, found: ${version.stdout.trim()}` : false;

const TERMINATOR = 'zzz-parity-terminator';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rrd-config-parity-'));
let fileNo = 0;

/** The lines redis-server prints for a refused configuration, from its fatal-error banner on. */
function redisVerdict(fileText: string, argv: string[] = []): Promise<string[]> {
  const file = path.join(dir, `c${fileNo++}.conf`);
  fs.writeFileSync(file, `port 0\n${fileText}\n${TERMINATOR}\n`);
  return new Promise((resolve) => {
    execFile('redis-server', [file, ...argv, `--${TERMINATOR}`], { cwd: dir, timeout: 10_000, killSignal: 'SIGKILL' }, (_err, stdout, stderr) => {
      const lines = (stdout + stderr).split('\n').filter((l) => l !== '');
      const banner = lines.findIndex((l) => l.startsWith('*** FATAL CONFIG FILE ERROR'));
      const verdict = banner >= 0 ? lines.slice(banner) : lines.slice(-1).map((l) => l.replace(/^\d+:[A-Z] .*? [#*-] /, ''));
      // Redis shows secrets; this tool redacts them. Compare everything else.
      resolve(verdict.map((l) => (l.startsWith(">>> '") ? `>>> '${redactLine(l.slice(5, -1))}'` : l)));
    });
  });
}

function ourVerdict(fileText: string, argv: string[] = []): string[] {
  const text = `port 0\n${fileText}\n${TERMINATOR}\n`;
  try {
    const cl = parseCommandLine(['x.conf', ...argv, `--${TERMINATOR}`]);
    const fromFile = applyDirectives(defaultConfig(), parseRedisConf(text), { profile: REDIS_70 }).config;
    applyDirectives(fromFile, numberAfterConfigText(cl.directives, text), { profile: REDIS_70 });
    return ['accepted'];
  } catch (err) {
    return (err instanceof Error ? err.message : String(err)).split('\n');
  }
}

async function assertSameVerdict(fileText: string, argv: string[] = []): Promise<void> {
  assert.deepEqual(ourVerdict(fileText, argv), await redisVerdict(fileText, argv), `config ${JSON.stringify(fileText)} ${JSON.stringify(argv)}`);
}

async function inParallel<T>(items: T[], width: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < items.length) await fn(items[next++]!);
  }));
}

describe('config files and flags, compared with redis-server 7.0.15', { skip }, () => {
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('unknown directive gives redis-server\'s fatal config error', async () => {
    await assertSameVerdict('replica-of 127.0.0.1 6379');
    await assertSameVerdict('\n\n# comment\nfoo');
  });

  test('bad integer, bool, enum and range give redis-server\'s reasons', async () => {
    for (const line of [
      'repl-timeout "abc"',
      'repl-timeout 0',
      'repl-timeout 05',
      'repl-timeout 5 6',
      'repl-timeout "5 6"',
      'replica-read-only maybe',
      'repl-diskless-load sometimes',
      'repl-diskless-load "on-empty-db swapdb"',
      'enable-debug-command always',
      'databases 0',
      'port 65536',
      'replica-announce-port -1',
    ]) {
      await assertSameVerdict(line);
    }
  });

  test('replicaof: arity, ports, "no one" and one quoted argument', async () => {
    for (const line of ['replicaof 127.0.0.1', 'replicaof no one two', 'replicaof h 70000', 'replicaof h -1', 'replicaof h 0x10', 'replicaof h " 5"', 'replicaof h ""', 'replicaof "h 1"', 'slaveof NO ONE']) {
      await assertSameVerdict(line);
    }
  });

  test('memory units and limits', async () => {
    for (const line of ['repl-backlog-size 1.5mb', 'repl-backlog-size 0', 'repl-backlog-size mb', 'repl-backlog-size 1Gb', 'repl-backlog-size 1tb', 'repl-backlog-size 17179869184gb', 'repl-backlog-size 17179869185gb', 'repl-backlog-size 9223372036854775808']) {
      await assertSameVerdict(line);
    }
  });

  test('unbalanced quotes and odd lines', async () => {
    for (const line of ['bind "127.0.0.1', "masterauth 'abc", 'port 6380 # comment', '   PORT   6380   ', '"port" 6380', 'include', 'include a b', 'sentinel', 'sentinel monitor m h 1 2', 'mod.cfg', 'mod.cfg 1', 'list-max-ziplist-entries 5', 'lua-replicate-commands']) {
      await assertSameVerdict(line);
    }
  });

  test('masterauth never appears in a config error, and is all that differs', async () => {
    await assertSameVerdict('masterauth hunter2 extra');
    await assertSameVerdict('requirepass "hunter2');
    const ours = ourVerdict('masterauth hunter2 extra').join('\n');
    assert.ok(!ours.includes('hunter2'));
  });

  test('a real redis.conf\'s directives are all accepted', async () => {
    const conf = [
      'bind 127.0.0.1 -::1',
      'protected-mode yes',
      'tcp-backlog 511',
      'timeout 0',
      'tcp-keepalive 300',
      'daemonize no',
      'pidfile /var/run/redis_6379.pid',
      'loglevel notice',
      'logfile ""',
      'databases 16',
      'always-show-logo no',
      'set-proc-title yes',
      'proc-title-template "{title} {listen-addr} {server-mode}"',
      'stop-writes-on-bgsave-error yes',
      'rdbcompression yes',
      'rdbchecksum yes',
      'dbfilename dump.rdb',
      'rdb-del-sync-files no',
      'replicaof 10.0.0.1 6379',
      'masterauth secret',
      'replica-serve-stale-data yes',
      'replica-read-only yes',
      'repl-diskless-sync yes',
      'repl-diskless-sync-delay 5',
      'repl-diskless-sync-max-replicas 0',
      'repl-diskless-load disabled',
      'repl-disable-tcp-nodelay no',
      'replica-priority 100',
      'acllog-max-len 128',
      'lazyfree-lazy-eviction no',
      'oom-score-adj no',
      'oom-score-adj-values 0 200 800',
      'disable-thp yes',
      'appendonly no',
      'appendfilename "appendonly.aof"',
      'appenddirname "appendonlydir"',
      'appendfsync everysec',
      'auto-aof-rewrite-percentage 100',
      'auto-aof-rewrite-min-size 64mb',
      'aof-load-truncated yes',
      'aof-use-rdb-preamble yes',
      'aof-timestamp-enabled no',
      'slowlog-log-slower-than 10000',
      'slowlog-max-len 128',
      'latency-monitor-threshold 0',
      'notify-keyspace-events ""',
      'hash-max-listpack-entries 512',
      'hash-max-listpack-value 64',
      'list-max-listpack-size -2',
      'list-compress-depth 0',
      'set-max-intset-entries 512',
      'zset-max-listpack-entries 128',
      'zset-max-listpack-value 64',
      'hll-sparse-max-bytes 3000',
      'stream-node-max-bytes 4096',
      'stream-node-max-entries 100',
      'activerehashing yes',
      'client-output-buffer-limit normal 0 0 0',
      'client-output-buffer-limit replica 256mb 64mb 60',
      'client-output-buffer-limit pubsub 32mb 8mb 60',
      'hz 10',
      'dynamic-hz yes',
      'aof-rewrite-incremental-fsync yes',
      'rdb-save-incremental-fsync yes',
      'jemalloc-bg-thread yes',
      'save 3600 1 300 100 60 10000',
      'maxmemory-clients 10%',
      'shutdown-on-sigterm save now',
      'latency-tracking-info-percentiles 50 99 99.9',
      'unixsocketperm 700',
      'rename-command FLUSHALL ""',
      'user worker on >pw ~* +@all',
      'slave-announce-ip 1.2.3.4',
      'min-slaves-to-write 0',
      'key-load-delay 0',
    ].join('\n');
    const redis = await redisVerdict(conf);
    assert.match(redis.join('\n'), new RegExp(`>>> '${TERMINATOR}'`), 'redis-server refused one of the lines');
    assert.deepEqual(ourVerdict(conf), redis);
  });

  test('flags: quoting, the first value after --name, and line numbers after the file', async () => {
    await assertSameVerdict('', ['--repl-timeout', 'abc']);
    await assertSameVerdict('port 0\n# c\n\nrepl-timeout 5', ['--port', '0', '--repl-timeout', '--5']);
    await assertSameVerdict('', ['--replicaof', '127.0.0.1']);
    await assertSameVerdict('', ['--replicaof', '127.0.0.1 6379', '--save', '--repl-timeout 7', '--zzz', 'a b']);
    await assertSameVerdict('', ['--masterauth', '--x', '--repl-timeout', 'ünïcode']);
    await assertSameVerdict('', ['b.conf']);
  });

  test('every Redis 7.0 config name is accepted or refused as redis-server does', async () => {
    // `dir` is left out: redis-server chdir()s to check it, which a pure layer cannot do.
    const names = [...FIELD_NAMES.keys(), ...REDIS_CONFIGS.keys()].filter((n) => n !== 'dir');
    const probes = ['', ' abc', ' -9223372036854775808', ' 18446744073709551615', ' ""'];
    const lines = names.flatMap((n) => probes.map((p) => n + p));
    const mismatches: string[] = [];
    await inParallel(lines, Math.max(2, Math.min(4, os.cpus().length * 2)), async (line) => {
      const [ours, redis] = [ourVerdict(line), await redisVerdict(line)];
      if (JSON.stringify(ours) !== JSON.stringify(redis)) mismatches.push(`${line}\n  ours:  ${ours.join(' | ')}\n  redis: ${redis.join(' | ')}`);
    });
    assert.deepEqual(mismatches, []);
  });
});

describe('CONFIG GET / CONFIG SET, compared with redis-server 7.0.15', { skip }, () => {
  const flags = ['--repl-timeout', '7', '--replica-announce-ip', '10.1.2.3', '--repl-backlog-size', '2mb', '--repl-diskless-load', 'swapdb', '--slave-priority', '5', '--replica-read-only', 'no', '--replica-announced', 'no'];
  let server: RedisServer;
  let client: RedisClient;
  let ours: ReplicaConfig;

  before(async () => {
    server = await RedisServer.start({ args: flags });
    client = await RedisClient.connect(server.port);
    const cl = parseCommandLine(['--port', String(server.port), '--bind', '127.0.0.1', ...flags]);
    ours = applyDirectives(defaultConfig(), cl.directives, { profile: REDIS_70 }).config;
  });
  after(async () => {
    client?.close();
    await server?.stop();
  });

  async function redisGet(...patterns: string[]): Promise<Map<string, string>> {
    const reply = (await client.call('CONFIG', 'GET', ...patterns)) as (string | Buffer)[];
    const m = new Map<string, string>();
    for (let i = 0; i < reply.length; i += 2) m.set(String(reply[i]), String(reply[i + 1]));
    return m;
  }

  test('every config name this layer knows is a real one, and it knows every real one', async () => {
    const real = new Set((await redisGet('*')).keys());
    const known = new Set([...[...FIELD_NAMES].filter(([name, key]) => knownTo70(key) && nameOfVersion(name, DEFAULT_PROFILE)).map(([name]) => name), ...REDIS_CONFIGS.keys()]);
    assert.deepEqual([...real].filter((n) => !known.has(n)), []);
    for (const name of known) {
      // Hidden configs answer only to their exact name.
      if (!real.has(name)) assert.equal((await redisGet(name)).size, 1, `${name} is not a redis-server 7.0 config`);
    }
  });

  test('values render as redis-server renders them', async () => {
    const keys = [...FIELD_NAMES].filter(([k, key]) => !SECRET_CONFIGS.has(k) && knownTo70(key) && nameOfVersion(k, DEFAULT_PROFILE)).map(([k]) => k);
    const real = await redisGet(...keys);
    assert.deepEqual(Object.fromEntries(configGet(ours, keys)), Object.fromEntries(real));
  });

  test('glob patterns select the same names', async () => {
    for (const pattern of ['slave*', 'repl*', '*announce*', '[rs]*-read-only', 'repl\\-timeout', 'REPL-TIMEOU?', 'tls-*-file']) {
      const real = [...(await redisGet(pattern)).keys()].filter((k) => FIELD_NAMES.has(k)).sort();
      assert.deepEqual(configGet(ours, [pattern]).map(([k]) => k).sort(), real, pattern);
    }
  });

  test('CONFIG SET errors are redis-server\'s, word for word', async () => {
    const cases: [string, string][][] = [
      [['repl-timeout', 'abc']],
      [['Repl-Timeout', '0']],
      [['SLAVE-PRIORITY', 'x']],
      [['replica-read-only', 'maybe']],
      [['repl-diskless-load', 'swapdb disabled']],
      [['repl-backlog-size', '1.5mb']],
      [['repl-backlog-size', '-1']],
      [['port', '70000']],
      [['bind', Array.from({ length: 17 }, (_, i) => `10.0.0.${i}`).join(' ')]],
      [['foo', 'bar']],
      [['DATABASES', '4']],
      [['replicaof', '127.0.0.1 1']],
      [['slaveof', '127.0.0.1 1']],
      [['enable-debug-command', 'yes']],
      [['repl-timeout', '5'], ['REPL-TIMEOUT', '6']],
      [['repl-timeout', 'abc'], ['databases', '16']],
      [['databases', '16'], ['foo', '1']],
      [['foo', '1'], ['databases', '16']],
    ];
    for (const pairs of cases) {
      const real = await client.send('CONFIG', 'SET', ...pairs.flat());
      assert.ok(real instanceof ReplyError, `redis-server accepted ${JSON.stringify(pairs)}`);
      assert.throws(() => configSet(ours, pairs), (err: unknown) => err instanceof ConfigSetError && err.message === real.message, JSON.stringify(pairs));
    }
  });

  test('accepted CONFIG SET values read back the same', async () => {
    const cases: [string, string][] = [
      ['repl-backlog-size', '1'],
      ['repl-backlog-size', '2Kb'],
      ['repl-backlog-size', '3MB'],
      ['repl-diskless-load', 'ON-EMPTY-DB'],
      ['slave-read-only', 'YES'],
      ['replica-announce-ip', ''],
      ['replica-announce-port', '7001'],
      ['repl-timeout', '9'],
      // Not tls-replication: redis-server's apply step loads the TLS files, which is I/O left to the caller.
    ];
    let config = ours;
    for (const [name, value] of cases) {
      assert.equal(await client.call('CONFIG', 'SET', name, value), 'OK');
      config = configSet(config, [[name, value]]).config;
      assert.deepEqual(configGet(config, [name]), [...(await redisGet(name))], `${name} ${value}`);
    }
  });
});
