// Function breakpoints on replication state transitions, written as a person
// says them: `CONNECTING->TRANSFER`, `*->CONNECTED`, `HANDSHAKE->*`, or just
// `TRANSFER` (any entry into TRANSFER). Names are any case, the REPL_STATE_
// (or REPL_) prefix is optional, whitespace around `->` is allowed; `*` alone
// (or `*->*`) is every transition.
//
// Names: the states of server.h's repl_state in every version (RECEIVE_REQ_REPLY
// is Redis 8.6's, RECEIVE_VERSION_REPLY Valkey 8's), the phase HANDSHAKE
// (CONNECTING and the handshake states RECEIVE_PING_REPLY..RECEIVE_PSYNC_REPLY),
// and the states of the second connection of a multi-channel full sync:
// Redis 8's rdb channel (RDB_CH_*, REPL_RDB_CH_*) and Valkey 8's dual channel
// (DUAL_CHANNEL_*). People also say CONNECTING for the whole handshake ("it is
// still connecting"), so CONNECTING is read both ways.
//
// A pattern speaks of one machine: a named state's (a channel state matches
// only that channel's transitions), the main one for a phase, any for `*->*`.
//
// THE MATCHING RULE. A transition (from, to) of the pattern's machine matches
// `F->T` when EITHER
//  - the fine reading matches: from is F's state (or F is `*`) and to is T's
//    state (or T is `*`); HANDSHAKE has no fine reading; OR
//  - the phase reading matches (only when F or T names a phase: HANDSHAKE, or
//    CONNECTING read as HANDSHAKE): a phase side matches only a transition that
//    crosses that phase's boundary on that side (F: from in the phase and to
//    outside it; T: to in the phase and from outside it), and a state or `*`
//    side matches as in the fine reading.
// So `CONNECTING->TRANSFER` stops on RECEIVE_PSYNC_REPLY->TRANSFER (the
// handshake ends in TRANSFER), `CONNECTING->RECEIVE_PING_REPLY` on that fine
// transition, `*->HANDSHAKE` and `CONNECTING` on CONNECT->CONNECTING, and
// `HANDSHAKE->*` on every way out of the handshake (TRANSFER, CONNECTED, CONNECT).
//
// A pattern is checked against every version's rules (TRANSITIONS, the union);
// which versions have a matching rule is for the session to weigh against the
// versions its replicas emulate (breakpointVersions.ts).
import { machineOf, phaseOf, ReplState, shortStateName, TRANSITIONS, type AnyState, type Machine, type Phase, type TransitionRule } from '../engine/states';
import { closestName, listing, parseStateName, STATE_NAMES } from './names';

export type PatternSide =
  | { kind: 'any' }
  /** `phase`: the phase this state name also stands for (CONNECTING → HANDSHAKE), or null. */
  | { kind: 'state'; state: AnyState; phase: Phase | null }
  | { kind: 'phase'; phase: Phase };

export interface TransitionPattern {
  /** As the person typed it. */
  readonly text: string;
  /** `FROM->TO` with short upper-case names (`*->TRANSFER` for `transfer`). */
  readonly canonical: string;
  readonly from: PatternSide;
  readonly to: PatternSide;
  /** No legal transition can ever match: valid, but a debugger shows it unverified with `message`. */
  readonly neverMatches: boolean;
  readonly message?: string;
}

export type PatternParse = { ok: true; pattern: TransitionPattern } | { ok: false; message: string };

/** Phase names that are not also state names. */
const PHASE_NAMES: Readonly<Record<string, Phase>> = { HANDSHAKE: 'HANDSHAKE' };
/** State names that people also use for a whole phase. */
const PHASE_ALIASES: ReadonlyMap<AnyState, Phase> = new Map([[ReplState.CONNECTING, 'HANDSHAKE']]);

const VALID_NAMES =
  `valid names: ${STATE_NAMES.join(', ')} (any case, REPL_STATE_ or REPL_ prefix optional); ` +
  'the phase HANDSHAKE (CONNECTING and the handshake states); * for any state';
const SYNTAX = 'write FROM->TO, *->TO, FROM->* or a bare state name (= *->NAME)';

function parseSide(raw: string, whole: string): PatternSide | string {
  const name = raw.trim();
  if (name === '*') return { kind: 'any' };
  if (name === '') return `missing state name in '${whole}': ${SYNTAX}`;
  const state = parseStateName(name);
  if (state !== undefined) return { kind: 'state', state, phase: PHASE_ALIASES.get(state) ?? null };
  const phase = PHASE_NAMES[name.toUpperCase().replace(/^REPL_STATE_/, '')];
  if (phase) return { kind: 'phase', phase };
  const near = closestName(name.replace(/^repl_(state_)?/i, ''), [...STATE_NAMES, ...Object.keys(PHASE_NAMES)]);
  return `unknown state '${name}' in '${whole}'${near ? ` (did you mean ${near}?)` : ''}; ${VALID_NAMES}`;
}

function sideText(side: PatternSide): string {
  if (side.kind === 'any') return '*';
  return side.kind === 'state' ? shortStateName(side.state) : side.phase;
}

export function parseTransitionPattern(text: string): PatternParse {
  const whole = text.trim();
  if (whole === '') return { ok: false, message: `empty transition breakpoint: ${SYNTAX}` };
  const parts = whole.split('->');
  if (parts.length > 2) return { ok: false, message: `'${whole}' has more than one '->': ${SYNTAX}` };
  const [rawFrom, rawTo] = parts.length === 2 ? [parts[0]!, parts[1]!] : ['*', parts[0]!];
  const from = parseSide(rawFrom, whole);
  if (typeof from === 'string') return { ok: false, message: from };
  const to = parseSide(rawTo, whole);
  if (typeof to === 'string') return { ok: false, message: to };
  const base = { text, canonical: `${sideText(from)}->${sideText(to)}`, from, to };
  const rules = TRANSITIONS.filter((r) => matchesSides(from, to, r.from, r.to));
  if (rules.length > 0) return { ok: true, pattern: { ...base, neverMatches: false } };
  return { ok: true, pattern: { ...base, neverMatches: true, message: neverMessage(base.canonical, from, to) } };
}

function fine(side: PatternSide, s: AnyState): boolean {
  if (side.kind === 'any') return true;
  return side.kind === 'state' && side.state === s;
}

function phaseRead(side: PatternSide): Phase | null {
  return side.kind === 'any' ? null : side.phase;
}

/**
 * The machine a pattern speaks of: a named state's, main for a phase, any
 * for `*->*`. A transition of another machine never matches it, so
 * `*->CONNECTED` is about repl_state and `*->RDB_CH_NONE` about the rdb channel.
 */
function patternMachine(f: PatternSide, t: PatternSide): Machine | null {
  for (const side of [f, t]) {
    if (side.kind === 'state') return machineOf(side.state);
    if (side.kind === 'phase') return 'main';
  }
  return null;
}

function matchesSides(f: PatternSide, t: PatternSide, from: AnyState, to: AnyState): boolean {
  const machine = patternMachine(f, t);
  if (machine !== null && machineOf(from) !== machine) return false;
  if (fine(f, from) && fine(t, to)) return true;
  const fp = phaseRead(f);
  const tp = phaseRead(t);
  if (fp === null && tp === null) return false;
  const fromOk = fp !== null ? phaseOf(from) === fp && phaseOf(to) !== fp : fine(f, from);
  const toOk = tp !== null ? phaseOf(to) === tp && phaseOf(from) !== tp : fine(t, to);
  return fromOk && toOk;
}

export function matches(pattern: TransitionPattern, from: AnyState, to: AnyState): boolean {
  return matchesSides(pattern.from, pattern.to, from, to);
}

/** The table rules the pattern can match, in table order: to verify it and to draw it on the diagram. */
export function matchingRules(pattern: TransitionPattern): TransitionRule[] {
  return TRANSITIONS.filter((r) => matches(pattern, r.from, r.to));
}

function ruleText(r: TransitionRule): string {
  return `${shortStateName(r.from)}->${shortStateName(r.to)}`;
}

/** `X->* (A->B, A->C)`: an alternative reading and what it would stop on. */
function alternative(from: PatternSide, to: PatternSide): string {
  const canonical = `${sideText(from)}->${sideText(to)}`;
  const rules = TRANSITIONS.filter((r) => matchesSides(from, to, r.from, r.to)).map(ruleText);
  const shown = rules.length > 4 ? [...rules.slice(0, 4), `${rules.length - 4} more`] : rules;
  return `${canonical} (${shown.join(', ')})`;
}

/** What a machine's state is called in server.h, for messages. */
const FIELD: Readonly<Record<Machine, string>> = {
  main: 'repl_state', 'rdb-channel': 'the rdb channel (repl_rdb_ch_state)', 'dual-channel': 'the dual channel (repl_rdb_channel_state)',
};

function sideMachine(side: PatternSide): Machine | null {
  return side.kind === 'state' ? machineOf(side.state) : side.kind === 'phase' ? 'main' : null;
}

// Only a pattern with two named sides can miss: every state is entered and left
// by some rule, and every phase is entered and left across its boundary.
function neverMessage(canonical: string, from: PatternSide, to: PatternSide): string {
  const any: PatternSide = { kind: 'any' };
  const fm = sideMachine(from);
  const tm = sideMachine(to);
  if (fm !== null && tm !== null && fm !== tm) {
    return `no transition matches ${canonical}: ${sideText(from)} is a state of ${FIELD[fm]} and ${sideText(to)} of ${FIELD[tm]}, ` +
      `and a transition stays in one machine. Did you mean ${listing([alternative(from, any), alternative(any, to)])}?`;
  }
  const phases = from.kind === 'phase' || to.kind === 'phase' ? ' (a phase matches only where repl_state crosses into or out of it)' : '';
  return `no legal transition matches ${canonical}: ${FIELD[fm ?? 'main']} never goes from ${sideText(from)} to ${sideText(to)} in one step${phases}. ` +
    `Did you mean ${listing([alternative(from, any), alternative(any, to)])}?`;
}
