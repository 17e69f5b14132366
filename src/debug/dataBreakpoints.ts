// Data breakpoints: stop when a variable of the model changes (`repl_state`,
// `master_repl_offset`, `master.reploff`, `repl_transfer_read`). A data id is
// a name replicaScope() knows. Each replica remembers the values it last saw
// (a WatchMemory), so a change is seen per replica, step by step.
//
// check() runs at every engine step (every command of the stream) while a data
// breakpoint is set, so it is built for that: when the breakpoints are set they
// become one generated function (compileStepper) that reads each watched name
// once per step as the model holds it (a number, a string: compared with ===,
// no Value, no text) and, only when its variable changed, runs each condition
// compiled inline by expression.ts's fast path; a step where nothing stops
// allocates nothing. Text for `before → after` is made only for a stop. Every
// breakpoint decides, also several on one variable (each with its condition).
import { BreakpointCondition, type BreakpointSource } from './breakpointCondition';
import { FAST_HELPERS, fastConditionCode, type FastValue } from './expressionFast';
import { REPLICA_NAMES, ReplicaScope } from './replicaScope';
import { formatValue, toValue, type Scope } from './values';
import type { BreakpointStatus } from './breakpoints';

/** What a replica last saw of the watched names. Opaque: the replica owns it (and clears it), check() fills it. */
export type WatchMemory = Map<string, unknown>;

export interface DataChange {
  dataId: string;
  before: string;
  after: string;
}

export interface DataHit {
  stopIds: number[];
  changes: DataChange[];
  logs: string[];
  errors: string[];
}

interface Entry {
  id: number;
  dataId: string;
  source: BreakpointSource;
  condition: BreakpointCondition | null;
  /** Index of its name in `watches`. */
  watch: number;
}

/** One watched name (several breakpoints may watch it, with different conditions). */
interface Watch {
  dataId: string;
  /** Reads the name from a ReplicaScope as the model holds it. */
  read: (scope: ReplicaScope) => unknown;
}

/** A struct (or a value from a scope that is not a ReplicaScope) is remembered as its text: it changes in place. */
class Snapshot {
  constructor(readonly text: string) {}
}

const NOT_SEEN: unique symbol = Symbol('not seen');

/**
 * One replica's check for one list of breakpoints, compiled when they are set
 * (see compileStepper) and holding what the replica last saw in its own
 * variables, so a step touches the model, this and nothing else.
 */
interface Stepper {
  /**
   * Reads each watched name (one property load), records a change, and for
   * each breakpoint whose variable changed runs its condition compiled inline
   * (names read from the model: expression.ts's fast path). Returns the
   * breakpoints (bit k = entry k) that must decide through onHit(): no
   * condition, a hit count or a log message, a condition that holds, or one
   * the fast path leaves to evaluate(). 0: nothing to do.
   */
  check(scope: ReplicaScope): number;
  /** What it saw last, and before that (for `before → after`), by watch index. */
  values(): unknown[];
  before(): unknown[];
}

type StepperFactory = (values: readonly unknown[]) => Stepper;

/** A bitmask of entries: at most this many breakpoints take the compiled path. */
const MAX_COMPILED_ENTRIES = 30;

function compileStepper(watches: readonly Watch[], entries: readonly Entry[]): StepperFactory | null {
  const reads = watches.map((w) => ReplicaScope.readSource(w.dataId, 'info'));
  // A struct as a whole is compared as text, and more breakpoints than a bitmask holds are rare: the loop does those.
  if (reads.some((r) => r === undefined) || entries.length > MAX_COMPILED_ENTRIES) return null;
  const constants: FastValue[][] = [];
  const all = (f: (i: number) => string): string => watches.map((_, i) => f(i)).join(', ');
  const code = [
    'return function stepper(init) {',
    `let ${all((i) => `v${i} = init[${i}], b${i} = NOT_SEEN`)};`,
    'return {',
    'check(scope) {',
    'const info = scope.info;',
  ];
  watches.forEach((_, i) => {
    code.push(
      `const n${i} = ${reads[i]!};`,
      `let c${i} = false;`,
      // NaN is not === itself, but reads the same.
      `if (n${i} !== v${i} && (n${i} === n${i} || v${i} === v${i})) { c${i} = v${i} !== NOT_SEEN; b${i} = v${i}; v${i} = n${i}; }`,
    );
  });
  // The conditions read the model only for a scope without a transition's values (lookup() reads those first).
  code.push(`if (!(${all((i) => `c${i}`).replace(/, /g, ' || ')})) return 0;`, 'const plain = scope.extra.size === 0;', 'let bits = 0;');
  entries.forEach((e, k) => {
    const expr = e.condition?.expression;
    if (!expr) {
      code.push(`if (c${e.watch}) bits |= ${1 << k};`);
      return;
    }
    // `h${k}`: onHit() must decide; stays true when the fast path gives up (break).
    const c = fastConditionCode(expr, ReplicaScope.fastSource, { result: `h${k}`, bail: `break L${k};`, prefix: `k${k}t`, constants: `C[${k}]` });
    constants[k] = c.constants;
    code.push(`if (c${e.watch}) {`, `let h${k} = true;`, `if (plain) L${k}: ${c.code.join('\n')}`, `if (h${k}) bits |= ${1 << k};`, '}');
  });
  code.push(
    'return bits;',
    '},',
    `values() { return [${all((i) => `v${i}`)}]; },`,
    `before() { return [${all((i) => `b${i}`)}]; },`,
    '};',
    '};',
  );
  // Generated from the model's own names and from conditions compiled by expression.ts, never from a text typed in.
  return new Function('NOT_SEEN', 'C', ...Object.keys(FAST_HELPERS), code.join('\n'))(NOT_SEEN, constants, ...Object.values(FAST_HELPERS)) as StepperFactory;
}

/** The values a replica last saw, by watch index, for one list of watches; kept in the WatchMemory under SEEN. */
class Seen {
  readonly changed: boolean[];
  readonly before: unknown[];
  /** The compiled check (a ReplicaScope), which then holds the values itself. */
  readonly stepper: Stepper | null;

  constructor(readonly watches: readonly Watch[], readonly fast: boolean, readonly values: unknown[], factory: StepperFactory | null) {
    this.changed = watches.map(() => false);
    this.before = watches.map(() => NOT_SEEN);
    this.stepper = fast && factory ? factory(values) : null;
  }

  /** What was last seen, by watch index. */
  seen(): unknown[] {
    return this.stepper ? this.stepper.values() : this.values;
  }
}

const SEEN = '\u0000seen';

const KNOWN = new Set(REPLICA_NAMES.filter((n) => !n.startsWith('transition.')));

/** A step where nothing stops shares this (callers only read it). */
const NO_HIT: DataHit = Object.freeze({ stopIds: [], changes: [], logs: [], errors: [] }) as unknown as DataHit;

function token(raw: unknown): unknown {
  return typeof raw === 'object' && raw !== null ? new Snapshot(formatValue(toValue(raw)!, true)) : raw;
}

function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a instanceof Snapshot) return b instanceof Snapshot && a.text === b.text;
  // NaN is not === itself, but reads the same.
  return typeof a === 'number' && typeof b === 'number' && Number.isNaN(a) && Number.isNaN(b);
}

function display(dataId: string, t: unknown): string {
  if (t instanceof Snapshot) return t.text;
  const v = t === undefined ? undefined : ReplicaScope.valueOf(dataId, t);
  return v === undefined ? 'undefined' : formatValue(v, true);
}

/** Any other Scope: read through lookup(), remembered as text (as before the fast path). */
function readSlow(scope: Scope, dataId: string): Snapshot {
  const v = scope.lookup(dataId);
  return new Snapshot(v === undefined ? 'undefined' : formatValue(v, true));
}

export class DataBreakpoints {
  // Apart from BreakpointRegistry's ids (which count from 1), so hitBreakpointIds never mix the two up.
  private nextId = 1_000_000;
  private entries: Entry[] = [];
  private watches: Watch[] = [];
  private stepper: StepperFactory | null = null;
  private lastMemory: WatchMemory | null = null;
  private lastSeen: Seen | null = null;

  /** Whether `name` can be watched, for dataBreakpointInfo. */
  static canWatch(name: string): boolean {
    return KNOWN.has(name);
  }

  get empty(): boolean {
    return this.entries.length === 0;
  }

  set(requested: readonly (BreakpointSource & { dataId: string })[]): BreakpointStatus[] {
    const old = this.entries;
    const statuses: BreakpointStatus[] = [];
    const entries: Omit<Entry, 'watch'>[] = [];
    for (const bp of requested) {
      const kept = old.find((e) => e.dataId === bp.dataId && (e.condition ? e.condition.equivalentTo(bp) : !bp.condition && !bp.hitCondition));
      if (kept) {
        entries.push(kept);
        statuses.push({ id: kept.id, verified: true });
        continue;
      }
      const id = this.nextId++;
      if (!KNOWN.has(bp.dataId)) {
        statuses.push({ id, verified: false, message: `'${bp.dataId}' is not a replication variable` });
        continue;
      }
      const c = BreakpointCondition.create(bp, { knownNames: REPLICA_NAMES });
      if (!c.ok) {
        statuses.push({ id, verified: false, message: c.message });
        continue;
      }
      entries.push({ id, dataId: bp.dataId, source: bp, condition: c.condition.unconditional ? null : c.condition });
      statuses.push({ id, verified: true });
    }
    const names = [...new Set(entries.map((e) => e.dataId))];
    this.watches = names.map((dataId) => ({ dataId, read: ReplicaScope.rawReader(dataId)! }));
    this.entries = entries.map((e) => ({ ...e, watch: names.indexOf(e.dataId) }));
    this.stepper = this.entries.length === 0 ? null : compileStepper(this.watches, this.entries);
    return statuses;
  }

  /** Records the current values (when breakpoints are set), so the next change is seen even at the next step. */
  prime(scope: Scope, memory: WatchMemory): void {
    const fast = scope instanceof ReplicaScope;
    const values = this.watches.map((w) => (fast ? token(w.read(scope)) : readSlow(scope, w.dataId)));
    const seen = new Seen(this.watches, fast, values, this.stepper);
    memory.set(SEEN, seen);
    this.lastMemory = memory;
    this.lastSeen = seen;
  }

  /** After a step: which watched values changed since `memory` last saw them (the first sighting only records). */
  check(scope: Scope, memory: WatchMemory): DataHit {
    if (this.entries.length === 0) return NO_HIT;
    const fast = scope instanceof ReplicaScope;
    // The replica checked last time (one replica steps many times in a row): no Map lookup.
    let seen = memory === this.lastMemory && memory.size !== 0 ? this.lastSeen! : (memory.get(SEEN) as Seen | undefined);
    if (!seen || seen.watches !== this.watches || seen.fast !== fast) {
      // New watches without prime() (or a new kind of scope): what was seen of a name still watched is kept.
      seen = this.carryOver(seen?.fast === fast ? seen : undefined, fast);
      memory.set(SEEN, seen);
    }
    this.lastMemory = memory;
    this.lastSeen = seen;
    if (seen.stepper) {
      const bits = seen.stepper.check(scope as ReplicaScope);
      if (bits === 0) return NO_HIT;
      const before = seen.stepper.before();
      const values = seen.stepper.values();
      let hit: DataHit | null = null;
      this.entries.forEach((e, k) => {
        if (bits & (1 << k)) hit = this.decide(e, scope, before[e.watch], values[e.watch], hit);
      });
      return hit ?? NO_HIT;
    }
    let any = false;
    for (let i = 0; i < this.watches.length; i++) {
      const w = this.watches[i]!;
      let now = fast ? w.read(scope as ReplicaScope) : readSlow(scope, w.dataId);
      if (fast && typeof now === 'object' && now !== null) now = token(now);
      const before = seen.values[i];
      if (same(before, now)) {
        seen.changed[i] = false;
        continue;
      }
      seen.before[i] = before;
      seen.values[i] = now;
      seen.changed[i] = before !== NOT_SEEN;
      any ||= before !== NOT_SEEN;
    }
    if (!any) return NO_HIT;
    let hit: DataHit | null = null;
    for (const e of this.entries) if (seen.changed[e.watch]) hit = this.decide(e, scope, seen.before[e.watch], seen.values[e.watch], hit);
    return hit ?? NO_HIT;
  }

  /** A breakpoint whose variable changed at this step decides (its condition, hit count, log message). */
  private decide(e: Entry, scope: Scope, before: unknown, after: unknown, hit: DataHit | null): DataHit | null {
    if (e.condition) {
      const d = e.condition.onHit(scope);
      if (d.kind === 'log') (hit ??= newHit()).logs.push(d.text);
      if (d.kind === 'continue' && d.error) (hit ??= newHit()).errors.push(d.error);
      if (d.kind !== 'stop') return hit;
    }
    hit ??= newHit();
    hit.stopIds.push(e.id);
    hit.changes.push({ dataId: e.dataId, before: display(e.dataId, before), after: display(e.dataId, after) });
    return hit;
  }

  private carryOver(previous: Seen | undefined, fast: boolean): Seen {
    const seen = previous?.seen();
    const values = this.watches.map((w) => {
      const i = previous ? previous.watches.findIndex((p) => p.dataId === w.dataId) : -1;
      return i >= 0 ? seen![i] : NOT_SEEN;
    });
    return new Seen(this.watches, fast, values, this.stepper);
  }
}

function newHit(): DataHit {
  return { stopIds: [], changes: [], logs: [], errors: [] };
}
