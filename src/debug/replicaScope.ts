// The names a condition, watch or logpoint can read: ReplicaInfo under Redis's
// own field names (DESIGN principle 4: one model, many views), dotted into its
// structs (`master.reploff`, `repl_backlog.histlen`), and, at a transition
// breakpoint, the transition itself (`transition.cause`).
import type { TransitionRecord } from '../engine/io';
import { initialReplicaInfo, type BacklogInfo, type MasterClientInfo, type ReplicaInfo } from '../engine/replicaInfo';
import { NULL, state, str, int, toValue, type Scope, type Value } from './values';

// Written out (not read from a live object) so that a struct that is null right
// now still has known names; `satisfies` keeps the lists in step with the types.
const MASTER_FIELDS = Object.keys({
  reploff: 1, read_reploff: 1, replid: 1, lastinteraction: 1, db: 1, multi: 1, pre_psync: 1, close_after_reply: 1,
} satisfies Record<keyof MasterClientInfo, 1>);
const BACKLOG_FIELDS = Object.keys({ offset: 1, histlen: 1 } satisfies Record<keyof BacklogInfo, 1>);
const LAST_ERROR_FIELDS = Object.keys({ at: 1, message: 1 } satisfies Record<keyof NonNullable<ReplicaInfo['last_error']>, 1>);

const STRUCT_FIELDS: Readonly<Record<string, readonly string[]>> = {
  master: MASTER_FIELDS, cached_master: MASTER_FIELDS, repl_backlog: BACKLOG_FIELDS, last_error: LAST_ERROR_FIELDS,
};

const TRANSITION_NAMES = ['transition.from', 'transition.to', 'transition.cause', 'transition.message', 'transition.seq'];

/** Every name replicaScope() knows, for set-time checks and "did you mean". */
export const REPLICA_NAMES: readonly string[] = [
  ...Object.keys(initialReplicaInfo('')).flatMap((k) => [k, ...(STRUCT_FIELDS[k] ?? []).map((f) => `${k}.${f}`)]),
  ...TRANSITION_NAMES,
];

/** The values a transition breakpoint adds to the scope. */
export function transitionValues(t: TransitionRecord): ReadonlyMap<string, Value> {
  return new Map<string, Value>([
    ['transition.from', state(t.from)], ['transition.to', state(t.to)], ['transition.cause', str(t.cause)],
    ['transition.message', str(t.message)], ['transition.seq', int(t.seq)],
  ]);
}

/**
 * A scope over a replica's state. A field of a struct that is null reads as
 * null (`master.reploff` while there is no master), like ?. in JS: a
 * condition on it is then false or an error that says null, not "unknown".
 */
export function replicaScope(info: Readonly<ReplicaInfo>, extra: ReadonlyMap<string, Value> = new Map()): Scope {
  return {
    names: REPLICA_NAMES,
    lookup(name: string): Value | undefined {
      const given = extra.get(name);
      if (given) return given;
      if (name === 'repl_state') return state(info.repl_state);
      const [head, field, ...rest] = name.split('.');
      if (rest.length > 0 || !Object.hasOwn(info, head!)) return undefined;
      const top = info[head as keyof ReplicaInfo];
      if (field === undefined) return toValue(top);
      if (!STRUCT_FIELDS[head!]?.includes(field)) return undefined;
      if (top === null) return NULL;
      return toValue((top as Readonly<Record<string, unknown>>)[field]);
    },
  };
}
