import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigSetError, configGet, configSet } from '../../src/config/configCommand';
import { defaultConfig, type ReplicaConfig } from '../../src/config/replicaConfig';
import { stringMatch } from '../../src/config/stringMatch';

const get = (patterns: string[], config: ReplicaConfig = defaultConfig()): Record<string, string> => Object.fromEntries(configGet(config, patterns));

function setError(pairs: [string, string][]): string {
  try {
    configSet(defaultConfig(), pairs);
  } catch (err) {
    assert.ok(err instanceof ConfigSetError);
    return err.message;
  }
  assert.fail('accepted');
}

describe('CONFIG GET', () => {
  test('values are rendered as redis-server renders them', () => {
    const c: ReplicaConfig = { ...defaultConfig(), replicaof: { host: '10.0.0.1', port: 6379 }, 'repl-diskless-load': 'on-empty-db', 'replica-read-only': false };
    assert.deepEqual(get(['replicaof', 'repl-timeout', 'replica-read-only', 'replica-announce-ip', 'repl-backlog-size', 'repl-diskless-load', 'bind'], c), {
      replicaof: '10.0.0.1 6379',
      'repl-timeout': '60',
      'replica-read-only': 'no',
      'replica-announce-ip': '',
      'repl-backlog-size': '1048576',
      'repl-diskless-load': 'on-empty-db',
      bind: '127.0.0.1',
    });
    assert.deepEqual(get(['replicaof']), { replicaof: '' });
  });

  test('secrets read "(redacted)" when set and "" when not', () => {
    assert.deepEqual(get(['masterauth', 'masteruser', 'tls-key-file-pass']), { masterauth: '', masteruser: '', 'tls-key-file-pass': '' });
    const c: ReplicaConfig = { ...defaultConfig(), masterauth: 'hunter2', masteruser: 'repl', 'tls-key-file-pass': 'pw' };
    const all = configGet(c, ['*']);
    assert.ok(!JSON.stringify(all).includes('hunter2'));
    assert.deepEqual(get(['masterauth', 'masteruser', 'tls-key-file-pass'], c), {
      masterauth: '(redacted)',
      masteruser: '(redacted)',
      'tls-key-file-pass': '(redacted)',
    });
  });

  test('an exact name is case-insensitive and answered as typed', () => {
    assert.deepEqual(configGet(defaultConfig(), ['REPL-TIMEOUT']), [['REPL-TIMEOUT', '60']]);
    assert.deepEqual(configGet(defaultConfig(), ['SLAVEOF']), [['SLAVEOF', '']]);
  });

  test('globs match primary names and aliases, case-insensitively, each once', () => {
    assert.deepEqual(Object.keys(get(['slave*'])).sort(), ['slave-announce-ip', 'slave-announce-port', 'slave-priority', 'slave-read-only', 'slaveof']);
    assert.deepEqual(configGet(defaultConfig(), ['Repl-Tim*', 'repl-timeou?', 'repl-timeout']), [['repl-timeout', '60']]);
    // Redis 7.0's: the versioned ones (repl-rdb-channel, dual-channel-replication-enabled…) are not its configs.
    assert.equal(configGet(defaultConfig(), ['*']).length, 28);
  });

  test('unknown names and configs this tool does not hold give nothing', () => {
    assert.deepEqual(configGet(defaultConfig(), ['nosuch', 'maxmemory', 'no*such']), []);
  });
});

describe('CONFIG SET', () => {
  test('sets replication configs and reports what changed', () => {
    const r = configSet(defaultConfig(), [
      ['repl-timeout', '5'],
      ['SLAVE-READ-ONLY', 'no'],
      ['masterauth', 'x'],
      ['replica-announce-ip', ''],
      ['port', '7000'],
    ]);
    assert.equal(r.config['repl-timeout'], 5);
    assert.equal(r.config['replica-read-only'], false);
    assert.equal(r.config.masterauth, 'x');
    assert.equal(r.config.port, 7000);
    assert.deepEqual(r.changed, ['repl-timeout', 'replica-read-only', 'masterauth', 'port']);
  });

  test('bind is split on single spaces', () => {
    assert.equal(configSet(defaultConfig(), [['bind', '127.0.0.1 ::1']]).config.bind, '127.0.0.1 ::1');
    assert.equal(configSet(defaultConfig(), [['bind', '']]).config.bind, '');
  });

  test('repl-backlog-size is raised to 16kb as Redis\'s apply step does', () => {
    assert.equal(configSet(defaultConfig(), [['repl-backlog-size', '1']]).config['repl-backlog-size'], 16384);
    assert.equal(configSet(defaultConfig(), [['repl-backlog-size', '1MB']]).config['repl-backlog-size'], 1048576);
  });

  test('bad values give redis-server 7.0\'s CONFIG SET error', () => {
    assert.equal(setError([['repl-timeout', 'abc']]), "ERR CONFIG SET failed (possibly related to argument 'repl-timeout') - argument couldn't be parsed into an integer");
    assert.equal(setError([['Repl-Timeout', '0']]), "ERR CONFIG SET failed (possibly related to argument 'repl-timeout') - argument must be between 1 and 2147483647 inclusive");
    assert.equal(setError([['SLAVE-PRIORITY', 'x']]), "ERR CONFIG SET failed (possibly related to argument 'slave-priority') - argument couldn't be parsed into an integer");
    assert.equal(setError([['repl-diskless-load', 'x']]), "ERR CONFIG SET failed (possibly related to argument 'repl-diskless-load') - argument(s) must be one of the following: disabled, on-empty-db, swapdb");
    assert.equal(setError([['repl-backlog-size', '1.5mb']]), "ERR CONFIG SET failed (possibly related to argument 'repl-backlog-size') - argument must be a memory value");
  });

  test('unknown, immutable and duplicate names are refused with the name as typed', () => {
    assert.equal(setError([['foo', 'bar']]), "ERR Unknown option or number of arguments for CONFIG SET - 'foo'");
    assert.equal(setError([['maxmemory', '1']]), "ERR Unknown option or number of arguments for CONFIG SET - 'maxmemory'");
    assert.equal(setError([['DATABASES', '1']]), "ERR CONFIG SET failed (possibly related to argument 'DATABASES') - can't set immutable config");
    assert.equal(setError([['slaveof', '127.0.0.1 1']]), "ERR CONFIG SET failed (possibly related to argument 'slaveof') - can't set immutable config");
    assert.equal(setError([['enable-debug-command', 'yes']]), "ERR CONFIG SET failed (possibly related to argument 'enable-debug-command') - can't set immutable config");
    assert.equal(setError([['repl-timeout', '5'], ['REPL-TIMEOUT', '6']]), "ERR CONFIG SET failed (possibly related to argument 'REPL-TIMEOUT') - duplicate parameter");
  });

  test('names are all checked before any value', () => {
    assert.match(setError([['repl-timeout', 'abc'], ['databases', '16']]), /'databases'\) - can't set immutable config/);
    assert.match(setError([['databases', '16'], ['foo', '1']]), /'databases'\) - can't set immutable config/);
    assert.match(setError([['foo', '1'], ['databases', '16']]), /Unknown option .* - 'foo'/);
  });

  test('an alias and its primary name are different parameters; the last one wins', () => {
    const r = configSet(defaultConfig(), [['slave-read-only', 'no'], ['replica-read-only', 'yes']]);
    assert.equal(r.config['replica-read-only'], true);
    assert.deepEqual(r.changed, []);
  });

  test('nothing is set when one value is bad', () => {
    const before = defaultConfig();
    assert.throws(() => configSet(before, [['repl-timeout', '5'], ['port', 'x']]), ConfigSetError);
    assert.deepEqual(before, defaultConfig());
  });
});

describe('stringMatch (Redis glob rules)', () => {
  test('wildcards, sets, ranges and escapes', () => {
    const yes: [string, string][] = [
      ['*', 'anything'],
      ['repl-*', 'repl-timeout'],
      ['r?pl*out', 'repl-timeout'],
      ['[rs]lave*', 'slaveof'],
      ['[^x]*', 'port'],
      ['[a-z]ort', 'port'],
      ['[z-a]ort', 'port'],
      ['repl\\-timeout', 'repl-timeout'],
      ['a\\*b', 'a*b'],
      ['**x', 'x'],
      ['x**', 'x'],
      ['[abc', 'a'],
      ['[\\]]', ']'],
    ];
    const no: [string, string][] = [
      // Nothing matches an empty string, not even '*' (KEYS and SCAN special-case a lone '*').
      ['*', ''],
      ['?', ''],
      ['repl-*', 'replicaof'],
      ['[^p]ort', 'port'],
      ['a\\*b', 'axb'],
      ['[abc', 'ab'],
      ['x', 'xy'],
    ];
    for (const [p, s] of yes) assert.equal(stringMatch(p, s, false), true, `${p} ~ ${s}`);
    for (const [p, s] of no) assert.equal(stringMatch(p, s, false), false, `${p} !~ ${s}`);
  });

  test('nocase folds ASCII letters, except \\-escaped ones inside a set', () => {
    assert.equal(stringMatch('REPL-*', 'repl-timeout', true), true);
    assert.equal(stringMatch('[A-Z]ort', 'port', true), true);
    assert.equal(stringMatch('[\\P]ort', 'port', true), false);
    assert.equal(stringMatch('REPL-*', 'repl-timeout', false), false);
  });
});
