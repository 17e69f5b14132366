// Which profile emulate auto picks for a master's INFO or an RDB's producer,
// for versions with a profile and for the ones between and beyond them.
// (What each live build's own INFO gives is checked in integration/emulateAuto.)
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isEmulate, resolveFromInfo, resolveFromRdb } from '../../src/versions/resolve';
import { DEFAULT_PROFILE, NEWEST, PROFILE_IDS, PROFILES, profileById } from '../../src/versions/profiles';

const redisInfo = (version: string, extra = ''): string => `# Server\r\nredis_version:${version}\r\nredis_mode:standalone\r\n${extra}`;
const valkeyInfo = (version: string): string => `# Server\r\nredis_version:7.2.4\r\nserver_name:valkey\r\nvalkey_version:${version}\r\n`;

describe('resolveFromInfo', () => {
  const cases: [string, string, string][] = [
    ['Redis 7.0.15', redisInfo('7.0.15'), 'redis-7.0'],
    ['Redis 7.0.0', redisInfo('7.0.0'), 'redis-7.0'],
    ['Redis 7.2.4 (between profiles: the one at or below)', redisInfo('7.2.4'), 'redis-7.2'],
    ['Redis 7.4.2', redisInfo('7.4.2'), 'redis-7.4'],
    ['Redis 8.0.3', redisInfo('8.0.3'), 'redis-8.0'],
    ['Redis 8.1.0 (odd minor: a pre-release of 8.2)', redisInfo('8.1.0'), 'redis-8.0'],
    ['Redis 8.6.1', redisInfo('8.6.1'), 'redis-8.6'],
    ['Redis 9.0.0 (newer than every profile)', redisInfo('9.0.0'), 'redis-8.8'],
    ['Redis 6.2.14 (older than every profile)', redisInfo('6.2.14'), 'redis-7.0'],
    ['an unstable build of the 8.8 line (rdb channel buffer in INFO memory)', redisInfo('255.255.255', 'mem_replica_full_sync_buffer:0\r\n'), 'redis-8.8'],
    ['an unstable build from before the rdb channel', redisInfo('255.255.255'), 'redis-unstable-2024-10'],
    ['Valkey 7.2.7 (redis_version says 7.2.4)', valkeyInfo('7.2.7'), 'valkey-7.2'],
    ['Valkey 8.0.1', valkeyInfo('8.0.1'), 'valkey-8.0'],
    ['Valkey 8.1.0 (newer)', valkeyInfo('8.1.0'), 'valkey-8.0'],
  ];
  for (const [what, info, id] of cases) {
    test(`${what} → ${id}`, () => {
      const r = resolveFromInfo(info);
      assert.equal(r.profile.id, id);
      assert.match(r.reason, /^the master /);
    });
  }

  test('the reason says when the version is not one of the profiles\'', () => {
    assert.equal(resolveFromInfo(redisInfo('7.0.15')).reason, 'the master runs Redis 7.0.15: emulating a Redis 7.0.15 replica');
    assert.equal(resolveFromInfo(redisInfo('7.2.4')).reason, 'the master runs Redis 7.2.4: emulating redis-7.2, its release line (built against Redis 7.2.6)');
    assert.equal(resolveFromInfo(redisInfo('8.1.0')).reason, 'the master runs Redis 8.1.0: emulating redis-8.0 (Redis 8.0.0), the nearest version at or below it');
  });

  test('an INFO without a version, or with one that is not x.y.z, falls back to the newest of its product', () => {
    assert.equal(resolveFromInfo('# Server\r\nredis_mode:standalone\r\n').profile, NEWEST.redis);
    assert.equal(resolveFromInfo(redisInfo('banana')).profile, NEWEST.redis);
    assert.equal(resolveFromInfo(valkeyInfo('x')).profile, NEWEST.valkey);
  });
});

describe('resolveFromRdb', () => {
  test('the producer\'s version, nearest at or below; an unstable Redis by the RDB version it wrote', () => {
    assert.equal(resolveFromRdb('redis', '7.2.6', 11).profile.id, 'redis-7.2');
    assert.equal(resolveFromRdb('valkey', '8.0.1', 11).profile.id, 'valkey-8.0');
    assert.equal(resolveFromRdb('redis', '255.255.255', 14).profile.id, 'redis-8.8');
    assert.equal(resolveFromRdb('redis', '255.255.255', 12).profile.id, 'redis-unstable-2024-10');
    assert.match(resolveFromRdb('redis', '7.4.1', 12).reason, /^the RDB \(version 12\) was produced by Redis 7\.4\.1: emulating redis-7\.4$/);
  });
});

describe('the profiles', () => {
  test('ids are unique, isEmulate knows each and auto, and nothing else', () => {
    assert.equal(new Set(PROFILE_IDS).size, PROFILES.length);
    for (const id of PROFILE_IDS) assert.ok(isEmulate(id));
    assert.ok(isEmulate('auto'));
    assert.ok(!isEmulate('redis-6.2'));
    assert.ok(!isEmulate('Redis-7.0'));
    assert.equal(DEFAULT_PROFILE.id, 'redis-7.0');
  });

  test('within a product, a later version reads every RDB version an earlier one reads', () => {
    for (const product of ['redis', 'valkey'] as const) {
      const list = PROFILES.filter((p) => p.product === product);
      for (let i = 1; i < list.length; i++) assert.ok(list[i]!.rdbVersion >= list[i - 1]!.rdbVersion, `${list[i]!.id} after ${list[i - 1]!.id}`);
    }
  });

  test('the multi-channel syncs belong to the versions that have them', () => {
    for (const p of PROFILES) {
      assert.equal(p.has('rdb-channel'), p.product === 'redis' && p.rdbVersion >= 12 && !['redis-7.4', 'redis-unstable-2024-10'].includes(p.id), p.id);
      assert.equal(p.has('dual-channel'), p.id === 'valkey-8.0', p.id);
      assert.ok(!(p.has('rdb-channel') && p.has('dual-channel')));
    }
  });

  test('every profile with a live server names a build of ../shared/servers or Debian\'s', () => {
    const live = PROFILES.filter((p) => p.liveServer !== null).map((p) => [p.id, p.liveServer]);
    assert.deepEqual(live, [
      ['redis-7.0', 'debian'], ['redis-7.2', 'redis-7.2.6'], ['redis-7.4', 'redis-7.4.1'], ['redis-unstable-2024-10', 'redis-unstable-2024-10'],
      ['redis-8.8', 'redis-unstable-2026-06'], ['valkey-7.2', 'valkey-7.2.7'], ['valkey-8.0', 'valkey-8.0.1'],
    ]);
    assert.equal(profileById('redis-8.8')!.defaults['loading-process-events-interval-bytes'], 512 * 1024);
    assert.equal(profileById('valkey-8.0')!.defaults['repl-backlog-size'], 10 * 1024 * 1024);
  });
});
