import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CommandLineError, numberAfterConfigText, parseCommandLine, reprQuote } from '../../src/config/commandLine';
import { ConfigError } from '../../src/config/configError';
import { applyDirectives, parseRedisConf } from '../../src/config/redisConf';
import { defaultConfig } from '../../src/config/replicaConfig';
import { splitArgsText } from '../../src/resp/splitArgs';

const words = (argv: string[]): [string, string[]][] => parseCommandLine(argv).directives.map((d) => [d.name, d.args]);

describe('command line', () => {
  test('the first argument is the config file unless it starts with "-"', () => {
    assert.equal(parseCommandLine(['redis.conf', '--port', '1']).configFile, 'redis.conf');
    assert.equal(parseCommandLine(['--port', '1']).configFile, null);
    assert.equal(parseCommandLine([]).configFile, null);
  });

  test('each --name starts a directive and takes the words after it', () => {
    assert.deepEqual(words(['--port', '7000', '--replicaof', '10.0.0.1', '6379', '--bind', '127.0.0.1', '::1']), [
      ['port', ['7000']],
      ['replicaof', ['10.0.0.1', '6379']],
      ['bind', ['127.0.0.1', '::1']],
    ]);
  });

  test('--slaveof and --replicaof both work', () => {
    for (const flag of ['--slaveof', '--replicaof']) {
      const c = applyDirectives(defaultConfig(), parseCommandLine([flag, '127.0.0.1', '6379']).directives).config;
      assert.deepEqual(c.replicaof, { host: '127.0.0.1', port: 6379 });
    }
  });

  test('a value may start with "-", and the first value may even start with "--"', () => {
    assert.deepEqual(words(['--repl-timeout', '-5', '--port', '1']), [
      ['repl-timeout', ['-5']],
      ['port', ['1']],
    ]);
    assert.deepEqual(words(['--masterauth', '--not-a-flag', '--port', '1']), [
      ['masterauth', ['--not-a-flag']],
      ['port', ['1']],
    ]);
  });

  test('an option and its value may come as one argument', () => {
    assert.deepEqual(words(['--port 7000', '--replicaof', '127.0.0.1 6379']), [
      ['port', ['7000']],
      ['replicaof', ['127.0.0.1 6379']],
    ]);
  });

  test('values keep spaces, quotes and non-ASCII bytes exactly', () => {
    const value = 'p a"s\\s\n\'é';
    assert.deepEqual(words(['--masterauth', value]), [['masterauth', [value]]]);
  });

  test('--save with no value means save ""', () => {
    assert.deepEqual(words(['--save', '--port', '1']), [
      ['save', ['']],
      ['port', ['1']],
    ]);
    assert.deepEqual(words(['--port', '1', '--save']), [
      ['port', ['1']],
      ['save', ['']],
    ]);
  });

  test('"-" as first or last argument asks for config on stdin', () => {
    assert.equal(parseCommandLine(['-', '--port', '1']).configFromStdin, true);
    assert.equal(parseCommandLine(['a.conf', '--port', '1', '-']).configFromStdin, true);
  });

  test('stray words before any option become a bad directive, as in redis-server', () => {
    const cl = parseCommandLine(['a.conf', 'b.conf']);
    assert.throws(() => applyDirectives(defaultConfig(), cl.directives), { reason: 'Module config specified without value' });
  });

  test('command-line flags override the config file', () => {
    const file = parseRedisConf('port 7000\nrepl-timeout 5\nreplicaof 10.0.0.1 6379\n');
    const cl = parseCommandLine(['redis.conf', '--repl-timeout', '9', '--slaveof', 'no', 'one']);
    const c = applyDirectives(applyDirectives(defaultConfig(), file).config, cl.directives).config;
    assert.equal(c.port, 7000);
    assert.equal(c['repl-timeout'], 9);
    assert.equal(c.replicaof, null);
  });

  test('a bad flag value is reported as redis-server reports it, with the value quoted', () => {
    const cl = parseCommandLine(['--port', '1', '--repl-timeout', 'abc']);
    assert.throws(() => applyDirectives(defaultConfig(), cl.directives), (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.equal(
        err.message,
        "*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 3\n>>> 'repl-timeout \"abc\"'\nargument couldn't be parsed into an integer",
      );
      assert.equal(err.source, 'command line');
      return true;
    });
  });

  test('flag line numbers can be placed after the config file, as redis-server counts them', () => {
    const cl = parseCommandLine(['a.conf', '--repl-timeout', 'abc']);
    const [d] = numberAfterConfigText(cl.directives, 'port 0\n# c\n\nrepl-timeout 5\n');
    assert.equal(d!.line, 6);
  });

  test('a masterauth given on the command line never appears in a config error', () => {
    const cl = parseCommandLine(['--masterauth', 'hunter2', 'extra']);
    assert.throws(() => applyDirectives(defaultConfig(), cl.directives), (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.ok(!err.message.includes('hunter2'));
      assert.equal(err.directive, 'masterauth <redacted>');
      return true;
    });
  });
});

describe('tool flags', () => {
  test('defaults', () => {
    assert.deepEqual(parseCommandLine([]).tool, { replicas: 1, logFormat: 'text', debugPort: null, emulate: 'auto', dataset: 'auto', help: false, version: false });
  });

  test('tool flags are taken out of the redis directives', () => {
    const cl = parseCommandLine(['r.conf', '--replicas', '3', '--port', '7000', '--log-format', 'json', '--debug-port', '7100', '--emulate', 'valkey-8.0', '--dataset', 'none']);
    assert.deepEqual(cl.tool, { replicas: 3, logFormat: 'json', debugPort: 7100, emulate: 'valkey-8.0', dataset: 'none', help: false, version: false });
    assert.deepEqual(cl.directives.map((d) => d.name), ['port']);
  });

  test('--help and --version work anywhere and take no value; -h and -v only first', () => {
    assert.equal(parseCommandLine(['-h']).tool.help, true);
    assert.equal(parseCommandLine(['-v']).tool.version, true);
    assert.equal(parseCommandLine(['--port', '1', '--help', '--replicas', '2']).tool.help, true);
    assert.equal(parseCommandLine(['--version', '--port', '1']).tool.version, true);
    assert.throws(() => parseCommandLine(['--port', '1', '--help', 'me']), /--help takes no value, got 'me'/);
  });

  test('bad tool flags name the flag and what it expects', () => {
    assert.throws(() => parseCommandLine(['--debug-port', 'x']), /--debug-port expects a port from 0 to 65535 \(0: any free port\), got 'x'/);
    assert.throws(() => parseCommandLine(['--debug-port', '70000']), /--debug-port expects a port/);
    const cases: [string[], string, RegExp][] = [
      [['--replicas', '0'], '--replicas', /--replicas expects one whole number from 1 to 65535, got '0'/],
      [['--emulate', 'redis-6.2'], '--emulate', /--emulate expects auto or one of redis-7\.0, .*valkey-8\.0, got 'redis-6\.2'/],
      [['--replicas', 'two'], '--replicas', /got 'two'/],
      [['--dataset', 'keys'], '--dataset', /--dataset expects one of auto, full, none, got 'keys'/],
      [['--replicas'], '--replicas', /got nothing/],
      [['--replicas', '1', '2'], '--replicas', /got '1' '2'/],
      [['--log-format', 'xml'], '--log-format', /--log-format expects 'text' or 'json', got 'xml'/],
    ];
    for (const [argv, flag, message] of cases) {
      assert.throws(() => parseCommandLine(argv), (err: unknown) => {
        assert.ok(err instanceof CommandLineError);
        assert.equal(err.flag, flag);
        assert.match(err.message, message);
        return true;
      });
    }
  });
});

describe('reprQuote', () => {
  test('round-trips through sdssplitargs for every byte', () => {
    const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i)).toString('latin1');
    for (const s of ['', 'plain', all, '"\'\\', 'ünïcødé ✓']) assert.deepEqual(splitArgsText(reprQuote(s)), [s]);
  });
});
