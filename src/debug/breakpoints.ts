// The breakpoints a client has set, as predicates on transitions: function
// breakpoints written as transition patterns, and line breakpoints on the
// state-machine document (one line = one rule of the transition table). Each
// carries a BreakpointCondition. A resent list keeps the entries that did not
// change (same text, same condition), so their ids and hit counts survive.
import type { TransitionRecord } from '../engine/io';
import { findTransition, shortStateName, type TransitionRule } from '../engine/states';
import { BreakpointCondition, type BreakpointSource } from './breakpointCondition';
import { REPLICA_NAMES } from './replicaScope';
import { STATE_MACHINE_DOCUMENT } from './stack';
import { matches, parseTransitionPattern } from './transitionPattern';
import type { Scope } from './values';

/** What DAP's Breakpoint says back about one requested breakpoint. */
export interface BreakpointStatus {
  id: number;
  verified: boolean;
  message?: string;
  line?: number;
}

interface Entry {
  id: number;
  /** The function breakpoint's text or the line number: what identifies it across re-sends. */
  key: string;
  verified: boolean;
  message?: string;
  line?: number;
  source: BreakpointSource;
  /** null when unverified: it never stops. */
  test: ((t: TransitionRecord) => boolean) | null;
  condition: BreakpointCondition | null;
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
  private lineEntries: Entry[] = [];
  private readonly ruleAtLine = new Map<number, TransitionRule>();
  private readonly lineOfRule: ReadonlyMap<TransitionRule, number>;

  constructor() {
    this.lineOfRule = STATE_MACHINE_DOCUMENT.lines;
    for (const [rule, line] of this.lineOfRule) this.ruleAtLine.set(line, rule);
  }

  setFunctionBreakpoints(requested: readonly (BreakpointSource & { name: string })[]): BreakpointStatus[] {
    this.functionEntries = requested.map((bp) => this.reuse(this.functionEntries, bp.name.trim(), bp) ?? this.functionEntry(bp));
    return this.functionEntries.map(status);
  }

  setLineBreakpoints(requested: readonly (BreakpointSource & { line: number })[]): BreakpointStatus[] {
    this.lineEntries = requested.map((bp) => this.reuse(this.lineEntries, String(bp.line), bp) ?? this.lineEntry(bp));
    return this.lineEntries.map(status);
  }

  /** Whether any breakpoint could stop on a transition (the hot path skips building a scope otherwise). */
  get empty(): boolean {
    return !this.functionEntries.some((e) => e.test) && !this.lineEntries.some((e) => e.test);
  }

  /** Every breakpoint matching `t` decides, in the order they were set. */
  onTransition(t: TransitionRecord, scope: () => Scope): HitOutcome {
    const out: HitOutcome = { stopIds: [], logs: [], errors: [] };
    let lazyScope: Scope | undefined;
    for (const e of [...this.functionEntries, ...this.lineEntries]) {
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

  private reuse(entries: Entry[], key: string, bp: BreakpointSource): Entry | undefined {
    return entries.find((e) => e.key === key && sameSource(e.source, bp));
  }

  private withCondition(entry: Omit<Entry, 'condition' | 'id' | 'source'>, bp: BreakpointSource): Entry {
    const id = this.nextId++;
    const source = { condition: bp.condition, hitCondition: bp.hitCondition, logMessage: bp.logMessage };
    if (!entry.verified) return { ...entry, id, source, condition: null, test: null };
    const c = BreakpointCondition.create(bp, { knownNames: REPLICA_NAMES });
    if (!c.ok) return { ...entry, id, source, verified: false, message: c.message, condition: null, test: null };
    return { ...entry, id, source, condition: c.condition.unconditional ? null : c.condition };
  }

  private functionEntry(bp: BreakpointSource & { name: string }): Entry {
    const key = bp.name.trim();
    const p = parseTransitionPattern(bp.name);
    if (!p.ok) return this.withCondition({ key, verified: false, message: p.message, test: null }, bp);
    const pattern = p.pattern;
    if (pattern.neverMatches) return this.withCondition({ key, verified: false, message: pattern.message!, test: null }, bp);
    return this.withCondition({ key, verified: true, test: (t) => matches(pattern, t.from, t.to) }, bp);
  }

  private lineEntry(bp: BreakpointSource & { line: number }): Entry {
    const rule = this.ruleAtLine.get(bp.line);
    if (!rule) {
      return this.withCondition({ key: String(bp.line), line: bp.line, verified: false, message: 'not a transition: put line breakpoints on a FROM -> TO line', test: null }, bp);
    }
    const text = `${shortStateName(rule.from)}->${shortStateName(rule.to)}`;
    return this.withCondition({ key: String(bp.line), line: bp.line, verified: true, message: text, test: (t) => findTransition(t.from, t.to) === rule }, bp);
  }
}

const clean = (text: string | undefined): string => text?.trim() ?? '';

/** Same condition, hit count and log message (BreakpointCondition.equivalentTo, also for entries without one). */
function sameSource(a: BreakpointSource, b: BreakpointSource): boolean {
  return clean(a.condition) === clean(b.condition) && clean(a.hitCondition) === clean(b.hitCondition) && clean(a.logMessage) === clean(b.logMessage);
}

function status(e: Entry): BreakpointStatus {
  return { id: e.id, verified: e.verified, ...(e.message !== undefined ? { message: e.message } : {}), ...(e.line !== undefined ? { line: e.line } : {}) };
}
