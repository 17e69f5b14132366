// Data breakpoints: stop when a variable of the model changes (`repl_state`,
// `master_repl_offset`, `master.reploff`, `repl_transfer_read`). A data id is
// a name replicaScope() knows. Each replica remembers the values it last saw
// (a WatchMemory), so a change is seen per replica, step by step.
import { BreakpointCondition, type BreakpointSource } from './breakpointCondition';
import { REPLICA_NAMES } from './replicaScope';
import { formatValue, type Scope } from './values';
import type { BreakpointStatus } from './breakpoints';

/** What a replica last saw of each watched name (formatted values). */
export type WatchMemory = Map<string, string>;

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
}

const KNOWN = new Set(REPLICA_NAMES.filter((n) => !n.startsWith('transition.')));

export class DataBreakpoints {
  // Apart from BreakpointRegistry's ids (which count from 1), so hitBreakpointIds never mix the two up.
  private nextId = 1_000_000;
  private entries: Entry[] = [];

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
    this.entries = [];
    for (const bp of requested) {
      const kept = old.find((e) => e.dataId === bp.dataId && (e.condition ? e.condition.equivalentTo(bp) : !bp.condition && !bp.hitCondition));
      if (kept) {
        this.entries.push(kept);
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
      this.entries.push({ id, dataId: bp.dataId, source: bp, condition: c.condition.unconditional ? null : c.condition });
      statuses.push({ id, verified: true });
    }
    return statuses;
  }

  /** Records the current values (when breakpoints are set), so the next change is seen even at the next step. */
  prime(scope: Scope, memory: WatchMemory): void {
    for (const e of this.entries) {
      const v = scope.lookup(e.dataId);
      memory.set(e.dataId, v === undefined ? 'undefined' : formatValue(v, true));
    }
  }

  /** After a step: which watched values changed since `memory` last saw them (the first sighting only records). */
  check(scope: Scope, memory: WatchMemory): DataHit {
    const hit: DataHit = { stopIds: [], changes: [], logs: [], errors: [] };
    for (const e of this.entries) {
      const v = scope.lookup(e.dataId);
      const now = v === undefined ? 'undefined' : formatValue(v, true);
      const before = memory.get(e.dataId);
      memory.set(e.dataId, now);
      if (before === undefined || before === now) continue;
      if (e.condition) {
        const d = e.condition.onHit(scope);
        if (d.kind === 'log') hit.logs.push(d.text);
        if (d.kind === 'continue' && d.error) hit.errors.push(d.error);
        if (d.kind !== 'stop') continue;
      }
      hit.stopIds.push(e.id);
      hit.changes.push({ dataId: e.dataId, before, after: now });
    }
    return hit;
  }
}
