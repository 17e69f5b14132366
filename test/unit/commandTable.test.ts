// Each version's command table (captured from the live servers' COMMAND):
// what processCommand() finds for a master's command, and the error reply for
// what it does not have. The == CRITICAL == lines these give are compared
// with real replicas in integration/masterErrors.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { arityError, commandTableOf, lookupCommand } from '../../src/versions/commandTable';
import { PROFILES, profileById } from '../../src/versions/profiles';

const argv = (...words: string[]): string[] => words;
const p = (id: string) => profileById(id)!;

describe('command tables per version', () => {
  test('every profile has a table, and the tables grow with the versions', () => {
    for (const profile of PROFILES) assert.ok(commandTableOf(profile.commandTable).size > 200, profile.id);
    assert.ok(!commandTableOf('debian').has('hexpire'));
    assert.ok(commandTableOf('redis-7.4.1').has('hexpire'));
    assert.ok(!commandTableOf('redis-7.4.1').has('hsetex'));
    assert.ok(commandTableOf('redis-unstable-2026-06').has('hsetex'));
    assert.ok(commandTableOf('redis-unstable-2026-06').has('arset'));
    assert.ok(!commandTableOf('valkey-8.0.1').has('hexpire'));
  });

  test('a command, a subcommand (case-insensitive), and whether it writes', () => {
    assert.deepEqual(lookupCommand(p('redis-7.0'), argv('SET', 'k', 'v')), { kind: 'found', fullname: 'set', arity: -3, write: true });
    assert.deepEqual(lookupCommand(p('redis-7.0'), argv('get', 'k')), { kind: 'found', fullname: 'get', arity: 2, write: false });
    assert.deepEqual(lookupCommand(p('redis-7.0'), argv('XGROUP', 'CreateConsumer', 's', 'g', 'c')), { kind: 'found', fullname: 'xgroup|createconsumer', arity: 5, write: true });
    // A container alone is the container: its arity (at least 2) refuses it.
    const alone = lookupCommand(p('redis-7.0'), argv('CONFIG'));
    assert.equal(alone.kind, 'found');
    assert.equal(arityError(alone as { fullname: string; arity: number }, 1), "ERR wrong number of arguments for 'config' command");
  });

  test('unknown commands and subcommands get Redis\'s replies, the 8.8 line\'s without an argument list', () => {
    assert.deepEqual(lookupCommand(p('redis-7.0'), argv('NOSUCHCMD')), { kind: 'unknown', error: "ERR unknown command 'NOSUCHCMD', with args beginning with: " });
    assert.deepEqual(lookupCommand(p('redis-8.8'), argv('NOSUCHCMD')), { kind: 'unknown', error: "ERR unknown command 'NOSUCHCMD'" });
    assert.deepEqual(lookupCommand(p('redis-8.8'), argv('nosuch', 'a', 'b')), { kind: 'unknown', error: "ERR unknown command 'nosuch', with args beginning with: 'a' 'b' " });
    assert.deepEqual(lookupCommand(p('valkey-8.0'), argv('config', 'nosuch')), { kind: 'unknown', error: "ERR unknown subcommand 'nosuch'. Try CONFIG HELP." });
    // A later version's command is as unknown to an earlier one as any other name.
    assert.equal(lookupCommand(p('redis-7.4'), argv('HSETEX', 'h', 'FIELDS', '1', 'f', 'v')).kind, 'unknown');
    assert.equal(lookupCommand(p('redis-8.8'), argv('HSETEX', 'h', 'FIELDS', '1', 'f', 'v')).kind, 'found');
  });

  test('the argument list stops after 128 characters, each argument cut to what is left, line breaks blanked', () => {
    const r = lookupCommand(p('redis-7.0'), argv('x', 'a'.repeat(100), 'b'.repeat(100), 'c'));
    assert.equal(r.kind, 'unknown');
    assert.equal((r as { error: string }).error, `ERR unknown command 'x', with args beginning with: '${'a'.repeat(100)}' '${'b'.repeat(25)}' `);
    assert.equal((lookupCommand(p('redis-7.0'), argv('bad\r\nname')) as { error: string }).error, "ERR unknown command 'bad  name', with args beginning with: ");
  });

  test('a module\'s command (a dotted name) is the module\'s, not an unknown command', () => {
    assert.deepEqual(lookupCommand(p('redis-7.0'), argv('JSON.SET', 'doc', '$', '{}')), { kind: 'module', fullname: 'json.set' });
  });
});
