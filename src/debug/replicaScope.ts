// The names a condition, watch or logpoint can read: ReplicaInfo under Redis's
// own field names (DESIGN principle 4: one model, many views), dotted into its
// structs (`master.reploff`, `repl_backlog.histlen`, `repl_main_ch_state.accumulate`),
// and, at a transition breakpoint, the transition itself (`transition.cause`).
// The rdb channel's state reads as a state under both servers' names
// (Redis 8's repl_rdb_ch_state, Valkey 8's repl_rdb_channel_state). A scope
// knows the replica's version: a state compared with an integer is its number
// in that version's server.h.
import type { TransitionRecord } from '../engine/io';
import { initialReplicaInfo, type BacklogInfo, type MasterClientInfo, type ReplicaInfo } from '../engine/replicaInfo';
import type { VersionProfile } from '../versions/profile';
import { BAIL, fastOf, fastOfValue, fastState, type FastLookup, type FastReader, type FastResult, type FastSourceLookup } from './expressionFast';
import { state, str, int, toValue, type Scope, type Value } from './values';
import type { AnyState } from '../engine/states';

// Written out (not read from a live object) so that a struct that is null right
// now still has known names; `satisfies` keeps the lists in step with the types.
const MASTER_FIELDS = Object.keys({
  reploff: 1, read_reploff: 1, replid: 1, lastinteraction: 1, db: 1, multi: 1, multi_dirty: 1, pre_psync: 1, close_after_reply: 1, lastcmd: 1,
} satisfies Record<keyof MasterClientInfo, 1>);
const BACKLOG_FIELDS = Object.keys({ offset: 1, histlen: 1 } satisfies Record<keyof BacklogInfo, 1>);
const LAST_ERROR_FIELDS = Object.keys({ at: 1, message: 1 } satisfies Record<keyof NonNullable<ReplicaInfo['last_error']>, 1>);
const MAIN_CH_FIELDS = Object.keys({ accumulate: 1, streaming: 1, closeAsap: 1 } satisfies Record<keyof ReplicaInfo['repl_main_ch_state'], 1>);
const PROVISIONAL_FIELDS = Object.keys({ replid: 1, reploff: 1, read_reploff: 1, dbid: 1 } satisfies Record<keyof NonNullable<ReplicaInfo['repl_provisional_primary']>, 1>);

const STRUCT_FIELDS: Readonly<Record<string, readonly string[]>> = {
  master: MASTER_FIELDS, cached_master: MASTER_FIELDS, repl_backlog: BACKLOG_FIELDS, last_error: LAST_ERROR_FIELDS,
  repl_main_ch_state: MAIN_CH_FIELDS, repl_provisional_primary: PROVISIONAL_FIELDS,
};

/** Names that are another name of a model field: Valkey 8 calls the rdb channel's state repl_rdb_channel_state. */
export const FIELD_ALIASES: ReadonlyMap<string, keyof ReplicaInfo> = new Map([['repl_rdb_channel_state', 'repl_rdb_ch_state']]);

/** The fields that hold a replication state (read as one, never as its number). */
const STATE_FIELDS: ReadonlySet<string> = new Set(['repl_state', 'repl_rdb_ch_state', ...FIELD_ALIASES.keys()]);

/** Whether a name reads a replication state. */
export function isStateName(name: string): boolean {
  return STATE_FIELDS.has(name);
}

const TRANSITION_NAMES = ['transition.from', 'transition.to', 'transition.cause', 'transition.message', 'transition.seq'];

/** Every name replicaScope() knows, for set-time checks and "did you mean". */
export const REPLICA_NAMES: readonly string[] = [
  ...Object.keys(initialReplicaInfo('')).flatMap((k) => [k, ...(STRUCT_FIELDS[k] ?? []).map((f) => `${k}.${f}`)]),
  ...FIELD_ALIASES.keys(),
  ...TRANSITION_NAMES,
];

/** The values a transition breakpoint adds to the scope. */
export function transitionValues(t: TransitionRecord): ReadonlyMap<string, Value> {
  return new Map<string, Value>([
    ['transition.from', state(t.from)], ['transition.to', state(t.to)], ['transition.cause', str(t.cause)],
    ['transition.message', str(t.message)], ['transition.seq', int(t.seq)],
  ]);
}

const NO_EXTRA: ReadonlyMap<string, Value> = new Map();

/** A field of ReplicaInfo by name, as the raw JS value (undefined for a name the model does not have). */
type RawRead = (info: Readonly<ReplicaInfo>) => unknown;

/**
 * A property read made for one name (`info.master_repl_offset`, `info.master.reploff`):
 * each has its own inline cache, where one shared `info[key]` would be megamorphic.
 * The names are the model's own identifiers, checked here.
 */
function propertyReader(head: string, field?: string): RawRead {
  for (const p of [head, field ?? 'x']) if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(p)) throw new Error(`not an identifier: ${p}`);
  const body = field === undefined
    ? `return info.${head};`
    : `const s = info.${head}; return s === null ? null : s === undefined ? undefined : s.${field};`;
  return new Function('info', body) as RawRead;
}

/** The readers of every model name, made once: a lookup is a map read and a property read, not a parse of the name. */
const RAW_READS: ReadonlyMap<string, RawRead> = new Map([
  ...Object.keys(initialReplicaInfo('')).flatMap((head): [string, RawRead][] => [
    [head, propertyReader(head)],
    ...(STRUCT_FIELDS[head] ?? []).map((field): [string, RawRead] => [`${head}.${field}`, propertyReader(head, field)]),
  ]),
  ...[...FIELD_ALIASES].map(([alias, field]): [string, RawRead] => [alias, propertyReader(field)]),
]);

/** What a name reads as a Value (a state field is a state, not its number). */
function valueOf(name: string, raw: unknown): Value | undefined {
  return STATE_FIELDS.has(name) ? state(raw as AnyState) : toValue(raw);
}

/**
 * A reader for the fast path: the property read and the conversion in one
 * function per name (its own inline caches), the transition's values first
 * when the scope has them, as lookup() reads them.
 */
function fastReader(name: string, raw: RawRead): FastReader<ReplicaScope> {
  const isState = STATE_FIELDS.has(name);
  const read = isState ? (scope: ReplicaScope) => fastState(raw(scope.info) as AnyState) : (scope: ReplicaScope) => fastOf(raw(scope.info));
  const withExtra = (scope: ReplicaScope): FastResult => {
    const v = scope.extra.get(name);
    return v ? fastOfValue(v) : read(scope);
  };
  const [head, field] = (FIELD_ALIASES.get(name) ?? name).split('.') as [string, string | undefined];
  const load = isState
    ? 'return fastState(v);'
    : "return typeof v === 'number' ? (Number.isSafeInteger(v) ? v : BAIL) : fastOf(v);";
  const get = field === undefined
    ? `const v = scope.info.${head};`
    : `const s = scope.info.${head}; if (s === null) return null; const v = s === undefined ? undefined : s.${field};`;
  const body = `return function read(scope) { if (scope.extra.size !== 0) return withExtra(scope); ${get} ${load} };`;
  return new Function('withExtra', 'fastOf', 'fastState', 'BAIL', body)(withExtra, fastOf, fastState, BAIL) as FastReader<ReplicaScope>;
}

const FAST_READERS: ReadonlyMap<string, FastReader<ReplicaScope>> = new Map([
  ...[...RAW_READS].map(([name, raw]): [string, FastReader<ReplicaScope>] => [name, fastReader(name, raw)]),
  ...TRANSITION_NAMES.map((name): [string, FastReader<ReplicaScope>] => [name, (scope) => {
    const v = scope.extra.get(name);
    return v ? fastOfValue(v) : BAIL;
  }]),
]);

/** JS source reading a model name from the generated code's variable `info`, as RAW_READS does. */
function rawSource(name: string, info: string): string | undefined {
  if (!RAW_READS.has(name)) return undefined;
  const [head, field] = (FIELD_ALIASES.get(name) ?? name).split('.') as [string, string | undefined];
  return field === undefined ? `${info}.${head}` : `(${info}.${head} === null ? null : ${info}.${head}.${field})`;
}

/**
 * Names for a condition compiled into a data breakpoint's check (expression.ts,
 * fastConditionCode), which runs only for a scope without extra values: read
 * straight from `info`; a transition's name is for evaluate() to refuse.
 */
const FAST_SOURCE: FastSourceLookup = {
  source(name: string): { expr: string; raw: boolean } | undefined {
    if (TRANSITION_NAMES.includes(name)) return { expr: 'BAIL', raw: false };
    if (STATE_FIELDS.has(name)) return { expr: `fastState(${rawSource(name, 'info')!})`, raw: false };
    const raw = rawSource(name, 'info');
    return raw === undefined ? undefined : { expr: raw, raw: true };
  },
};

/** The fast path of conditions over a ReplicaScope (expression.ts): the same names, as plain JS values. */
const FAST_LOOKUP: FastLookup<ReplicaScope> = { reader: (name) => FAST_READERS.get(name) };

/**
 * A scope over a replica's state. A field of a struct that is null reads as
 * null (`master.reploff` while there is no master), like ?. in JS: a
 * condition on it is then false or an error that says null, not "unknown".
 * Made at every engine step while data breakpoints are set, so it is one small
 * object and reads only the names asked for.
 */
export class ReplicaScope implements Scope {
  /** How conditions read names from a ReplicaScope on the fast path. */
  static readonly fastLookup: FastLookup<ReplicaScope> = FAST_LOOKUP;
  /** The same names as JS source over a variable `info`, for code generated around a scope without extra values. */
  static readonly fastSource: FastSourceLookup = FAST_SOURCE;
  readonly names = REPLICA_NAMES;
  readonly fast = FAST_LOOKUP;

  /** `version`: whose profile is the replica's (read when asked: emulate auto changes it once the master is known). */
  constructor(readonly info: Readonly<ReplicaInfo>, readonly extra: ReadonlyMap<string, Value> = NO_EXTRA, private readonly version: VersionSource | null = null) {}

  get profile(): VersionProfile | undefined {
    return this.version?.profile;
  }

  lookup(name: string): Value | undefined {
    if (this.extra.size > 0) {
      const given = this.extra.get(name);
      if (given) return given;
    }
    const read = RAW_READS.get(name);
    return read && valueOf(name, read(this.info));
  }

  /**
   * The reader of a model name's raw value (a number, a string, a boolean,
   * null, or the struct object itself), for seeing a change without making a
   * Value; undefined for a name the model does not have (transition names included).
   */
  static rawReader(name: string): ((scope: ReplicaScope) => unknown) | undefined {
    const read = RAW_READS.get(name);
    return read && ((scope) => read(scope.info));
  }

  /**
   * JS source of an expression reading a model name from `info` (a variable
   * of generated code) as rawReader does, or undefined for a name the model does
   * not have or a struct as a whole (an object: compared by its contents).
   */
  static readSource(name: string, info: string): string | undefined {
    return STRUCT_FIELDS[name] ? undefined : rawSource(name, info);
  }

  /** What rawReader gave, as `lookup` would give it. */
  static valueOf(name: string, raw: unknown): Value | undefined {
    return valueOf(name, raw);
  }
}

/** What knows a replica's version (its engine). */
export interface VersionSource {
  readonly profile: VersionProfile;
}

/** The last scope made without extra values: it only reads `info` (and the version) live, so the next step's is the same object. */
let last: ReplicaScope | null = null;
let lastVersion: VersionSource | null = null;

export function replicaScope(info: Readonly<ReplicaInfo>, extra: ReadonlyMap<string, Value> = NO_EXTRA, version: VersionSource | null = null): ReplicaScope {
  if (extra !== NO_EXTRA) return new ReplicaScope(info, extra, version);
  if (last?.info !== info || lastVersion !== version) {
    last = new ReplicaScope(info, NO_EXTRA, version);
    lastVersion = version;
  }
  return last;
}
