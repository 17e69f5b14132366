// The breakpoints a client has set, as predicates on transitions: function
// breakpoints written as transition patterns, and line breakpoints on the
// state-machine documents (one line = one rule of the transition table; each
// document holds its own list, as DAP sets them per source). Each carries a
// BreakpointCondition. A resent list keeps the entries that did not change
// (same text, same condition), so their ids and hit counts survive.
//
// A breakpoint is matched against every version's rules; whether one of the
// session's replicas can take its transition decides only what the client is
// told (breakpointVersions.ts), never whether it is armed.
import type { TransitionRecord } from '../engine/io';
import { findTransition, shortStateName, type TransitionRule } from '../engine/states';
import { BreakpointCondition, type BreakpointSource } from './breakpointCondition';
import { checkVersions, type SessionVersions } from './breakpointVersions';
import type { DocumentKey, ServedDocument } from './documents';
import { REPLICA_NAMES } from './replicaScope';
import { matches, matchingRules, parseTransitionPattern } from './transitionPattern';
import type { Scope } from './values';

/** What DAP's Breakpoint says back about one requested breakpoint. */
export interface BreakpointStatus {
  id: number;
  verified: boolean;
  message?: string;
  line?: number;
  /** The document of a line breakpoint. */
  document?: DocumentKey;
}

interface Entry {
  id: number;
  /** The function breakpoint's text or the line number: what identifies it across re-sends. */
  key: string;
  line?: number;
  document?: DocumentKey;
  source: BreakpointSource;
  /** Why it can never stop (a bad pattern or condition, a line that is no transition), or null. */
  invalid: string | null;
  /** The rules of any version it stops on. */
  rules: readonly TransitionRule[];
  /** How messages name it (`RDB_CH_RECEIVE_FULLRESYNC->RDB_CH_RDB_LOADING`). */
  what: string;
  /** The message of a line breakpoint that can stop: the transition it stands for. */
  note?: string;
  /** null when invalid: it never stops. */
  test: ((t: TransitionRecord) => boolean) | null;
  condition: BreakpointCondition | null;
  /** What the client was last told. */
  told: BreakpointStatus;
}

export interface HitOutcome {
  /** Breakpoints that stop here. */
  stopIds: number[];
  /** Logpoint texts to print. */
  logs: string[];
  /** Conditions that could not be evaluated (shown, and the breakpoint does not stop). */
  errors: string[];
}

export class BreakpointRegistry {
  private nextId = 1;
  private functionEntries: Entry[] = [];
  private readonly lineEntries = new Map<DocumentKey, Entry[]>();
  private versions: SessionVersions = null;

  setFunctionBreakpoints(requested: readonly (BreakpointSource & { name: string })[]): BreakpointStatus[] {
    this.functionEntries = requested.map((bp) => this.reuse(this.functionEntries, bp.name.trim(), bp) ?? this.functionEntry(bp));
    return this.functionEntries.map((e) => this.tell(e));
  }

  setLineBreakpoints(doc: ServedDocument, requested: readonly (BreakpointSource & { line: number })[]): BreakpointStatus[] {
    const old = this.lineEntries.get(doc.key) ?? [];
    const entries = requested.map((bp) => this.reuse(old, String(bp.line), bp) ?? this.lineEntry(doc, bp));
    if (entries.length > 0) this.lineEntries.set(doc.key, entries);
    else this.lineEntries.delete(doc.key);
    return entries.map((e) => this.tell(e));
  }

  /**
   * The versions the session's replicas emulate changed (a replica started,
   * emulate auto learned the master's version): the statuses that now read
   * differently, for `breakpoint` events.
   */
  setVersions(versions: SessionVersions): BreakpointStatus[] {
    this.versions = versions;
    const changed: BreakpointStatus[] = [];
    for (const e of this.all()) {
      const before = e.told;
      const now = this.tell(e);
      if (now.verified !== before.verified || now.message !== before.message) changed.push(now);
    }
    return changed;
  }

  /** Whether any breakpoint could stop on a transition (the hot path skips building a scope otherwise). */
  get empty(): boolean {
    return !this.all().some((e) => e.test);
  }

  /** Every breakpoint matching `t` decides, in the order they were set. */
  onTransition(t: TransitionRecord, scope: () => Scope): HitOutcome {
    const out: HitOutcome = { stopIds: [], logs: [], errors: [] };
    let lazyScope: Scope | undefined;
    for (const e of this.all()) {
      if (!e.test?.(t)) continue;
      if (!e.condition) {
        out.stopIds.push(e.id);
        continue;
      }
      const d = e.condition.onHit((lazyScope ??= scope()));
      if (d.kind === 'stop') out.stopIds.push(e.id);
      else if (d.kind === 'log') out.logs.push(d.text);
      else if (d.kind === 'continue' && d.error) out.errors.push(d.error);
    }
    return out;
  }

  private all(): Entry[] {
    return [...this.functionEntries, ...[...this.lineEntries.values()].flat()];
  }

  private reuse(entries: Entry[], key: string, bp: BreakpointSource): Entry | undefined {
    return entries.find((e) => e.key === key && sameSource(e.source, bp));
  }

  /** The entry's status for the session's versions now, remembered as told. */
  private tell(e: Entry): BreakpointStatus {
    const where = { ...(e.line !== undefined ? { line: e.line } : {}), ...(e.document !== undefined ? { document: e.document } : {}) };
    let status: BreakpointStatus;
    if (e.invalid !== null) status = { id: e.id, verified: false, message: e.invalid, ...where };
    else {
      const v = checkVersions(e.what, e.rules, this.versions);
      status = v.verified
        ? { id: e.id, verified: true, ...(e.note !== undefined ? { message: e.note } : {}), ...where }
        : { id: e.id, verified: false, message: v.message, ...where };
    }
    e.told = status;
    return status;
  }

  private entry(fields: Pick<Entry, 'key' | 'rules' | 'what' | 'test'> & Partial<Pick<Entry, 'line' | 'document' | 'note'>>, invalid: string | null, bp: BreakpointSource): Entry {
    const id = this.nextId++;
    const source = { condition: bp.condition, hitCondition: bp.hitCondition, logMessage: bp.logMessage };
    const base = { ...fields, id, source, told: { id, verified: false } };
    if (invalid !== null) return { ...base, invalid, test: null, condition: null };
    const c = BreakpointCondition.create(bp, { knownNames: REPLICA_NAMES });
    if (!c.ok) return { ...base, invalid: c.message, test: null, condition: null };
    return { ...base, invalid: null, condition: c.condition.unconditional ? null : c.condition };
  }

  private functionEntry(bp: BreakpointSource & { name: string }): Entry {
    const key = bp.name.trim();
    const p = parseTransitionPattern(bp.name);
    if (!p.ok) return this.entry({ key, rules: [], what: key, test: null }, p.message, bp);
    const pattern = p.pattern;
    if (pattern.neverMatches) return this.entry({ key, rules: [], what: pattern.canonical, test: null }, pattern.message!, bp);
    return this.entry({ key, rules: matchingRules(pattern), what: pattern.canonical, test: (t) => matches(pattern, t.from, t.to) }, null, bp);
  }

  private lineEntry(doc: ServedDocument, bp: BreakpointSource & { line: number }): Entry {
    const key = String(bp.line);
    const at = { key, line: bp.line, document: doc.key };
    const rule = doc.ruleAtLine.get(bp.line);
    if (!rule) return this.entry({ ...at, rules: [], what: key, test: null }, 'not a transition: put line breakpoints on a FROM -> TO line', bp);
    const text = `${shortStateName(rule.from)}->${shortStateName(rule.to)}`;
    return this.entry({ ...at, rules: [rule], what: text, note: text, test: (t) => findTransition(t.from, t.to) === rule }, null, bp);
  }
}

const clean = (text: string | undefined): string => text?.trim() ?? '';

/** Same condition, hit count and log message (BreakpointCondition.equivalentTo, also for entries without one). */
function sameSource(a: BreakpointSource, b: BreakpointSource): boolean {
  return clean(a.condition) === clean(b.condition) && clean(a.hitCondition) === clean(b.hitCondition) && clean(a.logMessage) === clean(b.logMessage);
}
