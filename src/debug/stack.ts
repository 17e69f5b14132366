// The call stack of a stop: the logical Redis call path the engine recorded
// for the point it reached (innermost first), each frame on a line of the
// replica's own version's state-machine document. A transition's frames sit on
// its rule's line; any other point (a reply read, a command, a cron run) sits
// on the line of the transition that brought the replica into its current state.
import type { StepPoint, TransitionRecord } from '../engine/io';
import { findTransition, shortStateName, type AnyState } from '../engine/states';
import type { ServedDocument } from './documents';

export interface FrameView {
  name: string;
  /** 1-based line in the document. */
  line: number;
}

export function lineOfTransition(doc: ServedDocument, from: AnyState, to: AnyState): number | undefined {
  const rule = findTransition(from, to);
  return rule && doc.lines.get(rule);
}

/** Where a replica in `state` stands: the first rule of the document leaving that state (else its first rule). */
function lineOfState(doc: ServedDocument, state: AnyState): number {
  let first: number | undefined;
  for (const [rule, line] of doc.lines) {
    if (rule.from === state) return line;
    first ??= line;
  }
  return first ?? 1;
}

/**
 * `point`: what the stop reached (null at entry, before the first step);
 * `last`: the most recent transition (what put the replica where it is);
 * `state`: its repl_state now; `doc`: its version's document.
 */
export function stackFrames(doc: ServedDocument, point: StepPoint | null, last: TransitionRecord | null, state: AnyState): FrameView[] {
  if (point?.kind === 'transition') {
    const t = point.transition;
    const line = lineOfTransition(doc, t.from, t.to) ?? lineOfState(doc, t.from);
    const names = [...t.callPath].reverse();
    const pair = `${shortStateName(t.from)} -> ${shortStateName(t.to)}`;
    if (names.length === 0) return [{ name: pair, line }];
    return names.map((name, i) => ({ name: i === 0 ? `${name} (${pair})` : name, line }));
  }
  const line = last ? (lineOfTransition(doc, last.from, last.to) ?? lineOfState(doc, state)) : lineOfState(doc, state);
  const callPath = point && point.kind !== 'idle' ? point.callPath : [];
  const here = `${shortStateName(state)}${point && point.kind !== 'idle' ? `: ${point.kind}` : ''}`;
  if (callPath.length === 0) return [{ name: here, line }];
  const names = [...callPath].reverse();
  return names.map((name, i) => ({ name: i === 0 ? `${name} (${here})` : name, line }));
}
