import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../../src/config/configError';
import { applyDirectives, parseRedisConf, type ConfigDirective, type IncludeReader } from '../../src/config/redisConf';
import { defaultConfig, type ReplicaConfig } from '../../src/config/replicaConfig';
import { DEFAULT_PROFILE, profileById } from '../../src/versions/profiles';

// The reasons are redis-server 7.0.15's: read as a 7.0 replica would.
const load = (text: string, reader?: IncludeReader): ReturnType<typeof applyDirectives> =>
  applyDirectives(defaultConfig(), parseRedisConf(text, { fileName: 'redis.conf' }), { profile: DEFAULT_PROFILE, ...(reader ? { include: reader } : {}) });
const loadConfig = (text: string): ReplicaConfig => load(text).config;

function fatal(text: string): ConfigError {
  try {
    load(text);
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
    return err;
  }
  assert.fail(`accepted: ${JSON.stringify(text)}`);
}

describe('parsing redis.conf', () => {
  test('comments, blank lines and surrounding whitespace are skipped, names are lower-cased, lines count from 1', () => {
    const ds = parseRedisConf('# a comment\n\n   PORT   6390  \r\n\t# indented comment\nreplicaof "10.0.0.1" \'6379\'\n', { fileName: 'x.conf' });
    assert.deepEqual(
      ds.map((d) => [d.name, d.args, d.line, d.source, d.text]),
      [
        ['port', ['6390'], 3, 'x.conf', 'PORT   6390'],
        ['replicaof', ['10.0.0.1', '6379'], 5, 'x.conf', `replicaof "10.0.0.1" '6379'`],
      ],
    );
  });

  test('a # after a value is not a comment: it is an extra argument', () => {
    const err = fatal('port 6380 # the port');
    assert.equal(err.reason, 'wrong number of arguments');
  });

  test('unbalanced quotes give redis-server\'s fatal error with the line', () => {
    assert.throws(() => parseRedisConf('port 1\nbind "127.0.0.1\n'), (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.equal(err.line, 2);
      assert.equal(err.reason, 'Unbalanced quotes in configuration line');
      assert.equal(err.directive, 'bind "127.0.0.1');
      return true;
    });
  });

  test('double-quoted escapes are decoded', () => {
    const [d] = parseRedisConf('masterauth "a\\x41\\"b\\n"') as [ConfigDirective];
    assert.deepEqual(d.args, ['aA"b\n']);
  });
});

describe('applying directives', () => {
  test('replication directives set the config, later lines override earlier ones', () => {
    const c = loadConfig(
      [
        'replicaof 10.0.0.1 6379',
        'masterauth s3cret',
        'masteruser repl',
        'repl-timeout 5',
        'repl-timeout 7',
        'replica-announce-ip 192.168.1.9',
        'replica-announce-port 7000',
        'replica-announced no',
        'replica-priority 0',
        'replica-read-only no',
        'port 7001',
        'bind 127.0.0.1 ::1',
        'repl-diskless-load SWAPDB',
        'repl-backlog-size 64mb',
        'databases 4',
        'tls-replication yes',
        'tls-port 7002',
        'tls-cert-file /c.crt',
        'tls-key-file /c.key',
        'tls-ca-cert-file /ca.crt',
        'tls-ca-cert-dir /ca',
        'tls-key-file-pass pw',
        'enable-debug-command local',
      ].join('\n'),
    );
    assert.deepEqual(c, {
      ...defaultConfig(),
      replicaof: { host: '10.0.0.1', port: 6379 },
      masterauth: 's3cret',
      masteruser: 'repl',
      'repl-timeout': 7,
      'replica-announce-ip': '192.168.1.9',
      'replica-announce-port': 7000,
      'replica-announced': false,
      'replica-priority': 0,
      'replica-read-only': false,
      port: 7001,
      bind: '127.0.0.1 ::1',
      'repl-diskless-load': 'swapdb',
      'repl-backlog-size': 64 * 1024 * 1024,
      databases: 4,
      'tls-replication': true,
      'tls-port': 7002,
      'tls-cert-file': '/c.crt',
      'tls-key-file': '/c.key',
      'tls-ca-cert-file': '/ca.crt',
      'tls-ca-cert-dir': '/ca',
      'tls-key-file-pass': 'pw',
      'enable-debug-command': 'local',
    });
  });

  test('the slave* aliases set the same configs', () => {
    const c = loadConfig('slaveof h 1\nslave-announce-ip 1.1.1.1\nslave-announce-port 9\nslave-priority 3\nslave-read-only no');
    assert.deepEqual(c.replicaof, { host: 'h', port: 1 });
    assert.equal(c['replica-announce-ip'], '1.1.1.1');
    assert.equal(c['replica-announce-port'], 9);
    assert.equal(c['replica-priority'], 3);
    assert.equal(c['replica-read-only'], false);
  });

  test('replicaof accepts "no one", one quoted "host port" argument, and ports strtol reads', () => {
    assert.equal(loadConfig('replicaof h 1\nreplicaof NO One').replicaof, null);
    assert.deepEqual(loadConfig('replicaof "10.0.0.1 6379"').replicaof, { host: '10.0.0.1', port: 6379 });
    assert.deepEqual(loadConfig('replicaof h +12').replicaof, { host: 'h', port: 12 });
    assert.deepEqual(loadConfig('replicaof h ""').replicaof, { host: 'h', port: 0 });
    assert.equal(fatal('replicaof h').reason, 'wrong number of arguments');
    assert.equal(fatal('replicaof no one two').reason, 'wrong number of arguments');
    for (const bad of ['70000', '-1', '0x10', '"5 "', '99999999999999999999']) assert.equal(fatal(`replicaof h ${bad}`).reason, 'Invalid master port');
  });

  test('empty strings clear the optional strings', () => {
    const c = loadConfig('masterauth x\nmasterauth ""\nreplica-announce-ip ""');
    assert.equal(c.masterauth, null);
    assert.equal(c['replica-announce-ip'], null);
  });

  test('bind takes up to 16 addresses, and "" means none', () => {
    assert.equal(loadConfig('bind "127.0.0.1 ::1"').bind, '127.0.0.1 ::1');
    assert.equal(loadConfig('bind ""').bind, '');
    assert.equal(loadConfig('bind').bind, '');
    const seventeen = Array.from({ length: 17 }, (_, i) => `10.0.0.${i}`).join(' ');
    assert.equal(fatal(`bind ${seventeen}`).reason, 'Too many bind addresses specified.');
  });

  test('the input config is not modified', () => {
    const before = defaultConfig();
    applyDirectives(before, parseRedisConf('repl-timeout 5'));
    assert.deepEqual(before, defaultConfig());
  });

  test('real Redis directives this tool does not act on are accepted and returned as ignored', () => {
    const text = [
      'daemonize no',
      'save 900 1 300 10',
      'save ""',
      'dir /var/lib/redis',
      'dbfilename dump.rdb',
      'maxmemory 2gb',
      'maxmemory-policy allkeys-lru',
      'appendonly no',
      'loglevel notice',
      'logfile ""',
      'protected-mode yes',
      'requirepass foo',
      'rename-command CONFIG ""',
      'hash-max-ziplist-entries 512',
      'list-max-ziplist-entries 512',
      'lua-time-limit 5000',
      'slave-serve-stale-data yes',
      'min-slaves-to-write 1',
      'notify-keyspace-events Ex',
      'oom-score-adj-values 0 200 800',
      'latency-tracking-info-percentiles 50 99 99.9',
      'shutdown-on-sigterm save now',
      'user worker on >pw ~* +@all',
      'loadmodule /x.so a b',
      'mymodule.setting 1',
      'unixsocketperm 700',
      'key-load-delay 0',
      'sentinel',
    ].join('\n');
    const r = load(text);
    assert.deepEqual(
      r.ignored.map((d) => d.name),
      text.split('\n').map((l) => l.split(' ')[0]!.toLowerCase()),
    );
    assert.deepEqual(r.config, defaultConfig());
  });

  test('unknown directive gives redis-server\'s fatal config error', () => {
    const err = fatal('port 6390\n\nreplica-of 127.0.0.1 6379');
    assert.equal(err.line, 3);
    assert.equal(err.source, 'redis.conf');
    assert.equal(
      err.message,
      "*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 3\n>>> 'replica-of 127.0.0.1 6379'\nBad directive or wrong number of arguments",
    );
  });

  test('a value only a later version has: repl-diskless-load flushdb is the 8.6+ line\'s', () => {
    assert.equal(fatal('repl-diskless-load flushdb').message.split('\n').at(-1), 'argument(s) must be one of the following: disabled, on-empty-db, swapdb');
    const r = applyDirectives(defaultConfig(), parseRedisConf('repl-diskless-load flushdb'), { profile: profileById('redis-8.8')! });
    assert.equal(r.config['repl-diskless-load'], 'flushdb');
    // emulate auto, before the master is asked: any version's value is taken.
    assert.equal(applyDirectives(defaultConfig(), parseRedisConf('repl-diskless-load flushdb')).config['repl-diskless-load'], 'flushdb');
  });

  test('Valkey 8\'s primaryauth and primaryuser set masterauth and masteruser; to a Redis they are unknown, the secret never shown', () => {
    const valkey = applyDirectives(defaultConfig(), parseRedisConf('primaryuser repl\nprimaryauth s3cret'), { profile: profileById('valkey-8.0')! });
    assert.equal(valkey.config.masteruser, 'repl');
    assert.equal(valkey.config.masterauth, 's3cret');
    const err = fatal('primaryauth s3cret');
    assert.match(err.message, /Bad directive or wrong number of arguments$/);
    assert.ok(!err.message.includes('s3cret'), err.message);
  });

  test('bad values give the reason redis-server gives', () => {
    const cases: [string, string][] = [
      ['repl-timeout "abc"', "argument couldn't be parsed into an integer"],
      ['repl-timeout 0', 'argument must be between 1 and 2147483647 inclusive'],
      ['repl-timeout 05', "argument couldn't be parsed into an integer"],
      ['repl-timeout 5 6', 'wrong number of arguments'],
      ['port 65536', 'argument must be between 0 and 65535 inclusive'],
      ['databases 0', 'argument must be between 1 and 2147483647 inclusive'],
      ['replica-read-only maybe', "argument must be 'yes' or 'no'"],
      ['repl-diskless-load sometimes', 'argument(s) must be one of the following: disabled, on-empty-db, swapdb'],
      ['enable-debug-command always', 'argument(s) must be one of the following: no, yes, local'],
      ['repl-backlog-size 1tb', 'argument must be a memory value'],
      ['repl-backlog-size 0', 'argument must be between 1 and 9223372036854775807 inclusive'],
      ['maxmemory-policy lru', 'argument(s) must be one of the following: volatile-lru, volatile-lfu, volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, noeviction'],
      ['save 0 1', 'Invalid save parameters'],
      ['appendonly maybe', "argument must be 'yes' or 'no'"],
      ['io-threads 129', 'argument must be between 1 and 128 inclusive'],
      ['dbfilename /tmp/dump.rdb', "dbfilename can't be a path, just a filename"],
      ['client-output-buffer-limit master 0 0 0', 'Invalid client class specified in buffer limit configuration.'],
      ['notify-keyspace-events Q', "Invalid event class character. Use 'Ag$lshzxeKEtmdn'."],
      ['unixsocketperm 778', "argument couldn't be parsed as an octal number"],
      ['unixsocketperm 1000', 'argument must be between 0 and 777 inclusive'],
      ['shutdown-on-sigint save nosave', "shutdown options SAVE and NOSAVE can't be used simultaneously"],
      ['maxmemory-clients 101%', 'percentage argument must be less or equal to 100'],
      ['proc-title-template "{title} {nope}"', 'template format is invalid or contains unknown variables'],
      ['include', 'Bad directive or wrong number of arguments'],
      ['rename-command get', 'Bad directive or wrong number of arguments'],
      ['list-max-ziplist-entries', 'Bad directive or wrong number of arguments'],
      ['mymodule.setting', 'Module config specified without value'],
      ['sentinel monitor m 127.0.0.1 6379 2', 'sentinel directive while not in sentinel mode'],
    ];
    for (const [line, reason] of cases) assert.equal(fatal(line).reason, reason, line);
  });

  test('the first bad directive stops loading', () => {
    const err = fatal('repl-timeout x\nport y');
    assert.equal(err.line, 1);
  });
});

describe('secrets', () => {
  test('masterauth never appears in a config error', () => {
    const lines = ['masterauth hunter2 extra', 'masterauth "hunter2', 'MasterAuth hunter2 x', '"masterauth" hunter2 x', '"master\\x61uth" hunter2 x', '"master\\x61uth" "hunter2', '"masterauth hunter2"'];
    for (const line of lines) {
      let err: unknown;
      try {
        applyDirectives(defaultConfig(), parseRedisConf(line));
      } catch (e) {
        err = e;
      }
      assert.ok(err instanceof ConfigError, line);
      assert.ok(!err.message.includes('hunter2'), err.message);
      assert.ok(!String(err.directive).includes('hunter2'));
      assert.match(err.message, /^>>> 'masterauth <redacted>'$/m);
    }
  });

  test('requirepass, ACL users and TLS passphrases are redacted too', () => {
    for (const line of ['requirepass a b', 'user bob on >hunter2 "x', 'tls-key-file-pass a b', 'masteruser a b']) {
      assert.throws(() => applyDirectives(defaultConfig(), parseRedisConf(line)), (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.match(err.directive ?? '', / <redacted>$/);
        return true;
      });
    }
  });

  test('a secret directive with nothing to hide is shown as it is', () => {
    assert.equal(fatal('masterauth').directive, 'masterauth');
  });
});

describe('include', () => {
  const files: Record<string, string> = {
    '/etc/base.conf': 'repl-timeout 9\nport 7000\n',
    '/etc/conf.d/a.conf': 'replica-priority 5\n',
    '/etc/conf.d/b.conf': 'replica-priority 6\n',
    '/etc/bad.conf': '\nrepl-timeout nope\n',
    '/etc/loop.conf': 'include /etc/loop.conf\n',
  };
  const reader: IncludeReader = {
    readFile: (p) => {
      const text = files[p];
      if (text === undefined) throw new Error('No such file or directory');
      return text;
    },
    glob: (pattern) => Object.keys(files).filter((p) => p.startsWith(pattern.replace('*.conf', ''))).sort(),
  };

  test('without a reader, include directives are handed back to the caller in order', () => {
    const r = load('include /etc/base.conf\nport 1\ninclude /etc/other.conf');
    assert.deepEqual(r.includes.map((d) => d.args[0]), ['/etc/base.conf', '/etc/other.conf']);
    assert.equal(r.config.port, 1);
  });

  test('an included file is applied where the include stands', () => {
    const c = load('port 1\ninclude /etc/base.conf\nrepl-timeout 3', reader).config;
    assert.equal(c.port, 7000);
    assert.equal(c['repl-timeout'], 3);
  });

  test('a pattern includes every match in order, and no match is not an error', () => {
    assert.equal(load('include /etc/conf.d/*.conf', reader).config['replica-priority'], 6);
    assert.deepEqual(load('include /nowhere/*.conf', reader).config, defaultConfig());
  });

  test('an error in an included file names that file and its own line', () => {
    assert.throws(() => load('port 1\ninclude /etc/bad.conf', reader), (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.equal(err.source, '/etc/bad.conf');
      assert.equal(err.line, 2);
      return true;
    });
  });

  test('a missing include file is redis-server\'s "can\'t open config file" error', () => {
    assert.throws(() => load('include /etc/missing.conf', reader), {
      message: "Fatal error, can't open config file '/etc/missing.conf': No such file or directory",
    });
  });

  test('an include cycle is reported instead of recursing forever', () => {
    assert.throws(() => load('include /etc/loop.conf', reader), /include nesting deeper than/);
  });
});
