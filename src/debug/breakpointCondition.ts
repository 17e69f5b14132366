// One object per breakpoint for what a person can attach to it: a condition, a
// hit count and a log message, each optional, each validated when set (an
// invalid one makes the breakpoint unverified with the message, js-debug's
// way). Unlike js-debug, a condition and a hit count combine: the condition
// is evaluated first, and only hits where it is true are counted. The DAP layer
// keeps the object across setBreakpoints re-sends while `equivalentTo` holds,
// so hit counts survive editing another breakpoint.
import { checkNames, compile, evaluate, type CompiledExpression } from './expression';
import { BAIL, compileFastCondition, type FastLookup } from './expressionFast';
import { parseHitCondition, type HitPredicate } from './hitCondition';
import { compileLogMessage, renderLogMessage, type LogTemplate } from './logMessage';
import { truthy, type Scope } from './values';

/** What DAP's SourceBreakpoint/FunctionBreakpoint carry; empty means absent. */
export interface BreakpointSource {
  condition?: string | undefined;
  hitCondition?: string | undefined;
  logMessage?: string | undefined;
}

export type BreakpointDecision =
  /** Stop here (`hits` counts this one). */
  | { kind: 'stop'; hits: number }
  /** A logpoint: print `text`, do not stop. */
  | { kind: 'log'; text: string; errors: readonly string[]; hits: number }
  /** Go on. A condition that cannot be evaluated does not stop (js-debug's default) and says why. */
  | { kind: 'continue'; reason: 'condition-false' | 'hit-count' | 'condition-error'; error?: string };

export type BreakpointConditionResult = { ok: true; condition: BreakpointCondition } | { ok: false; message: string };

export interface ValidationOptions {
  /** Every variable a scope can know (replicaScope's REPLICA_NAMES): unknown names are refused when set. */
  knownNames?: readonly string[];
}

const clean = (text: string | undefined): string | undefined => (text === undefined || text.trim() === '' ? undefined : text);

function logNames(template: LogTemplate, known: readonly string[]): string | undefined {
  for (const p of template.parts) {
    if (p.kind !== 'expr') continue;
    const bad = checkNames(p.expr, known);
    if (bad) return `in {${p.expr.source}}: ${bad}`;
  }
  return undefined;
}

/** A scope that offers the fast path of conditions (ReplicaScope does). */
interface FastScope extends Scope {
  readonly fast?: FastLookup<Scope>;
}

/** The most frequent decision (a condition that does not hold), made once rather than at every step. */
const CONDITION_FALSE: BreakpointDecision = Object.freeze({ kind: 'continue', reason: 'condition-false' });

export class BreakpointCondition {
  private hitCount = 0;
  /** The condition compiled for the fast path, for the FastLookup it was compiled against. */
  private fastFor: FastLookup<Scope> | null = null;
  private fastCondition: ((scope: Scope) => boolean | typeof BAIL) | null = null;

  private constructor(
    readonly source: Readonly<BreakpointSource>,
    private readonly condition: CompiledExpression | null,
    private readonly hitPredicate: HitPredicate | null,
    private readonly log: LogTemplate | null,
  ) {}

  static create(source: BreakpointSource, options: ValidationOptions = {}): BreakpointConditionResult {
    const normalized = { condition: clean(source.condition), hitCondition: clean(source.hitCondition), logMessage: clean(source.logMessage) };
    let condition: CompiledExpression | null = null;
    if (normalized.condition !== undefined) {
      const c = compile(normalized.condition);
      if (!c.ok) return { ok: false, message: `condition: ${c.message}` };
      const bad = options.knownNames && checkNames(c.expr, options.knownNames);
      if (bad) return { ok: false, message: `condition: ${bad}` };
      condition = c.expr;
    }
    let hits: HitPredicate | null = null;
    if (normalized.hitCondition !== undefined) {
      const h = parseHitCondition(normalized.hitCondition);
      if (!h.ok) return { ok: false, message: `hit count: ${h.message}` };
      hits = h.predicate;
    }
    let log: LogTemplate | null = null;
    if (normalized.logMessage !== undefined) {
      const l = compileLogMessage(normalized.logMessage);
      if (!l.ok) return { ok: false, message: `log message: ${l.message}` };
      const bad = options.knownNames && logNames(l.template, options.knownNames);
      if (bad) return { ok: false, message: `log message: ${bad}` };
      log = l.template;
    }
    return { ok: true, condition: new BreakpointCondition(normalized, condition, hits, log) };
  }

  /** Hits counted so far (hits where the condition, if any, was true). */
  get hits(): number {
    return this.hitCount;
  }

  /** The condition, or null. */
  get expression(): CompiledExpression | null {
    return this.condition;
  }

  /** Nothing attached: every hit stops. */
  get unconditional(): boolean {
    return this.condition === null && this.hitPredicate === null && this.log === null;
  }

  /** The breakpoint was reached: decide, counting the hit if the condition holds. */
  onHit(scope: Scope): BreakpointDecision {
    if (this.condition) {
      const holds = this.fastTruth(scope);
      if (holds === false) return CONDITION_FALSE;
      if (holds === BAIL) {
        // The exact evaluation: a float, a number past 2^53, or an error to explain.
        const r = evaluate(this.condition, scope);
        if (!r.ok) return { kind: 'continue', reason: 'condition-error', error: `condition '${this.condition.source}': ${r.message}` };
        if (!truthy(r.value)) return CONDITION_FALSE;
      }
    }
    const hits = ++this.hitCount;
    if (this.hitPredicate && !this.hitPredicate(hits)) return { kind: 'continue', reason: 'hit-count' };
    if (this.log) return { kind: 'log', ...renderLogMessage(this.log, scope), hits };
    return { kind: 'stop', hits };
  }

  /** The condition's truth by the fast path when the scope offers one, else BAIL. */
  private fastTruth(scope: Scope): boolean | typeof BAIL {
    const lookup = (scope as FastScope).fast;
    return lookup ? this.fastConditionFor(lookup)!(scope) : BAIL;
  }

  /**
   * The condition compiled for scopes that read names through `lookup` (kept
   * for the last lookup: there is one per kind of scope), or null when there
   * is no condition. It answers false only where onHit() would decide
   * `condition-false`, so a caller may skip onHit() then (a data breakpoint
   * does, at every step).
   */
  fastConditionFor<S extends Scope>(lookup: FastLookup<S>): ((scope: S) => boolean | typeof BAIL) | null {
    if (!this.condition) return null;
    if (this.fastFor !== lookup) {
      this.fastCondition = compileFastCondition(this.condition, lookup as FastLookup<Scope>);
      this.fastFor = lookup as FastLookup<Scope>;
    }
    return this.fastCondition;
  }

  /** Same condition, hit count and log message text: the DAP layer keeps this object (and its hits). */
  equivalentTo(other: BreakpointCondition | BreakpointSource): boolean {
    const o = other instanceof BreakpointCondition ? other.source : other;
    return this.source.condition === clean(o.condition) && this.source.hitCondition === clean(o.hitCondition) &&
      this.source.logMessage === clean(o.logMessage);
  }
}
