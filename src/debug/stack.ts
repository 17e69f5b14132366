// The call stack of a stop: the logical Redis call path the engine recorded
// for the point it reached (innermost first), each frame on a line of the
// state-machine document. A transition's frames sit on its rule's line; any
// other point (a reply read, a command, a cron run) sits on the line of the
// transition that brought the replica into its current state.
import type { StepPoint, TransitionRecord } from '../engine/io';
import { renderStateMachineDocument } from '../engine/stateMachineDocument';
import { findTransition, shortStateName, TRANSITIONS, type AnyState } from '../engine/states';

export interface FrameView {
  name: string;
  /** 1-based line in the state-machine document. */
  line: number;
}

const doc = renderStateMachineDocument();

/** The document's text and line map, rendered once (it is derived from a constant table). */
export const STATE_MACHINE_DOCUMENT = doc;

export function lineOfTransition(from: AnyState, to: AnyState): number | undefined {
  const rule = findTransition(from, to);
  return rule && doc.lines.get(rule);
}

/** Where a replica in `state` stands: the first rule leaving that state. */
function lineOfState(state: AnyState): number {
  const rule = TRANSITIONS.find((r) => r.from === state) ?? TRANSITIONS[0]!;
  return doc.lines.get(rule)!;
}

/**
 * `point`: what the stop reached (null at entry, before the first step);
 * `last`: the most recent transition (what put the replica where it is);
 * `state`: its repl_state now.
 */
export function stackFrames(point: StepPoint | null, last: TransitionRecord | null, state: AnyState): FrameView[] {
  if (point?.kind === 'transition') {
    const t = point.transition;
    const line = lineOfTransition(t.from, t.to) ?? lineOfState(t.from);
    const names = [...t.callPath].reverse();
    const pair = `${shortStateName(t.from)} -> ${shortStateName(t.to)}`;
    if (names.length === 0) return [{ name: pair, line }];
    return names.map((name, i) => ({ name: i === 0 ? `${name} (${pair})` : name, line }));
  }
  const line = last ? (lineOfTransition(last.from, last.to) ?? lineOfState(state)) : lineOfState(state);
  const callPath = point && point.kind !== 'idle' ? point.callPath : [];
  const here = `${shortStateName(state)}${point && point.kind !== 'idle' ? `: ${point.kind}` : ''}`;
  if (callPath.length === 0) return [{ name: here, line }];
  const names = [...callPath].reverse();
  return names.map((name, i) => ({ name: i === 0 ? `${name} (${here})` : name, line }));
}
