// Function breakpoints on transitions: what each way of writing one stops on,
// checked against every rule of the transition table.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ALL_STATES, machineOf, phaseOf, shortStateName, TRANSITIONS, type TransitionRule } from '../../src/engine/states';
import { matches, matchingRules, parseTransitionPattern, type TransitionPattern } from '../../src/debug/transitionPattern';

const ruleText = (r: TransitionRule): string => `${shortStateName(r.from)}->${shortStateName(r.to)}`;

function pattern(text: string): TransitionPattern {
  const r = parseTransitionPattern(text);
  assert.ok(r.ok, `${text}: ${r.ok ? '' : r.message}`);
  return r.pattern;
}

const rulesOf = (text: string): string[] => matchingRules(pattern(text)).map(ruleText).sort();

/** Every way the handshake (CONNECTING and states 3..10) is left. */
const LEAVING_HANDSHAKE = [
  'CONNECTING->CONNECT', 'RECEIVE_PING_REPLY->CONNECT', 'RECEIVE_AUTH_REPLY->CONNECT', 'RECEIVE_PORT_REPLY->CONNECT',
  'RECEIVE_IP_REPLY->CONNECT', 'RECEIVE_REQ_REPLY->CONNECT', 'RECEIVE_CAPA_REPLY->CONNECT', 'RECEIVE_VERSION_REPLY->CONNECT',
  'RECEIVE_PSYNC_REPLY->CONNECT',
  'RECEIVE_PSYNC_REPLY->TRANSFER', 'RECEIVE_PSYNC_REPLY->CONNECTED',
];
const HANDSHAKE_FAILURES = LEAVING_HANDSHAKE.filter((r) => r.endsWith('->CONNECT'));

/** Written by hand from the matching rule, as the oracle the implementation is checked against. */
const EXPECTED: Record<string, string[]> = {
  'CONNECTING->TRANSFER': ['RECEIVE_PSYNC_REPLY->TRANSFER'],
  'CONNECTING->RECEIVE_PING_REPLY': ['CONNECTING->RECEIVE_PING_REPLY'],
  'CONNECTING->CONNECTED': ['RECEIVE_PSYNC_REPLY->CONNECTED'],
  'CONNECTING->CONNECT': HANDSHAKE_FAILURES,
  'CONNECTING->*': ['CONNECTING->RECEIVE_PING_REPLY', ...LEAVING_HANDSHAKE],
  'CONNECT->CONNECTING': ['CONNECT->CONNECTING'],
  CONNECTING: ['CONNECT->CONNECTING'],
  '*->CONNECTING': ['CONNECT->CONNECTING'],
  '*->HANDSHAKE': ['CONNECT->CONNECTING'],
  'CONNECT->HANDSHAKE': ['CONNECT->CONNECTING'],
  'HANDSHAKE->*': LEAVING_HANDSHAKE,
  'HANDSHAKE->CONNECT': HANDSHAKE_FAILURES,
  'HANDSHAKE->TRANSFER': ['RECEIVE_PSYNC_REPLY->TRANSFER'],
  TRANSFER: ['RECEIVE_PSYNC_REPLY->TRANSFER'],
  'TRANSFER->*': ['TRANSFER->CONNECTED', 'TRANSFER->CONNECT'],
  '*->CONNECTED': ['RECEIVE_PSYNC_REPLY->CONNECTED', 'TRANSFER->CONNECTED'],
  'CONNECTED->CONNECT': ['CONNECTED->CONNECT'],
  'RECEIVE_PSYNC_REPLY->*': ['RECEIVE_PSYNC_REPLY->TRANSFER', 'RECEIVE_PSYNC_REPLY->CONNECTED', 'RECEIVE_PSYNC_REPLY->CONNECT', 'RECEIVE_PSYNC_REPLY->SEND_HANDSHAKE'],
  'SEND_PSYNC->RECEIVE_PSYNC_REPLY': ['SEND_PSYNC->RECEIVE_PSYNC_REPLY'],
  NONE: ['CONNECT->NONE'],
  '*->CONNECT': ['NONE->CONNECT', ...HANDSHAKE_FAILURES, 'TRANSFER->CONNECT', 'CONNECTED->CONNECT'],
  '*->*': TRANSITIONS.map(ruleText),
  '*': TRANSITIONS.map(ruleText),
  // A channel's states: its own transitions only.
  'RDB_CH_RECEIVE_FULLRESYNC->RDB_CH_RDB_LOADING': ['RDB_CH_RECEIVE_FULLRESYNC->RDB_CH_RDB_LOADING'],
  '*->RDB_CH_RDB_LOADING': ['RDB_CH_RECEIVE_FULLRESYNC->RDB_CH_RDB_LOADING'],
  'DUAL_CHANNEL_RDB_LOADED': ['DUAL_CHANNEL_RDB_LOAD->DUAL_CHANNEL_RDB_LOADED'],
  'RDB_CH_RDB_LOADING->*': ['RDB_CH_RDB_LOADING->RDB_CH_NONE'],
  '*->DUAL_CHANNEL_RDB_LOADED': ['DUAL_CHANNEL_RDB_LOAD->DUAL_CHANNEL_RDB_LOADED'],
  // server.h's own spelling of a channel state, bare: any entry into it.
  REPL_RDB_CH_RDB_LOADING: ['RDB_CH_RECEIVE_FULLRESYNC->RDB_CH_RDB_LOADING'],
  '*->DUAL_CHANNEL_RDB_LOAD': ['DUAL_CHANNEL_RECEIVE_ENDOFF->DUAL_CHANNEL_RDB_LOAD'],
  // The new main states of Redis 8.6 and Valkey 8: the main machine's.
  '*->RECEIVE_REQ_REPLY': ['RECEIVE_IP_REPLY->RECEIVE_REQ_REPLY'],
  'RECEIVE_VERSION_REPLY->*': ['RECEIVE_VERSION_REPLY->SEND_PSYNC', 'RECEIVE_VERSION_REPLY->CONNECT'],
  // States of two machines: a transition stays in one.
  'TRANSFER->RDB_CH_NONE': [],
  // Valid, but nothing can ever match them.
  'NONE->CONNECTED': [],
  'SEND_HANDSHAKE->CONNECT': [],
  'CONNECTING->CONNECTING': [],
  'CONNECTING->HANDSHAKE': [],
  'HANDSHAKE->HANDSHAKE': [],
  'TRANSFER->HANDSHAKE': [],
};

describe('transition patterns', () => {
  for (const [text, expected] of Object.entries(EXPECTED)) {
    test(`${text} matches exactly ${expected.length === 0 ? 'nothing' : expected.length > 3 ? `${expected.length} rules` : expected.join(', ')}`, () => {
      assert.deepEqual(rulesOf(text), [...expected].sort());
      assert.equal(pattern(text).neverMatches, expected.length === 0);
    });
  }

  test('for every rule of the table, the patterns that match it are the ones the table above says', () => {
    for (const rule of TRANSITIONS) {
      const expected = Object.entries(EXPECTED).filter(([, rules]) => rules.includes(ruleText(rule))).map(([t]) => t);
      const actual = Object.keys(EXPECTED).filter((t) => matches(pattern(t), rule.from, rule.to));
      assert.deepEqual(actual, expected, ruleText(rule));
    }
  });

  test('every rule is matched by its own FROM->TO, *->TO, FROM->* and bare TO', () => {
    for (const rule of TRANSITIONS) {
      const [f, t] = [shortStateName(rule.from), shortStateName(rule.to)];
      for (const text of [`${f}->${t}`, `*->${t}`, `${f}->*`, t]) assert.ok(matches(pattern(text), rule.from, rule.to), `${text} on ${ruleText(rule)}`);
      // Without CONNECTING on a side, FROM->TO is that one rule.
      if (f !== 'CONNECTING' && t !== 'CONNECTING') assert.deepEqual(rulesOf(`${f}->${t}`), [ruleText(rule)]);
    }
  });

  test('HANDSHAKE on a side matches exactly the transitions that cross the phase boundary on that side', () => {
    const inHs = (s: number): boolean => phaseOf(s) === 'HANDSHAKE';
    const main = ALL_STATES.filter((s) => machineOf(s) === 'main');
    for (const from of main) {
      for (const to of main) {
        assert.equal(matches(pattern('HANDSHAKE->*'), from, to), inHs(from) && !inHs(to));
        assert.equal(matches(pattern('*->HANDSHAKE'), from, to), inHs(to) && !inHs(from));
      }
    }
  });

  test('names are case-insensitive, REPL_STATE_ is optional, whitespace around -> is allowed', () => {
    const variants: Record<string, string[]> = {
      'CONNECTING->TRANSFER': ['connecting->transfer', 'REPL_STATE_CONNECTING -> REPL_STATE_TRANSFER', '  repl_state_Connecting->  Transfer '],
      '*->CONNECTED': ['* -> connected', 'CONNECTED', 'repl_state_connected'],
      'HANDSHAKE->*': ['handshake->*', 'Handshake -> *', 'REPL_STATE_HANDSHAKE->*'],
    };
    for (const [canonical, texts] of Object.entries(variants)) {
      for (const text of texts) {
        assert.equal(pattern(text).canonical, canonical, text);
        assert.equal(pattern(text).text, text, 'the text is kept as typed');
        assert.deepEqual(rulesOf(text), rulesOf(canonical), text);
      }
    }
  });

  test('a pattern that can never match says so and what it could be meant as', () => {
    const p = pattern('NONE->CONNECTED');
    assert.equal(p.neverMatches, true);
    assert.equal(p.message,
      'no legal transition matches NONE->CONNECTED: repl_state never goes from NONE to CONNECTED in one step. ' +
      'Did you mean NONE->* (NONE->CONNECT) or *->CONNECTED (RECEIVE_PSYNC_REPLY->CONNECTED, TRANSFER->CONNECTED)?');
    assert.match(pattern('HANDSHAKE->HANDSHAKE').message!, /a phase matches only where repl_state crosses into or out of it.*HANDSHAKE->\* \(CONNECTING->CONNECT, .*, 7 more\) or \*->HANDSHAKE \(CONNECT->CONNECTING\)/);
    assert.equal(pattern('TRANSFER').message, undefined);
  });

  test('an unknown name is a parse error that lists every valid name and suggests the closest', () => {
    const r = parseTransitionPattern('CONNECTING->TRANSFR');
    assert.equal(r.ok, false);
    const message = r.ok ? '' : r.message;
    assert.match(message, /^unknown state 'TRANSFR' in 'CONNECTING->TRANSFR' \(did you mean TRANSFER\?\); valid names: /);
    for (const s of ALL_STATES) assert.ok(message.includes(shortStateName(s)), shortStateName(s));
    assert.match(message, /the phase HANDSHAKE \(CONNECTING and the handshake states\)/);
    const far = parseTransitionPattern('banana');
    assert.ok(!far.ok && !far.message.includes('did you mean'), 'no suggestion when nothing is close');
  });

  test('malformed patterns are parse errors that show the syntax', () => {
    for (const text of ['', '   ', '->TRANSFER', 'TRANSFER->', 'NONE->CONNECT->CONNECTING']) {
      const r = parseTransitionPattern(text);
      assert.ok(!r.ok && /FROM->TO, \*->TO, FROM->\* or a bare state name/.test(r.message), `${JSON.stringify(text)}: ${r.ok || r.message}`);
    }
  });

  test('channel states in every spelling: short, server.h\'s, without REPL_, any case', () => {
    const variants: Record<string, string[]> = {
      'RDB_CH_RECEIVE_FULLRESYNC->RDB_CH_RDB_LOADING': ['REPL_RDB_CH_RECEIVE_FULLRESYNC -> REPL_RDB_CH_RDB_LOADING', 'rdb_ch_receive_fullresync->rdb_ch_rdb_loading'],
      '*->RDB_CH_NONE': ['REPL_RDB_CH_STATE_NONE', 'RDB_CH_STATE_NONE', 'repl_rdb_ch_none'],
      '*->DUAL_CHANNEL_NONE': ['REPL_DUAL_CHANNEL_STATE_NONE', 'dual_channel_state_none'],
      '*->DUAL_CHANNEL_RDB_LOADED': ['REPL_DUAL_CHANNEL_RDB_LOADED', '* -> dual_channel_rdb_loaded'],
    };
    for (const [canonical, texts] of Object.entries(variants)) {
      for (const text of texts) assert.equal(pattern(text).canonical, canonical, text);
    }
  });

  test('a pattern naming states of two machines says a transition stays in one, and offers each side alone', () => {
    assert.equal(pattern('TRANSFER->RDB_CH_NONE').message,
      'no transition matches TRANSFER->RDB_CH_NONE: TRANSFER is a state of repl_state and RDB_CH_NONE of the rdb channel (repl_rdb_ch_state), ' +
      'and a transition stays in one machine. Did you mean TRANSFER->* (TRANSFER->CONNECTED, TRANSFER->CONNECT) or *->RDB_CH_NONE ' +
      '(RDB_CH_SEND_HANDSHAKE->RDB_CH_NONE, RDB_CH_RECEIVE_AUTH_REPLY->RDB_CH_NONE, RDB_CH_RECEIVE_REPLCONF_REPLY->RDB_CH_NONE, RDB_CH_RECEIVE_FULLRESYNC->RDB_CH_NONE, 1 more)?');
    assert.match(pattern('DUAL_CHANNEL_RDB_LOADED->DUAL_CHANNEL_RDB_LOAD').message!, /^no legal transition matches .*: the dual channel \(repl_rdb_channel_state\) never goes from/);
  });
});
