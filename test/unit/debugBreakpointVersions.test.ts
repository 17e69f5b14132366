// Breakpoints and documents across versions: each version's state-machine
// document (its own rules and line numbers) beside the every-version one, line
// breakpoints set in any of them stopping on the same transition of every
// replica that has it, and a breakpoint none of the session's replicas can hit
// shown unverified with the versions that have its transition.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BreakpointRegistry } from '../../src/debug/breakpoints';
import {
  documentByReference, documentKeyOfFileName, documentKeyOfUri, documentOfProfile, documentUri, fileNameOf, servedDocument,
} from '../../src/debug/documents';
import { stackFrames } from '../../src/debug/stack';
import type { TransitionRecord } from '../../src/engine/io';
import { renderStateMachineDocument } from '../../src/engine/stateMachineDocument';
import { findTransition, ReplState, RdbChannelState, transitionTable, type AnyState } from '../../src/engine/states';
import { PROFILES, profileById } from '../../src/versions/profiles';

const p = (id: string) => profileById(id)!;

/** A record of the rule from -> to (what the matching reads: the pair), as the engine would make it. */
function record(from: AnyState, to: AnyState, seq = 1): TransitionRecord {
  const rule = findTransition(from, to)!;
  return { seq, machine: rule.machine, from, to, cause: rule.causes[0]!, message: '', callPath: ['syncWithMaster'], at: 0 };
}

const lineIn = (key: Parameters<typeof servedDocument>[0], from: AnyState, to: AnyState): number => servedDocument(key).lines.get(findTransition(from, to)!)!;
const NO_SCOPE = () => ({ lookup: () => undefined });

describe('state-machine documents per version', () => {
  test('each version\'s document is its own rendering, under a sourceReference of its own; every version\'s keeps 1', () => {
    assert.equal(servedDocument('all').sourceReference, 1);
    assert.equal(servedDocument('all').text, renderStateMachineDocument().text);
    const refs = new Set<number>([1]);
    for (const profile of PROFILES) {
      const doc = documentOfProfile(profile);
      assert.equal(doc.text, renderStateMachineDocument(profile).text, profile.id);
      assert.equal(doc.name, `replication state machine (${profile.id})`);
      assert.ok(!refs.has(doc.sourceReference), `${profile.id}: a reference of its own`);
      refs.add(doc.sourceReference);
      assert.equal(documentByReference(doc.sourceReference), doc);
      // Its lines are its rules, and only its rules.
      assert.deepEqual([...doc.ruleAtLine.values()], [...transitionTable(profile).rules].sort((a, b) => doc.lines.get(a)! - doc.lines.get(b)!));
    }
    assert.equal(documentByReference(999), undefined);
  });

  test('line numbers are the version\'s: TRANSFER->CONNECTED is lower in Redis 8.8\'s document (RECEIVE_REQ_REPLY comes first) than in 7.0\'s', () => {
    const old = lineIn('redis-7.0', ReplState.TRANSFER, ReplState.CONNECTED);
    const new88 = lineIn('redis-8.8', ReplState.TRANSFER, ReplState.CONNECTED);
    assert.ok(new88 > old, `${new88} > ${old}`);
    assert.equal(servedDocument('redis-7.0').lines.get(findTransition(ReplState.RECEIVE_IP_REPLY, ReplState.RECEIVE_REQ_REPLY)!), undefined);
  });

  test('file names and URIs: the every-version one\'s folder, state-machine.<profile>.redisrepl, both ways', () => {
    const all = 'redis-replication:/state-machine.redisrepl';
    assert.equal(fileNameOf('valkey-8.0'), 'state-machine.valkey-8.0.redisrepl');
    assert.equal(documentUri(all, 'redis-8.8'), 'redis-replication:/state-machine.redis-8.8.redisrepl');
    assert.equal(documentUri(all, 'all'), all);
    for (const key of ['all', ...PROFILES.map((x) => x.id)] as const) {
      assert.equal(documentKeyOfUri(all, documentUri(all, key)), key);
      assert.equal(documentKeyOfFileName(fileNameOf(key)), key);
    }
    assert.equal(documentKeyOfFileName('state-machine.redis-9.9.redisrepl'), undefined);
    assert.equal(documentKeyOfUri(all, 'file:///tmp/state-machine.redisrepl'), undefined);
  });

  test('a replica\'s frames sit on its own version\'s lines', () => {
    const t = record(ReplState.RECEIVE_IP_REPLY, ReplState.RECEIVE_REQ_REPLY);
    const frames = stackFrames(documentOfProfile(p('redis-8.8')), { kind: 'transition', transition: t }, t, ReplState.RECEIVE_REQ_REPLY);
    assert.deepEqual(frames, [{ name: 'syncWithMaster (RECEIVE_IP_REPLY -> RECEIVE_REQ_REPLY)', line: lineIn('redis-8.8', ReplState.RECEIVE_IP_REPLY, ReplState.RECEIVE_REQ_REPLY) }]);
    const ch = record(RdbChannelState.RECEIVE_FULLRESYNC, RdbChannelState.RDB_LOADING);
    const idle = stackFrames(documentOfProfile(p('redis-8.8')), null, ch, ReplState.TRANSFER);
    assert.deepEqual(idle, [{ name: 'TRANSFER', line: lineIn('redis-8.8', RdbChannelState.RECEIVE_FULLRESYNC, RdbChannelState.RDB_LOADING) }]);
  });
});

describe('breakpoints and the versions of the session', () => {
  test('a channel transition no replica of the session has is unverified, naming the versions that have it; it stays armed', () => {
    const r = new BreakpointRegistry();
    const [bp] = r.setFunctionBreakpoints([{ name: '*->RDB_CH_RDB_LOADING' }]);
    assert.deepEqual(bp, { id: 1, verified: true }, 'no version known yet: checked against every version');
    const changed = r.setVersions([p('redis-7.2')]);
    assert.deepEqual(changed, [{
      id: 1,
      verified: false,
      message: '*->RDB_CH_RDB_LOADING is a transition of redis-8.0, redis-8.2, redis-8.4, redis-8.6 or redis-8.8 only: ' +
        'no replica of this session emulates one (it emulates redis-7.2); it stays set and stops on a replica that does',
    }]);
    assert.deepEqual(r.onTransition(record(RdbChannelState.RECEIVE_FULLRESYNC, RdbChannelState.RDB_LOADING), NO_SCOPE).stopIds, [1]);
    assert.deepEqual(r.setVersions([p('redis-7.2'), p('redis-8.8')]), [{ id: 1, verified: true }]);
    assert.deepEqual(r.setVersions([p('redis-8.8'), p('redis-7.2')]), [], 'nothing changed: nothing to tell');
    const [dual] = r.setFunctionBreakpoints([{ name: '*->DUAL_CHANNEL_RDB_LOADED' }]);
    assert.equal(dual!.verified, false);
    assert.match(dual!.message!, /^\*->DUAL_CHANNEL_RDB_LOADED is a transition of valkey-8\.0 only: no replica of this session emulates one \(they emulate redis-8\.8 and redis-7\.2\)/);
  });

  test('a pattern that names no state is unverified for its own reason whatever the versions', () => {
    const r = new BreakpointRegistry();
    r.setVersions([p('redis-8.8')]);
    const [bad] = r.setFunctionBreakpoints([{ name: 'RDB_CH_RDB_LOADNG' }]);
    assert.equal(bad!.verified, false);
    assert.match(bad!.message!, /did you mean RDB_CH_RDB_LOADING\?/);
    assert.deepEqual(r.setVersions(null), []);
  });

  test('a line breakpoint in a version\'s document and one in every version\'s stop on the same transition of every replica that has it', () => {
    const r = new BreakpointRegistry();
    r.setVersions([p('redis-7.0'), p('redis-8.8')]);
    const [in88] = r.setLineBreakpoints(servedDocument('redis-8.8'), [{ line: lineIn('redis-8.8', ReplState.TRANSFER, ReplState.CONNECTED) }]);
    const [inAll] = r.setLineBreakpoints(servedDocument('all'), [{ line: lineIn('all', ReplState.TRANSFER, ReplState.CONNECTED) }]);
    assert.deepEqual(in88, { id: 1, verified: true, message: 'TRANSFER->CONNECTED', line: lineIn('redis-8.8', ReplState.TRANSFER, ReplState.CONNECTED), document: 'redis-8.8' });
    assert.equal(inAll!.document, 'all');
    // A 7.0 replica's TRANSFER->CONNECTED: the 8.8 document's line stops on it too (the same rule).
    assert.deepEqual(r.onTransition(record(ReplState.TRANSFER, ReplState.CONNECTED), NO_SCOPE).stopIds, [1, 2]);
    // Each document keeps its own list: clearing one leaves the other.
    r.setLineBreakpoints(servedDocument('all'), []);
    assert.deepEqual(r.onTransition(record(ReplState.TRANSFER, ReplState.CONNECTED), NO_SCOPE).stopIds, [1]);
  });

  test('a line of Redis 8.6+\'s RECEIVE_REQ_REPLY on a session of Valkey 8 replicas is unverified; lines that are no transition say so', () => {
    const r = new BreakpointRegistry();
    r.setVersions([p('valkey-8.0')]);
    const line = lineIn('redis-8.8', ReplState.RECEIVE_IP_REPLY, ReplState.RECEIVE_REQ_REPLY);
    const [bp, title] = r.setLineBreakpoints(servedDocument('redis-8.8'), [{ line }, { line: 1 }]);
    assert.equal(bp!.verified, false);
    assert.equal(bp!.message, 'RECEIVE_IP_REPLY->RECEIVE_REQ_REPLY is a transition of redis-8.6 or redis-8.8 only: ' +
      'no replica of this session emulates one (it emulates valkey-8.0); it stays set and stops on a replica that does');
    assert.deepEqual(title, { id: 2, verified: false, message: 'not a transition: put line breakpoints on a FROM -> TO line', line: 1, document: 'redis-8.8' });
  });
});
