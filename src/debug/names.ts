// Names a person types into a breakpoint or an expression: replication state
// names as server.h spells them (any case, REPL_STATE_ or REPL_ prefix
// optional), of the main machine and of both channel machines, and a "did you
// mean" for the ones that are almost right.
import { ALL_STATES, machineOf, shortStateName, stateName, type AnyState } from '../engine/states';

/** Every spelling of every state: server.h's, the short one, and (a channel's) server.h's without REPL_. */
const BY_NAME: ReadonlyMap<string, AnyState> = new Map(ALL_STATES.flatMap((s): [string, AnyState][] => [
  [stateName(s), s], [shortStateName(s), s], ...(machineOf(s) === 'main' ? [] : [[stateName(s).slice('REPL_'.length), s] as [string, AnyState]]),
]));

/**
 * `transfer`, `TRANSFER`, `repl_state_transfer` → ReplState.TRANSFER;
 * `rdb_ch_rdb_loading`, `REPL_RDB_CH_RDB_LOADING` → that channel state (the
 * NONE states also as `RDB_CH_STATE_NONE`, `REPL_DUAL_CHANNEL_STATE_NONE`,
 * server.h's spelling); anything else → undefined.
 */
export function parseStateName(text: string): AnyState | undefined {
  const name = text.trim().toUpperCase();
  const bare = name.startsWith('REPL_STATE_') ? name.slice('REPL_STATE_'.length) : name.startsWith('REPL_') ? name.slice('REPL_'.length) : name;
  return BY_NAME.get(name) ?? BY_NAME.get(bare);
}

/** The short state names, in Redis order. */
export const STATE_NAMES: readonly string[] = ALL_STATES.map(shortStateName);

/** Levenshtein distance, small strings only (names, not data). */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/**
 * The candidate nearest to `name`, or undefined when none is close enough to
 * be a typo (more than a third of the letters wrong). Case is ignored for the
 * distance; a candidate that merely differs in case is the best match.
 */
export function closestName(name: string, candidates: Iterable<string>): string | undefined {
  const wanted = name.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = distance(wanted, c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  const limit = Math.max(2, Math.floor(name.length / 3));
  return bestDistance <= limit ? best : undefined;
}

/** `A, B or C` for messages. */
export function listing(items: readonly string[], conjunction = 'or'): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} ${conjunction} ${items.at(-1)}`;
}
