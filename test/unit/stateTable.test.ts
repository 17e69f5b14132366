// The transition tables are the one source for the engine, the docs and the
// debugger's state-machine document; each version has the rules of its own.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { ReplicaCore } from '../../src/engine/core';
import { renderStateMachineDocument } from '../../src/engine/stateMachineDocument';
import {
  ALL_STATES, DualChannelState, findTransition, IllegalTransitionError, isHandshakeState, machineOf, mainStates, RdbChannelState, ReplState,
  stateName, stateNumber, statesOf, transitionTable, TRANSITIONS,
} from '../../src/engine/states';
import { defaultConfig } from '../../src/config/replicaConfig';
import { PROFILES, profileById } from '../../src/versions/profiles';

const profile = (id: string) => profileById(id)!;

describe('states of each version', () => {
  test('Redis 7.0 has the 13 REPL_STATE values of its server.h, in order, handshake states 3..10', () => {
    const states = mainStates(profile('redis-7.0'));
    assert.equal(states.length, 13);
    assert.deepEqual(states.map((s) => stateNumber(profile('redis-7.0'), s)), [...Array(13).keys()]);
    assert.deepEqual(states.filter(isHandshakeState).map((s) => stateNumber(profile('redis-7.0'), s)), [3, 4, 5, 6, 7, 8, 9, 10]);
    assert.equal(stateNumber(profile('redis-7.0'), ReplState.TRANSFER), 11);
  });

  test('Redis 8.6+ inserts RECEIVE_REQ_REPLY after RECEIVE_IP_REPLY, Valkey 8 RECEIVE_VERSION_REPLY after RECEIVE_CAPA_REPLY', () => {
    const r88 = mainStates(profile('redis-8.8'));
    assert.equal(r88[r88.indexOf(ReplState.RECEIVE_IP_REPLY) + 1], ReplState.RECEIVE_REQ_REPLY);
    assert.equal(stateNumber(profile('redis-8.8'), ReplState.TRANSFER), 12);
    const v80 = mainStates(profile('valkey-8.0'));
    assert.equal(v80[v80.indexOf(ReplState.RECEIVE_CAPA_REPLY) + 1], ReplState.RECEIVE_VERSION_REPLY);
    assert.equal(stateNumber(profile('valkey-8.0'), ReplState.CONNECTED), 13);
    assert.ok(!mainStates(profile('redis-7.4')).includes(ReplState.RECEIVE_REQ_REPLY));
    assert.ok(!mainStates(profile('redis-7.4')).includes(ReplState.RECEIVE_VERSION_REPLY));
  });

  test('Redis 8 has the rdb channel machine (REPL_RDB_CH_*), Valkey 8 the dual channel one (REPL_DUAL_CHANNEL_*), older versions neither', () => {
    assert.deepEqual(statesOf(profile('redis-8.0')).filter((s) => machineOf(s) !== 'main').map(stateName), [
      'REPL_RDB_CH_STATE_NONE', 'REPL_RDB_CH_SEND_HANDSHAKE', 'REPL_RDB_CH_RECEIVE_AUTH_REPLY', 'REPL_RDB_CH_RECEIVE_REPLCONF_REPLY',
      'REPL_RDB_CH_RECEIVE_FULLRESYNC', 'REPL_RDB_CH_RDB_LOADING',
    ]);
    assert.deepEqual(statesOf(profile('valkey-8.0')).filter((s) => machineOf(s) !== 'main').map(stateName), [
      'REPL_DUAL_CHANNEL_STATE_NONE', 'REPL_DUAL_CHANNEL_SEND_HANDSHAKE', 'REPL_DUAL_CHANNEL_RECEIVE_AUTH_REPLY',
      'REPL_DUAL_CHANNEL_RECEIVE_REPLCONF_REPLY', 'REPL_DUAL_CHANNEL_RECEIVE_ENDOFF', 'REPL_DUAL_CHANNEL_RDB_LOAD', 'REPL_DUAL_CHANNEL_RDB_LOADED',
    ]);
    for (const id of ['redis-7.0', 'redis-7.4', 'redis-unstable-2024-10', 'valkey-7.2']) {
      assert.ok(statesOf(profile(id)).every((s) => machineOf(s) === 'main'), id);
    }
  });
});

describe('transition tables', () => {
  test('in every version, every state is reachable and every state but NONE can be left, with one rule per pair', () => {
    for (const p of PROFILES) {
      const table = transitionTable(p);
      for (const s of table.states) {
        const none = s === ReplState.NONE || s === RdbChannelState.NONE || s === DualChannelState.NONE;
        if (!none) assert.ok(table.rules.some((t) => t.to === s), `${p.id}: nothing enters ${stateName(s)}`);
        assert.ok(table.rules.some((t) => t.from === s), `${p.id}: nothing leaves ${stateName(s)}`);
      }
      for (const r of table.rules) assert.ok(table.states.includes(r.from) && table.states.includes(r.to), `${p.id}: ${stateName(r.from)} -> ${stateName(r.to)}`);
    }
  });

  test('every state of the union table belongs to some version', () => {
    for (const s of ALL_STATES) assert.ok(PROFILES.some((p) => statesOf(p).includes(s)), stateName(s));
  });

  test('a version without REPLCONF version goes from RECEIVE_CAPA_REPLY to SEND_PSYNC; Valkey 8 goes through RECEIVE_VERSION_REPLY', () => {
    assert.ok(transitionTable(profile('redis-7.2')).find(ReplState.RECEIVE_CAPA_REPLY, ReplState.SEND_PSYNC));
    assert.equal(transitionTable(profile('redis-7.2')).find(ReplState.RECEIVE_CAPA_REPLY, ReplState.RECEIVE_VERSION_REPLY), undefined);
    assert.ok(transitionTable(profile('valkey-8.0')).find(ReplState.RECEIVE_CAPA_REPLY, ReplState.RECEIVE_VERSION_REPLY));
    assert.equal(transitionTable(profile('redis-8.8')).find(ReplState.RECEIVE_IP_REPLY, ReplState.RECEIVE_CAPA_REPLY), undefined);
  });

  test('an illegal transition fails loudly, naming the pair, the cause and the version', () => {
    assert.equal(findTransition(ReplState.NONE, ReplState.CONNECTED), undefined);
    const core = new ReplicaCore({ ...defaultConfig(), emulate: 'redis-7.0' }, { clock: { now: () => 0 }, newReplid: () => 'a'.repeat(40) });
    assert.throws(() => core.transition(ReplState.CONNECTED, 'sync-finished', 'x', []),
      (err: unknown) => err instanceof IllegalTransitionError && /REPL_STATE_NONE -> REPL_STATE_CONNECTED \(cause sync-finished\).*redis-7\.0/.test(err.message));
    // A legal pair with a cause it does not allow is refused too.
    assert.throws(() => core.transition(ReplState.CONNECT, 'master-timeout', 'x', []), IllegalTransitionError);
    // A channel state a Redis 7.0 replica does not have.
    assert.throws(() => core.transition(RdbChannelState.SEND_HANDSHAKE, 'rdb-channel-sync', 'x', []), IllegalTransitionError);
    assert.equal(core.info.repl_state, ReplState.NONE);
  });
});

test('the state-machine document has one line per transition, and docs/STATE_MACHINE.md is generated from it', () => {
  const doc = renderStateMachineDocument();
  assert.equal(doc.lines.size, TRANSITIONS.length);
  const lines = doc.text.split('\n');
  for (const [rule, line] of doc.lines) assert.match(lines[line - 1]!, new RegExp(`${stateName(rule.from)} +-> ${stateName(rule.to)} `));
  const committed = fs.readFileSync(path.resolve(__dirname, '../../../docs/STATE_MACHINE.md'), 'utf8');
  assert.ok(committed.includes(doc.text), 'docs/STATE_MACHINE.md is out of date: run npm run docs');
});
