// The transition table as a document a person reads: one line per legal
// transition, the main states first, then the rdb channel's. The docs are
// generated from it, and the debugger serves it as the source its line
// breakpoints live in (a line is a transition). With a profile, it is that
// version's document; without, every version's.
import type { Feature, VersionProfile } from '../versions/profile';
import { channelMachine, statesOf, stateName, TRANSITIONS, transitionTable, ALL_STATES, machineOf, type Machine, type TransitionRule } from './states';

export interface StateMachineDocument {
  text: string;
  /** 1-based line of each transition rule, in table order. */
  lines: ReadonlyMap<TransitionRule, number>;
}

const TITLES: Readonly<Record<Machine, string>> = {
  main: '# server.repl_state',
  'rdb-channel': '# Redis 8 rdb channel (server.repl_rdb_ch_state): the second connection of an rdb-channel full sync',
  'dual-channel': '# Valkey 8 dual channel (server.repl_rdb_channel_state): the rdb connection of a dual-channel full sync',
};

/** Which versions have a rule, in words (only for the all-versions document). */
const FEATURE_WORDS: Partial<Readonly<Record<Feature, string>>> = {
  'rdb-no-compress': 'Redis 8.6+',
  'replconf-version': 'Valkey 8',
  'dual-channel': 'Valkey 8 dual channel',
  'rdb-channel': 'Redis 8',
};

function gate(rule: TransitionRule): string {
  if (rule.requires) return `  (${FEATURE_WORDS[rule.requires] ?? rule.requires})`;
  if (rule.unless) return `  (not ${FEATURE_WORDS[rule.unless] ?? rule.unless})`;
  return '';
}

export function renderStateMachineDocument(profile?: VersionProfile): StateMachineDocument {
  const rules = profile ? transitionTable(profile).rules : TRANSITIONS;
  const states = profile ? statesOf(profile) : ALL_STATES;
  const out = [
    profile
      ? `# ${profile.label} replica replication states (emulate ${profile.id})`
      : '# Redis and Valkey replica replication states, every version (a line marked with versions exists only there)',
    '# One line per legal transition: FROM -> TO   [causes]   Redis function: what happens',
    '',
  ];
  const lines = new Map<TransitionRule, number>();
  const width = Math.max(...rules.map((t) => `${stateName(t.from)} -> ${stateName(t.to)}`.length));
  const machines: Machine[] = profile ? ['main', ...(channelMachine(profile) ? [channelMachine(profile)!] : [])] : ['main', 'rdb-channel', 'dual-channel'];
  for (const machine of machines) {
    if (machine !== 'main') out.push('', TITLES[machine], '');
    for (const t of rules) {
      if (t.machine !== machine) continue;
      const pair = `${stateName(t.from)} -> ${stateName(t.to)}`.padEnd(width);
      out.push(`${pair}   [${t.causes.join(', ')}]   ${t.where}: ${t.summary}${profile ? '' : gate(t)}`);
      lines.set(t, out.length);
    }
  }
  for (const machine of machines) {
    out.push('', `# States${machine === 'main' ? '' : ` (${machine})`}: ${states.filter((s) => machineOf(s) === machine).map(stateName).join(', ')}`);
  }
  out.push('');
  return { text: out.join('\n'), lines };
}
