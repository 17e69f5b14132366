// The transition table as a document a person reads: one line per legal
// transition. The docs are generated from it, and the debugger serves it as the
// source its line breakpoints live in (a line is a transition).
import { ALL_STATES, stateName, TRANSITIONS, type TransitionRule } from './states';

export interface StateMachineDocument {
  text: string;
  /** 1-based line of each transition rule, in table order. */
  lines: ReadonlyMap<TransitionRule, number>;
}

const PREAMBLE = [
  '# Redis replica replication states (server.repl_state), Redis 7.x',
  '# One line per legal transition: FROM -> TO   [causes]   Redis function: what happens',
  '',
];

export function renderStateMachineDocument(): StateMachineDocument {
  const out = [...PREAMBLE];
  const lines = new Map<TransitionRule, number>();
  const width = Math.max(...TRANSITIONS.map((t) => `${stateName(t.from)} -> ${stateName(t.to)}`.length));
  for (const t of TRANSITIONS) {
    const pair = `${stateName(t.from)} -> ${stateName(t.to)}`.padEnd(width);
    out.push(`${pair}   [${t.causes.join(', ')}]   ${t.where}: ${t.summary}`);
    lines.set(t, out.length);
  }
  out.push('', `# States: ${ALL_STATES.map(stateName).join(', ')}`, '');
  return { text: out.join('\n'), lines };
}
