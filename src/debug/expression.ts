// The expression language of breakpoint conditions, watches, hovers, the debug
// console and logpoint templates: numbers, 'strings' and "strings", variables
// (`repl_transfer_read`, dotted `master.reploff`), + - * / %, == != < <= > >=,
// && || !, parentheses, true/false/null, and state names (`repl_state ==
// TRANSFER`, or `repl_state == 'transfer'`). Compiled once, evaluated on every
// hit; errors are values, nothing here throws at its caller.
//
// Semantics, C-like because the fields are Redis's C fields: integers are
// exact bigints (see values.ts) and `/` `%` truncate toward zero as for long
// long; a decimal literal makes the arithmetic floating-point; && || ! use C's
// truth (0, '', null and NONE are false) and give booleans; states order by
// their server.h value (`repl_state >= RECEIVE_PING_REPLY`); == between
// unrelated types (a string and a number) is an error, not false, so a typo'd
// condition is loud; null equals only null. A name is looked up in the scope
// first and read as a state name only when the scope does not know it.
import { stateNumber } from '../engine/states';
import { DEFAULT_PROFILE } from '../versions/profiles';
import { parseExpression, ParseFailure, type Expr } from './expressionSyntax';
import { closestName, parseStateName, STATE_NAMES } from './names';
import { bool, formatValue, truthy, typeName, type Scope, type Value } from './values';

export type { Expr } from './expressionSyntax';

/** A failed evaluation (an error is a value here: nothing throws at the caller). */
class EvalFailure {
  constructor(readonly message: string) {}
}

export interface CompiledExpression {
  readonly source: string;
  readonly root: Expr;
}

export type CompileResult =
  | { ok: true; expr: CompiledExpression }
  /** `message` = `${reason} at column ${column}`; column is 1-based. */
  | { ok: false; message: string; reason: string; column: number };

export type EvalResult = { ok: true; value: Value } | { ok: false; message: string };

export function compile(text: string): CompileResult {
  const fail = (reason: string, offset: number): CompileResult => ({ ok: false, message: `${reason} at column ${offset + 1}`, reason, column: offset + 1 });
  if (text.trim() === '') return fail('empty expression', 0);
  try {
    return { ok: true, expr: { source: text, root: parseExpression(text) } };
  } catch (err) {
    if (err instanceof ParseFailure) return fail(err.reason, err.offset);
    return fail(`internal error: ${String(err)}`, 0);
  }
}

/** The variables an expression reads (names the scope must know; state names excluded). */
export function referencedNames(expr: CompiledExpression): { name: string; column: number }[] {
  const out: { name: string; column: number }[] = [];
  const walk = (e: Expr): void => {
    if (e.kind === 'name' && (e.name.includes('.') || parseStateName(e.name) === undefined)) out.push({ name: e.name, column: e.span.start + 1 });
    else if (e.kind === 'unary') walk(e.operand);
    else if (e.kind === 'binary') {
      walk(e.left);
      walk(e.right);
    }
  };
  walk(expr.root);
  return out;
}

/** Set-time check: the first variable no scope will ever know, as a message, or undefined. */
export function checkNames(expr: CompiledExpression, known: readonly string[]): string | undefined {
  const knownSet = new Set(known);
  const bad = referencedNames(expr).find((n) => !knownSet.has(n.name));
  return bad && `${unknownName(bad.name, known)} at column ${bad.column}`;
}

function unknownName(name: string, known: readonly string[]): string {
  const near = closestName(name, [...known, ...STATE_NAMES]);
  return `unknown variable '${name}'${near ? ` (did you mean '${near}'?)` : ''}`;
}

/** Evaluates against a scope, or a bare lookup function (then "did you mean" has nothing to offer). */
export function evaluate(expr: CompiledExpression, scope: Scope | Scope['lookup']): EvalResult {
  try {
    const s: Scope = typeof scope === 'function' ? { lookup: scope } : scope;
    return { ok: true, value: new Evaluator(expr.source, s).run(expr.root) };
  } catch (err) {
    if (err instanceof EvalFailure) return { ok: false, message: err.message };
    return { ok: false, message: `internal error evaluating '${expr.source}': ${String(err)}` };
  }
}

type Cmp = -1 | 0 | 1 | null; // null: unordered (NaN)

class Evaluator {
  constructor(private readonly source: string, private readonly scope: Scope) {}

  run(e: Expr): Value {
    switch (e.kind) {
      case 'literal': return e.value;
      case 'name': return this.name(e.name);
      case 'unary': {
        const v = this.run(e.operand);
        if (e.op === '!') return bool(!truthy(v));
        if (v.type === 'int') return { type: 'int', value: -v.value };
        if (v.type === 'float') return { type: 'float', value: -v.value };
        throw new EvalFailure(`'-' needs a number, got ${this.show(v, e.operand)}`);
      }
      case 'binary': {
        const l = this.run(e.left);
        if (e.op === '&&') return bool(truthy(l) && truthy(this.run(e.right)));
        if (e.op === '||') return bool(truthy(l) || truthy(this.run(e.right)));
        const r = this.run(e.right);
        if (e.op === '==' || e.op === '!=') return bool(this.equal(l, r, e.left, e.right) === (e.op === '=='));
        if (e.op === '<' || e.op === '<=' || e.op === '>' || e.op === '>=') {
          const c = this.order(l, r, e.left, e.right, e.op);
          if (c === null) return bool(false);
          return bool(e.op === '<' ? c < 0 : e.op === '<=' ? c <= 0 : e.op === '>' ? c > 0 : c >= 0);
        }
        return this.arithmetic(e.op, l, r, e.left, e.right);
      }
    }
  }

  private name(name: string): Value {
    const v = this.scope.lookup(name);
    if (v) return v;
    const s = name.includes('.') ? undefined : parseStateName(name);
    if (s !== undefined) return { type: 'state', value: s };
    throw new EvalFailure(unknownName(name, this.scope.names ?? []));
  }

  /** `integer 5 (master.reploff)`: the value and the text it came from. */
  private show(v: Value, e: Expr): string {
    const text = this.source.slice(e.span.start, e.span.end).trim();
    // A struct is named, not printed: its fields would drown the message.
    const value = v.type === 'null' ? 'null' : v.type === 'record' ? 'object' : `${typeName(v)} ${formatValue(v, true)}`;
    return text === formatValue(v, true) ? value : `${value} (${text})`;
  }

  /** A string compared with a state must name a state. */
  private stateOf(v: Value, e: Expr): Value {
    if (v.type !== 'string') return v;
    const s = parseStateName(v.value);
    if (s === undefined) throw new EvalFailure(`${this.show(v, e)} is not a replication state; states: ${STATE_NAMES.join(', ')}`);
    return { type: 'state', value: s };
  }

  /**
   * A state or an integer as a number to compare with `other`: against an
   * integer, a state is its number in the replica's server.h (they differ
   * between versions); two states compare in the one order they all share.
   */
  private stateNum(v: Value & { type: 'state' | 'int' }, other: Value): bigint {
    if (v.type === 'int') return v.value;
    if (other.type === 'int') return BigInt(stateNumber(this.scope.profile ?? DEFAULT_PROFILE, v.value));
    return BigInt(v.value);
  }

  private equal(l: Value, r: Value, le: Expr, re: Expr): boolean {
    if (l.type === 'null' || r.type === 'null') return l.type === r.type;
    if (l.type === 'state' || r.type === 'state') {
      const a = this.stateOf(l, le);
      const b = this.stateOf(r, re);
      if ((a.type === 'state' || a.type === 'int') && (b.type === 'state' || b.type === 'int')) return this.stateNum(a, b) === this.stateNum(b, a);
    } else if (isNumber(l) && isNumber(r)) {
      return compareNumbers(l, r) === 0;
    } else if (l.type === r.type && (l.type === 'string' || l.type === 'bool')) {
      return l.value === (r as typeof l).value;
    }
    throw new EvalFailure(`cannot compare ${this.show(l, le)} with ${this.show(r, re)}`);
  }

  private order(l: Value, r: Value, le: Expr, re: Expr, op: string): Cmp {
    if (l.type === 'state' || r.type === 'state') {
      const a = this.stateOf(l, le);
      const b = this.stateOf(r, re);
      if ((a.type === 'state' || a.type === 'int') && (b.type === 'state' || b.type === 'int')) return sign(this.stateNum(a, b) - this.stateNum(b, a));
    } else if (isNumber(l) && isNumber(r)) {
      return compareNumbers(l, r);
    } else if (l.type === 'string' && r.type === 'string') {
      return l.value < r.value ? -1 : l.value > r.value ? 1 : 0;
    }
    throw new EvalFailure(`'${op}' needs two numbers, two strings or two states, got ${this.show(l, le)} and ${this.show(r, re)}`);
  }

  private arithmetic(op: string, l: Value, r: Value, le: Expr, re: Expr): Value {
    if (op === '+' && l.type === 'string' && r.type === 'string') return { type: 'string', value: l.value + r.value };
    if (!isNumber(l) || !isNumber(r)) {
      throw new EvalFailure(`'${op}' needs two numbers${op === '+' ? ' or two strings' : ''}, got ${this.show(l, le)} and ${this.show(r, re)}`);
    }
    if ((op === '/' || op === '%') && (r.type === 'int' ? r.value === 0n : r.value === 0)) {
      const text = this.source.slice(re.span.start, re.span.end).trim();
      throw new EvalFailure(`division by zero${/^[\d.]+$/.test(text) ? '' : `: ${text} is 0`}`);
    }
    if (l.type === 'int' && r.type === 'int') {
      const a = l.value;
      const b = r.value;
      // bigint / and % truncate toward zero, as C does for long long.
      const v = op === '+' ? a + b : op === '-' ? a - b : op === '*' ? a * b : op === '/' ? a / b : a % b;
      return { type: 'int', value: v };
    }
    const a = Number(l.value);
    const b = Number(r.value);
    const v = op === '+' ? a + b : op === '-' ? a - b : op === '*' ? a * b : op === '/' ? a / b : a % b;
    return { type: 'float', value: v };
  }
}

type NumberValue = Extract<Value, { type: 'int' | 'float' }>;

function isNumber(v: Value): v is NumberValue {
  return v.type === 'int' || v.type === 'float';
}

function sign(d: bigint): Cmp {
  return d < 0n ? -1 : d > 0n ? 1 : 0;
}

/** Exact, even for an integer past 2^53 against a float. */
function compareNumbers(l: NumberValue, r: NumberValue): Cmp {
  if (l.type === 'int' && r.type === 'int') return sign(l.value - r.value);
  if (l.type === 'float' && r.type === 'float') return Number.isNaN(l.value) || Number.isNaN(r.value) ? null : l.value < r.value ? -1 : l.value > r.value ? 1 : 0;
  const flip = l.type === 'float';
  const i = (flip ? r.value : l.value) as bigint;
  const f = (flip ? l.value : r.value) as number;
  let c: Cmp;
  if (Number.isNaN(f)) return null;
  if (!Number.isFinite(f)) c = f > 0 ? -1 : 1;
  else {
    const floor = Math.floor(f);
    c = sign(i - BigInt(floor));
    if (c === 0 && f !== floor) c = -1;
  }
  return flip && c !== null ? (-c as Cmp) : c;
}
