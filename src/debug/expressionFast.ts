// The fast path of breakpoint conditions (expression.ts is the language and
// its exact evaluator).
//
// A data breakpoint's condition runs at every engine step where its variable
// changed (every command of the stream), so `evaluate` (bigints, a Value per
// node, an object per call) would cost more than applying the command. A
// condition can also be compiled to JavaScript (new Function, from the parsed
// tree, never from the text) over plain JS values: integers as numbers while
// they are safe integers, states as FastState, structs as RECORD. Whenever the
// result could differ from `evaluate` (a float, an integer past 2^53, an error
// to report, a division by zero) the code answers BAIL, and the caller runs
// `evaluate`: the fast path decides only what it decides exactly as `evaluate`
// would. test/unit/debugFastCondition.test.ts checks that on random expressions.
import { phaseOf, type AnyState } from '../engine/states';
import type { CompiledExpression } from './expression';
import type { Expr } from './expressionSyntax';
import { parseStateName } from './names';
import type { Value } from './values';

/** A repl_state (or a state name) on the fast path; one shared object per state. */
export class FastState {
  constructor(readonly state: AnyState) {}
}

const FAST_STATES = new Map<AnyState, FastState>();

export function fastState(s: AnyState): FastState {
  let f = FAST_STATES.get(s);
  if (!f) FAST_STATES.set(s, (f = new FastState(s)));
  return f;
}

/** A struct (`master`): only comparable with null, always true. */
export const RECORD: unique symbol = Symbol('record');
/** "The fast path cannot answer exactly": run `evaluate`. */
export const BAIL: unique symbol = Symbol('bail');

export type FastValue = number | string | boolean | null | FastState | typeof RECORD;
export type FastResult = FastValue | typeof BAIL;
export type FastReader<S> = (scope: S) => FastResult;

/** How a kind of scope reads a name without making a Value (undefined: it does not know the name). */
export interface FastLookup<S> {
  reader(name: string): FastReader<S> | undefined;
}

/** A field of the model as a FastValue (`toValue`'s cases; BAIL where a number would not be exact). */
export function fastOf(x: unknown): FastResult {
  if (x === null) return null;
  switch (typeof x) {
    case 'number': return Number.isSafeInteger(x) ? x : BAIL;
    case 'string': return x;
    case 'boolean': return x;
    case 'bigint': return x >= -MAX_SAFE && x <= MAX_SAFE ? Number(x) : BAIL;
    case 'object': return RECORD;
    default: return BAIL;
  }
}

/** A Value (a transition's fields) as a FastValue. */
export function fastOfValue(v: Value): FastResult {
  switch (v.type) {
    case 'int': return v.value >= -MAX_SAFE && v.value <= MAX_SAFE ? Number(v.value) : BAIL;
    case 'float': return BAIL;
    case 'string': return v.value;
    case 'bool': return v.value;
    case 'null': return null;
    case 'state': return fastState(v.value);
    case 'record': return RECORD;
  }
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

function fastTruthy(v: FastValue): boolean {
  if (v === null) return false;
  switch (typeof v) {
    case 'number': return v !== 0;
    case 'string': return v.length > 0;
    case 'boolean': return v;
    default: return v === RECORD ? true : phaseOf((v as FastState).state) !== 'NONE';
  }
}

/**
 * A state as a number, for comparing with a state; BAIL when `evaluate`
 * would compare otherwise or fail (a number: it means the state's number in
 * the replica's version, which evaluate knows).
 */
function stateNumber(v: FastValue): number | typeof BAIL {
  if (v instanceof FastState) return v.state;
  if (typeof v === 'string') {
    const s = parseStateName(v);
    return s === undefined ? BAIL : s;
  }
  return BAIL;
}

function fastEqual(l: FastValue, r: FastValue): boolean | typeof BAIL {
  if (l === null || r === null) return l === r;
  if (l instanceof FastState || r instanceof FastState) {
    const a = stateNumber(l);
    const b = stateNumber(r);
    return a === BAIL || b === BAIL ? BAIL : a === b;
  }
  const t = typeof l;
  if (t === typeof r && (t === 'number' || t === 'string' || t === 'boolean')) return l === r;
  return BAIL;
}

function fastOrder(l: FastValue, r: FastValue): number | typeof BAIL {
  if (l instanceof FastState || r instanceof FastState) {
    if (l === null || r === null) return BAIL;
    const a = stateNumber(l);
    const b = stateNumber(r);
    return a === BAIL || b === BAIL ? BAIL : a - b;
  }
  if (typeof l === 'number' && typeof r === 'number') return l - r;
  if (typeof l === 'string' && typeof r === 'string') return l < r ? -1 : l > r ? 1 : 0;
  return BAIL;
}

function fastArithmetic(op: string, l: FastValue, r: FastValue): FastResult {
  if (typeof l === 'string' && typeof r === 'string') return op === '+' ? l + r : BAIL;
  if (typeof l !== 'number' || typeof r !== 'number') return BAIL;
  let v: number;
  switch (op) {
    case '+': v = l + r; break;
    case '-': v = l - r; break;
    case '*': v = l * r; break;
    // Exact for safe integers: % truncates like C's (the sign of the dividend), and l - l % r is a multiple of r.
    case '%': if (r === 0) return BAIL; v = l % r; break;
    case '/': if (r === 0) return BAIL; v = (l - (l % r)) / r; break;
    default: return BAIL;
  }
  // A result past 2^53 may have been rounded: the exact answer is evaluate's.
  return Number.isSafeInteger(v) ? (v === 0 ? 0 : v) : BAIL;
}

/** JS source for one node: statements that leave its FastValue in `ref` (or run the bail statement). */
interface Emitted {
  code: string[];
  ref: string;
  /** `ref` is always a boolean (a comparison, && || !): no truthy() needed. */
  bool?: boolean;
}

/**
 * Names as JS source, for a condition compiled into a bigger generated
 * function (a data breakpoint's check): an expression giving the name's
 * FastResult (or its raw value), using the FAST_HELPERS by their names;
 * undefined for a name the scope does not know.
 */
export interface FastSourceLookup {
  /** `raw`: the expression gives the model's value as is (a number, a string, null, an object), converted as fastOf() does. */
  source(name: string): { expr: string; raw: boolean } | undefined;
}

/** What generated code may call, by these names (a generated function takes them as parameters). */
export const FAST_HELPERS = {
  BAIL, truthy: fastTruthy, eq: fastEqual, ord: fastOrder, arith: fastArithmetic, fastOf, fastState,
} as const;

interface CompilerOptions {
  /** The statement that gives up when the fast path cannot decide. */
  bail: string;
  /** Prefix of temporaries, and the variable holding the constants array. */
  prefix: string;
  constants: string;
}

/** Source of C's truth of an emitted value. */
function truth(e: Emitted): string {
  return e.bool ? e.ref : `truthy(${e.ref})`;
}

class FastCompiler<S> {
  readonly readers: FastReader<S>[] = [];
  readonly constants: FastValue[] = [];
  private temps = 0;

  constructor(
    private readonly names: { reader: FastLookup<S> } | { source: FastSourceLookup },
    private readonly options: CompilerOptions = { bail: 'return BAIL;', prefix: 't', constants: 'c' },
  ) {}

  private temp(): string {
    return `${this.options.prefix}${this.temps++}`;
  }

  private constant(v: FastValue): string {
    if (typeof v === 'number' || typeof v === 'boolean' || v === null) return String(v);
    if (typeof v === 'string') return JSON.stringify(v);
    this.constants.push(v);
    return `${this.options.constants}[${this.constants.length - 1}]`;
  }

  private read(name: string): Emitted | undefined {
    const bail = this.options.bail;
    const t = this.temp();
    if ('source' in this.names) {
      const source = this.names.source.source(name);
      if (source === undefined) return undefined;
      if (!source.raw) return { code: [`const ${t} = ${source.expr};`, `if (${t} === BAIL) ${bail}`], ref: t };
      // fastOf() inline for the usual case, a small integer.
      return { code: [`const ${t}r = ${source.expr};`, `const ${t} = typeof ${t}r === 'number' && (${t}r | 0) === ${t}r ? ${t}r : fastOf(${t}r);`, `if (${t} === BAIL) ${bail}`], ref: t };
    }
    const read = this.names.reader.reader(name);
    if (!read) return undefined;
    this.readers.push(read);
    return { code: [`const ${t} = r[${this.readers.length - 1}](scope);`, `if (${t} === BAIL) ${bail}`], ref: t };
  }

  emit(e: Expr): Emitted {
    const bail = this.options.bail;
    switch (e.kind) {
      case 'literal': {
        const v = fastOfValue(e.value);
        return v === BAIL ? { code: [bail], ref: 'null' } : { code: [], ref: this.constant(v) };
      }
      case 'name': {
        const read = this.read(e.name);
        if (read) return read;
        const s = e.name.includes('.') ? undefined : parseStateName(e.name);
        // Unknown: evaluate() says so.
        return s === undefined ? { code: [bail], ref: 'null' } : { code: [], ref: this.constant(fastState(s)) };
      }
      case 'unary': {
        const o = this.emit(e.operand);
        const t = this.temp();
        if (e.op === '!') return { code: [...o.code, `const ${t} = !${truth(o)};`], ref: t, bool: true };
        return { code: [...o.code, `if (typeof ${o.ref} !== 'number') ${bail}`, `const ${t} = ${o.ref} === 0 ? 0 : -${o.ref};`], ref: t };
      }
      case 'binary': {
        const l = this.emit(e.left);
        const r = this.emit(e.right);
        const t = this.temp();
        const both = `typeof ${l.ref} === 'number' && typeof ${r.ref} === 'number'`;
        switch (e.op) {
          case '&&':
          case '||': {
            // The right side runs only when the left does not decide, as in evaluate().
            const decided = e.op === '&&' ? `!${truth(l)}` : truth(l);
            return {
              code: [`let ${t};`, '{', ...l.code, `if (${decided}) ${t} = ${e.op === '||'};`, 'else {', ...r.code, `${t} = ${truth(r)};`, '}', '}'],
              ref: t,
              bool: true,
            };
          }
          case '==':
          case '!=':
            return {
              code: [...l.code, ...r.code, `const ${t}e = ${both} ? ${l.ref} === ${r.ref} : eq(${l.ref}, ${r.ref});`, `if (${t}e === BAIL) ${bail}`,
                `const ${t} = ${e.op === '==' ? '' : '!'}${t}e;`],
              ref: t,
              bool: true,
            };
          case '<':
          case '<=':
          case '>':
          case '>=':
            return {
              code: [...l.code, ...r.code, `let ${t};`, `if (${both}) ${t} = ${l.ref} ${e.op} ${r.ref};`,
                `else { const ${t}o = ord(${l.ref}, ${r.ref}); if (${t}o === BAIL) ${bail} ${t} = ${t}o ${e.op} 0; }`],
              ref: t,
              bool: true,
            };
          case '+':
          case '-':
          case '*':
            // Two integers inline (exact while the result is a safe integer; -0 is 0); anything else as arith() does it.
            return {
              code: [...l.code, ...r.code, `let ${t};`,
                `if (${both}) { ${t} = ${l.ref} ${e.op} ${r.ref}; if ((${t} | 0) !== ${t} && !Number.isSafeInteger(${t})) ${bail} if (${t} === 0) ${t} = 0; }`,
                `else { ${t} = arith(${JSON.stringify(e.op)}, ${l.ref}, ${r.ref}); if (${t} === BAIL) ${bail} }`],
              ref: t,
            };
          default:
            return { code: [...l.code, ...r.code, `const ${t} = arith(${JSON.stringify(e.op)}, ${l.ref}, ${r.ref});`, `if (${t} === BAIL) ${bail}`], ref: t };
        }
      }
    }
  }
}

/**
 * The expression's truth (C's, as a condition reads it) by the fast path, or
 * BAIL: then `evaluate` answers (and explains an error). The condition becomes
 * one JS function (its own inline caches, the readers called from their own
 * call sites); each name is read where evaluate() would read it.
 */
export function compileFastCondition<S>(expr: CompiledExpression, lookup: FastLookup<S>): (scope: S) => boolean | typeof BAIL {
  const compiler = new FastCompiler({ reader: lookup });
  const root = compiler.emit(expr.root);
  const body = ['return function fastCondition(scope) {', ...root.code, `return ${truth(root)};`, '};'].join('\n');
  // Generated from the parsed expression, never from its text.
  const make = new Function('r', 'c', ...Object.keys(FAST_HELPERS), body) as (...args: unknown[]) => (scope: S) => boolean | typeof BAIL;
  return make(compiler.readers, compiler.constants, ...Object.values(FAST_HELPERS));
}

/**
 * The condition as statements for a bigger generated function (which has the
 * FAST_HELPERS in scope by name, and `constants` as the array returned here):
 * they set the existing variable `result` to the condition's truth, or run
 * `bail` (a statement that leaves them, e.g. `break L;`) where evaluate() must
 * decide. `prefix` keeps their temporaries apart from the function's own.
 */
export function fastConditionCode(expr: CompiledExpression, names: FastSourceLookup, options: { result: string; bail: string; prefix: string; constants: string }): { code: string[]; constants: FastValue[] } {
  const compiler = new FastCompiler<never>({ source: names }, options);
  const root = compiler.emit(expr.root);
  return { code: ['{', ...root.code, `${options.result} = ${truth(root)};`, '}'], constants: compiler.constants };
}
