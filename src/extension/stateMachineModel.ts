// What the state-machine webview draws, as one message: a diagram per version
// the replicas emulate (its own main states, RECEIVE_REQ_REPLY or
// RECEIVE_VERSION_REPLY where it has them, and its second connection's machine
// beside the main one), each replica's place on both machines, the path the
// replicas took, and the function breakpoints that name one transition.
// Pure (no vscode): the panel feeds it and posts the result.
import { parseStateName } from '../debug/names';
import { matchingRules, parseTransitionPattern } from '../debug/transitionPattern';
import type { ReplicaSummary } from '../debug/replicaSummary';
import {
  channelMachine, mainStates, machineOf, shortStateName, statesOf, TRANSITIONS, transitionTable, ALL_STATES,
  type Machine, type TransitionRule,
} from '../engine/states';
import { profileById } from '../versions/profiles';

export interface DiagramMachine {
  id: Machine;
  /** `repl_state`, `rdb channel (repl_rdb_ch_state)`. */
  title: string;
  states: string[];
  transitions: { from: string; to: string; where: string; summary: string }[];
}

export interface Diagram {
  /** The profile id, or null for every version's (no replica yet, or one whose version is not known yet). */
  profile: string | null;
  title: string;
  machines: DiagramMachine[];
}

export interface DiagramReplica {
  sessionId: string;
  threadId: number;
  name: string;
  /** The diagram it is drawn on. */
  profile: string | null;
  state: string;
  /** Its rdb channel's state (short name), for a version that has one. */
  channelState: string | null;
  stopped: boolean;
}

/** A transition a replica took, with short state names. */
export interface PathStep {
  sessionId: string;
  threadId: number;
  from: string;
  to: string;
  cause: string;
  message: string;
  seq: number;
  at: number;
}

/** Host → page. */
export interface ModelMessage {
  type: 'model';
  diagrams: Diagram[];
  replicas: DiagramReplica[];
  path: PathStep[];
  /**
   * The transitions function breakpoints stop on, enabled or not, with short names: `exact` for one that
   * names that transition (`FROM->TO`, which a click on its edge removes), else a pattern that matches it
   * (`*->RDB_CH_RDB_LOADING`, `HANDSHAKE->*`).
   */
  breakpoints: { from: string; to: string; enabled: boolean; exact: boolean }[];
}

/** Page → host: a click on an edge, or the page saying it can receive the model (it may load after our first post). */
export type PageMessage = { type: 'toggleBreakpoint'; from: string; to: string } | { type: 'ready' };

export interface SessionInput {
  sessionId: string;
  replicas: readonly ReplicaSummary[];
  /** Transitions as replicaStateChanged tells them (server.h names). */
  transitions: readonly { threadId: number; from: string; to: string; cause: string; message: string; seq: number; at: number }[];
}

const MACHINE_TITLES: Readonly<Record<Machine, string>> = {
  main: 'main channel (repl_state)',
  'rdb-channel': 'rdb channel (repl_rdb_ch_state)',
  'dual-channel': 'dual channel (repl_rdb_channel_state)',
};

/** A state name in any spelling as the short one the diagram uses; undefined when it names no state. */
export function shortName(text: string): string | undefined {
  const s = parseStateName(text);
  return s === undefined ? undefined : shortStateName(s);
}

function machine(id: Machine, states: readonly number[], rules: readonly TransitionRule[]): DiagramMachine {
  return {
    id,
    title: MACHINE_TITLES[id],
    states: states.filter((s) => machineOf(s) === id).map(shortStateName),
    transitions: rules.filter((r) => r.machine === id)
      .map((r) => ({ from: shortStateName(r.from), to: shortStateName(r.to), where: r.where, summary: r.summary })),
  };
}

/** The diagram of a profile id, or every version's for null. */
export function diagramOf(profileId: string | null): Diagram {
  const profile = profileId === null ? undefined : profileById(profileId);
  if (!profile) {
    return {
      profile: null,
      title: 'Every version (a replica\'s own version is drawn once it is known)',
      machines: (['main', 'rdb-channel', 'dual-channel'] as const).map((m) => machine(m, ALL_STATES, TRANSITIONS)),
    };
  }
  const rules = transitionTable(profile).rules;
  const states = statesOf(profile);
  const channel = channelMachine(profile);
  return {
    profile: profile.id,
    title: `${profile.label} (${profile.id}): ${mainStates(profile).length} main states${channel ? `, ${MACHINE_TITLES[channel]} beside them` : ''}`,
    machines: [machine('main', states, rules), ...(channel ? [machine(channel, states, rules)] : [])],
  };
}

/** Splits `FROM->TO` into two short state names, or null when it is not one exact transition. */
function exactTransition(text: string): { from: string; to: string } | null {
  const parts = text.split('->');
  if (parts.length !== 2) return null;
  const from = shortName(parts[0]!);
  const to = shortName(parts[1]!);
  return from && to ? { from, to } : null;
}

export function buildModel(sessions: readonly SessionInput[], functionBreakpoints: readonly { name: string; enabled: boolean }[]): ModelMessage {
  const replicas: DiagramReplica[] = sessions.flatMap((s) => s.replicas.map((r) => {
    const channel = r.rdb_channel ? shortName(r.rdb_channel.state) ?? null : null;
    return {
      sessionId: s.sessionId, threadId: r.threadId, name: r.name, profile: r.emulate, state: r.repl_state, channelState: channel, stopped: r.stopped !== null,
    };
  }));
  const profiles = [...new Set(replicas.map((r) => r.profile))];
  const diagrams = (profiles.length === 0 ? [null] : profiles).map(diagramOf);
  const path: PathStep[] = sessions.flatMap((s) => s.transitions.map((t) => ({
    sessionId: s.sessionId, threadId: t.threadId, from: shortName(t.from) ?? t.from, to: shortName(t.to) ?? t.to,
    cause: t.cause, message: t.message, seq: t.seq, at: t.at,
  })));
  const breakpoints = functionBreakpoints.flatMap((b) => {
    const t = exactTransition(b.name);
    if (t) return [{ ...t, enabled: b.enabled, exact: true }];
    const p = parseTransitionPattern(b.name);
    if (!p.ok) return [];
    return matchingRules(p.pattern).map((r) => ({ from: shortStateName(r.from), to: shortStateName(r.to), enabled: b.enabled, exact: false }));
  });
  return { type: 'model', diagrams, replicas, path, breakpoints };
}

/** The function breakpoints a click on FROM->TO removes: those naming exactly that transition, in any spelling. */
export function breakpointsOnEdge<T extends { name: string }>(breakpoints: readonly T[], from: string, to: string): T[] {
  return breakpoints.filter((b) => {
    const t = exactTransition(b.name);
    return t !== null && t.from === from && t.to === to;
  });
}
