// The launch configuration, without a client: master address forms, config
// validation by redis-server's rules, secrets kept out of messages, and the
// schema the manifest gets from launchSchema.ts.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AdapterError } from '../../src/debug/errors';
import { parseAttachArguments, parseLaunchArguments, parseMaster, unknownAttributes } from '../../src/debug/launchConfig';
import { ATTACH_ATTRIBUTES, INITIAL_CONFIGURATION, LAUNCH_ATTRIBUTES } from '../../src/debug/launchSchema';

const refused = (args: Record<string, unknown>): string => {
  try {
    parseLaunchArguments(args);
  } catch (err) {
    assert.ok(err instanceof AdapterError);
    return err.message;
  }
  assert.fail('accepted');
};

describe('launch configuration', () => {
  test('master as host:port, [v6]:port, redis:// and rediss:// URLs', () => {
    assert.deepEqual(parseMaster('10.0.0.5:6380'), { host: '10.0.0.5', port: 6380, tls: false, user: null, password: null });
    assert.deepEqual(parseMaster('[::1]:7000'), { host: '::1', port: 7000, tls: false, user: null, password: null });
    assert.deepEqual(parseMaster('redis://al%40ice:p%3Ass@db.local:6390/0'), { host: 'db.local', port: 6390, tls: false, user: 'al@ice', password: 'p:ss' });
    assert.deepEqual(parseMaster('rediss://:pw@db.local'), { host: 'db.local', port: 6379, tls: true, user: null, password: 'pw' });
  });

  test('dataset is auto by default, full or none when named, and anything else is refused with the choices', () => {
    assert.equal(parseLaunchArguments({ master: '127.0.0.1:7001' }).base.dataset, 'auto');
    assert.equal(parseLaunchArguments({ master: '127.0.0.1:7001', dataset: 'none' }).base.dataset, 'none');
    assert.equal(parseLaunchArguments({ master: '127.0.0.1:7001', dataset: 'full' }).base.dataset, 'full');
    assert.match(refused({ master: '127.0.0.1:7001', dataset: 'some' }), /'dataset' must be one of auto, full, none/);
    assert.match(refused({ master: '127.0.0.1:7001', dataset: 1 }), /'dataset' must be one of auto, full, none/);
  });

  test('a URL sets masteruser, masterauth and tls-replication; config applies after it', () => {
    const s = parseLaunchArguments({ master: 'rediss://bob:pw@127.0.0.1:7001', replicas: 2, config: { 'repl-timeout': 5, 'repl-diskless-load': 'swapdb' } });
    assert.deepEqual(s.base.replicaof, { host: '127.0.0.1', port: 7001 });
    assert.equal(s.base.masteruser, 'bob');
    assert.equal(s.base.masterauth, 'pw');
    assert.equal(s.base['tls-replication'], true);
    assert.equal(s.base['repl-timeout'], 5);
    assert.equal(s.base['repl-diskless-load'], 'swapdb');
    assert.equal(s.base.port, 0);
    assert.equal(s.pauseMode, 'keepalive');
    assert.equal(s.replicas, 2);
  });

  test('bad values are refused with the reason, and secrets never appear', () => {
    assert.match(refused({}), /'master' is required/);
    assert.equal(refused({ master: 'redis://u:hunter2@h:99999' }), "Invalid launch configuration: master 'redis://u:***@h:99999' is not a valid redis:// URL");
    assert.equal(refused({ master: 'h:0' }), "Invalid launch configuration: master 'h:0': port must be 1..65535");
    assert.match(refused({ master: 'h:1', config: { 'repl-diskless-load': 'sometimes' } }), /config 'repl-diskless-load sometimes': argument\(s\) must be one of the following/);
    assert.match(refused({ master: 'h:1', config: { replicaof: 'x 1' } }), /set by 'master'/);
    assert.match(refused({ master: 'h:1', config: { 'repl-timeout': [1] } }), /must be a string, a number or a boolean/);
    assert.doesNotMatch(refused({ master: 'h:1', config: { masterauth: 'hunter2', 'repl-timeout': 0 } }), /hunter2/);
    assert.match(refused({ master: 'h:1', redisConf: '/nonexistent/redis.conf' }), /redisConf \/nonexistent\/redis.conf: ENOENT/);
  });

  test('attach takes the debug port of a running redis-replica-debugger, and refuses anything else', () => {
    assert.deepEqual(parseAttachArguments({ port: 7100 }), { host: '127.0.0.1', port: 7100, pauseMode: 'keepalive' });
    assert.deepEqual(parseAttachArguments({ port: 7100, host: 'replicas.local', pauseMode: 'freeze' }), { host: 'replicas.local', port: 7100, pauseMode: 'freeze' });
    assert.throws(() => parseAttachArguments({}), /'port' must be the --debug-port of a running redis-replica-debugger/);
    assert.throws(() => parseAttachArguments({ port: '7100' }), /'port' must be/);
    assert.throws(() => parseAttachArguments({ port: 7100, pauseMode: 'sleep' }), /'pauseMode' must be 'keepalive' or 'freeze'/);
  });

  test('an unknown attribute is named with the closest known one; VS Code\'s own attributes pass', () => {
    assert.deepEqual(unknownAttributes({ type: 'redis-replica', request: 'launch', name: 'x', mastr: 'h:1', __sessionId: 'id', preLaunchTask: 't' }, 'launch'),
      ["unknown attribute 'mastr' (did you mean 'master'?)"]);
    assert.deepEqual(unknownAttributes({ port: 1, replicas: 2 }, 'attach'), ["unknown attribute 'replicas'"]);
    assert.deepEqual(unknownAttributes({ ...INITIAL_CONFIGURATION }, 'launch'), []);
  });

  test('the schema\'s defaults and initial configuration are accepted', () => {
    const defaults = Object.fromEntries(Object.entries(LAUNCH_ATTRIBUTES.properties).filter(([, a]) => a.default !== undefined).map(([k, a]) => [k, a.default]));
    assert.doesNotThrow(() => parseLaunchArguments(defaults));
    assert.doesNotThrow(() => parseLaunchArguments(INITIAL_CONFIGURATION));
    for (const name of LAUNCH_ATTRIBUTES.required) assert.ok(name in LAUNCH_ATTRIBUTES.properties);
    const attachDefaults = Object.fromEntries(Object.entries(ATTACH_ATTRIBUTES.properties).filter(([, a]) => a.default !== undefined).map(([k, a]) => [k, a.default]));
    assert.doesNotThrow(() => parseAttachArguments(attachDefaults));
    for (const name of ATTACH_ATTRIBUTES.required) assert.ok(name in ATTACH_ATTRIBUTES.properties);
  });
});
