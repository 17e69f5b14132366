// ARGREP's RE matching as Redis's vendored TRE decides it. Whether a value
// matches (REG_NOSUB: no positions) is one of two things in TRE, chosen from
// the tree's shape at compile time:
// - a literal fast path for patterns that are only bytes (optionally one
//   alternation of byte strings, optionally anchored by ^ and $): substring,
//   prefix, suffix or whole-value comparison, case-folded under NOCASE;
// - otherwise its position automaton, built and simulated here as TRE does,
//   linear in pattern × value like TRE's parallel matcher (a JS RegExp would
//   backtrack, and would not read ^, $, \b, \< or \> as TRE does).
// The two differ on real inputs, and Redis answers with whichever applies:
// "$" holds before a NUL byte in the automaton (TRE reads NUL as the end) but
// not in the fast path; an escaped letter ignores NOCASE in the automaton but
// not in the fast path. Both are reproduced.
import type { Bytes } from '../values';
import { isWordChar, parseRegex, RegexUnsupported, toLower, type Assertion, type ReNode } from './arraysRegexParse';

export { RegexError, RegexUnsupported } from './arraysRegexParse';

export interface CompiledRegex {
  hasBackrefs: boolean;
  test(value: Bytes): boolean;
}

/** Compiles as tre_regncompb does; throws RegexError (TRE's refusal) or RegexUnsupported. */
export function compileRegex(pattern: Bytes, icase: boolean): CompiledRegex {
  const { tree, hasBackrefs } = parseRegex(pattern, icase);
  if (hasBackrefs) return { hasBackrefs, test: () => false };
  const fast = literalPlan(tree, icase);
  if (fast !== null) return { hasBackrefs, test: (v) => fast.test(v) };
  const nfa = new Nfa(tree);
  return { hasBackrefs, test: (v) => nfa.test(v) };
}

// ---- the literal fast path (tre_litopt_try_compile) ---------------------------

type LiteralMode = 'exact' | 'prefix' | 'suffix' | 'contains';

class LiteralMatcher {
  constructor(private readonly mode: LiteralMode, private readonly literals: string[], private readonly fold: boolean) {}

  test(v: Bytes): boolean {
    const hay = this.fold ? foldAscii(v) : v;
    for (const lit of this.literals) {
      switch (this.mode) {
        case 'exact': if (hay === lit) return true; break;
        case 'prefix': if (hay.startsWith(lit)) return true; break;
        case 'suffix': if (hay.endsWith(lit)) return true; break;
        case 'contains': if (hay.includes(lit)) return true; break;
      }
    }
    return false;
  }
}

function foldAscii(s: string): string {
  return /[A-Z]/.test(s) ? s.replace(/[A-Z]+/g, (m) => m.toLowerCase()) : s;
}

function simpleByte(n: ReNode): number | null {
  return n.t === 'lit' && n.min === n.max && n.min >= 0 && n.min <= 255 ? n.min : null;
}

/** Under NOCASE, a union of the two cases of one letter counts as that (folded) byte. */
function icaseByte(n: ReNode, icase: boolean): number | null {
  if (!icase || n.t !== 'union') return null;
  const a = simpleByte(n.l), b = simpleByte(n.r);
  if (a === null || b === null || toLower(a) !== toLower(b)) return null;
  return toLower(a);
}

function flatten(n: ReNode, kind: 'cat' | 'union', icase: boolean, out: ReNode[]): void {
  if (n.t === kind && !(kind === 'union' && icaseByte(n, icase) !== null)) {
    flatten(n.l, kind, icase, out);
    flatten(n.r, kind, icase, out);
  } else out.push(n);
}

/** The node's bytes if it is a concatenation of plain bytes (or case pairs); null otherwise. */
function literalBytes(n: ReNode, icase: boolean, out: number[]): boolean {
  if (n.t === 'cat') return literalBytes(n.l, icase, out) && literalBytes(n.r, icase, out);
  const b = simpleByte(n);
  if (b !== null) {
    out.push(icase ? toLower(b) : b);
    return true;
  }
  const f = icaseByte(n, icase);
  if (f === null) return false;
  out.push(f);
  return true;
}

function literalPlan(tree: ReNode, icase: boolean): LiteralMatcher | null {
  const pieces: ReNode[] = [];
  flatten(tree, 'cat', icase, pieces);
  let first = 0, last = pieces.length;
  const isAssert = (n: ReNode | undefined, a: Assertion): boolean => n !== undefined && n.t === 'assert' && n.a === a;
  if (isAssert(pieces[first], 'bol')) first++;
  if (first < last && isAssert(pieces[last - 1], 'eol')) last--;
  if (first === last) return null;
  const literals: string[] = [];
  const text = (bytes: number[]): string => String.fromCharCode(...bytes);
  if (last - first === 1) {
    const alts: ReNode[] = [];
    flatten(pieces[first]!, 'union', icase, alts);
    for (const alt of alts) {
      const bytes: number[] = [];
      if (!literalBytes(alt, icase, bytes) || bytes.length === 0) return null;
      literals.push(text(bytes));
    }
  } else {
    const bytes: number[] = [];
    for (let i = first; i < last; i++) if (!literalBytes(pieces[i]!, icase, bytes)) return null;
    if (bytes.length === 0) return null;
    literals.push(text(bytes));
  }
  const anchoredStart = first > 0, anchoredEnd = last < pieces.length;
  const mode: LiteralMode = anchoredStart && anchoredEnd ? 'exact' : anchoredStart ? 'prefix' : anchoredEnd ? 'suffix' : 'contains';
  return new LiteralMatcher(mode, literals, icase);
}

// ---- the automaton (TRE's position automaton) ----------------------------------------
//
// TRE compiles to a position automaton: one state per literal, transitions
// from the last positions of each concatenation's left side to the first
// positions of its right side (and around each unbounded loop), plus a final
// dummy position. An assertion (^, $, \b…) is not a state: it rides on those
// position lists, and only along the one empty path TRE picks through a
// subexpression that can match empty (the left branch of a union if it can).
// So "(\<.?|)" does not match "": TRE's empty path is the \< branch. This is
// that construction (tre_expand_ast, tre_compute_npfl, tre_match_empty,
// tre_ast_to_tnfa) and its parallel simulation, written from their semantics.

/** More positions or transitions than these and the pattern is refused rather than risk the replica's memory. */
const MAX_POSITIONS = 20_000;
const MAX_TRANSITIONS = 2_000_000;

const A_BOL = 1, A_EOL = 2, A_BOW = 4, A_EOW = 8, A_WB = 16, A_WB_NEG = 32;
const ASSERT_BITS: Record<Assertion, number> = { bol: A_BOL, eol: A_EOL, bow: A_BOW, eow: A_EOW, wb: A_WB, 'wb-neg': A_WB_NEG };

/** Whether every assertion in `mask` holds between prev and next at pos (TRE's CHECK_ASSERTIONS, no REG_NEWLINE; a NUL byte reads as the end). */
function holds(mask: number, pos: number, prev: number, next: number): boolean {
  if (mask & A_BOL && pos > 0) return false;
  if (mask & A_EOL && next !== 0) return false;
  if (mask & A_BOW && (isWordChar(prev) || !isWordChar(next))) return false;
  if (mask & A_EOW && (!isWordChar(prev) || isWordChar(next))) return false;
  if (mask & A_WB && pos !== 0 && next !== 0 && isWordChar(prev) === isWordChar(next)) return false;
  if (mask & A_WB_NEG && (pos === 0 || next === 0 || isWordChar(prev) !== isWordChar(next))) return false;
  return true;
}

/** The tree after iteration expansion: positions numbered, only ?, * and + iterations left. */
type XNode =
  | { t: 'pos'; pos: number }
  | { t: 'zero'; asserts: number }
  | { t: 'cat'; l: XNode; r: XNode }
  | { t: 'union'; l: XNode; r: XNode }
  | { t: 'iter'; n: XNode; min: number; max: number };

interface Entry {
  pos: number;
  asserts: number;
}

interface Info {
  nullable: boolean;
  first: Entry[];
  last: Entry[];
}

class Nfa {
  /** Each position's byte range (16-bit, as TRE's transitions hold it). */
  private readonly lo: number[] = [];
  private readonly hi: number[] = [];
  private readonly trans: Entry[][] = [];
  private transCount = 0;
  private readonly initial: Entry[];
  private readonly final: number;

  constructor(tree: ReNode) {
    const expanded = this.expand(tree);
    this.final = this.newPos(0, 0);
    const root: XNode = { t: 'cat', l: expanded, r: { t: 'pos', pos: this.final } };
    const info = new Map<XNode, Info>();
    this.initial = this.compute(root, info).first;
    this.link(root, info);
  }

  private newPos(lo: number, hi: number): number {
    if (this.lo.length >= MAX_POSITIONS) throw new RegexUnsupported(`the pattern expands to more than ${MAX_POSITIONS} positions, more than this replica will build`);
    this.lo.push(lo > 255 ? lo & 0xffff : lo);
    this.hi.push(hi > 255 ? hi & 0xffff : hi);
    this.trans.push([]);
    return this.lo.length - 1;
  }

  /** Copies the tree with fresh positions, unrolling {m,n} as tre_expand_ast does. */
  private expand(n: ReNode): XNode {
    switch (n.t) {
      case 'lit': return { t: 'pos', pos: this.newPos(n.min, n.max) };
      case 'empty': case 'backref': return { t: 'zero', asserts: 0 };
      case 'assert': return { t: 'zero', asserts: ASSERT_BITS[n.a] };
      case 'cat': return { t: 'cat', l: this.expand(n.l), r: this.expand(n.r) };
      case 'union': return { t: 'union', l: this.expand(n.l), r: this.expand(n.r) };
      case 'iter': {
        if (n.min <= 1 && n.max <= 1) return { t: 'iter', n: this.expand(n.n), min: n.min, max: n.max };
        let seq1: XNode | null = null;
        for (let j = 0; j < n.min; j++) {
          const copy = this.expand(n.n);
          seq1 = seq1 === null ? copy : { t: 'cat', l: seq1, r: copy };
        }
        let seq2: XNode | null = null;
        if (n.max === -1) seq2 = { t: 'iter', n: this.expand(n.n), min: 0, max: -1 };
        else {
          for (let j = n.min; j < n.max; j++) {
            const copy = this.expand(n.n);
            seq2 = { t: 'iter', n: seq2 === null ? copy : { t: 'cat', l: copy, r: seq2 }, min: 0, max: 1 };
          }
        }
        if (seq1 === null) return seq2!;
        return seq2 === null ? seq1 : { t: 'cat', l: seq1, r: seq2 };
      }
    }
  }

  /** The assertions on the empty path TRE prefers through a node that can match empty. */
  private emptyPath(n: XNode, info: Map<XNode, Info>): number {
    switch (n.t) {
      case 'zero': return n.asserts;
      case 'pos': return 0;
      case 'union': return info.get(n.l)!.nullable ? this.emptyPath(n.l, info) : this.emptyPath(n.r, info);
      case 'cat': return this.emptyPath(n.l, info) | this.emptyPath(n.r, info);
      case 'iter': return info.get(n.n)!.nullable ? this.emptyPath(n.n, info) : 0;
    }
  }

  private compute(n: XNode, info: Map<XNode, Info>): Info {
    let r: Info;
    switch (n.t) {
      case 'pos': {
        const e = [{ pos: n.pos, asserts: 0 }];
        r = { nullable: false, first: e, last: e };
        break;
      }
      case 'zero':
        r = { nullable: true, first: [], last: [] };
        break;
      case 'union': {
        const a = this.compute(n.l, info), b = this.compute(n.r, info);
        r = { nullable: a.nullable || b.nullable, first: [...a.first, ...b.first], last: [...a.last, ...b.last] };
        break;
      }
      case 'iter': {
        const a = this.compute(n.n, info);
        r = { nullable: n.min === 0 || a.nullable, first: a.first, last: a.last };
        break;
      }
      case 'cat': {
        const a = this.compute(n.l, info), b = this.compute(n.r, info);
        const first = a.nullable ? [...tagged(b.first, this.emptyPath(n.l, info)), ...a.first] : a.first;
        const last = b.nullable ? [...tagged(a.last, this.emptyPath(n.r, info)), ...b.last] : b.last;
        r = { nullable: a.nullable && b.nullable, first, last };
        break;
      }
    }
    info.set(n, r);
    return r;
  }

  private connect(from: Entry[], to: Entry[]): void {
    for (const p1 of from) {
      for (const p2 of to) {
        if (++this.transCount > MAX_TRANSITIONS) throw new RegexUnsupported(`the pattern needs more than ${MAX_TRANSITIONS} transitions, more than this replica will build`);
        this.trans[p1.pos]!.push({ pos: p2.pos, asserts: p1.asserts | p2.asserts });
      }
    }
  }

  private link(n: XNode, info: Map<XNode, Info>): void {
    switch (n.t) {
      case 'union':
        this.link(n.l, info);
        this.link(n.r, info);
        break;
      case 'cat':
        this.connect(info.get(n.l)!.last, info.get(n.r)!.first);
        this.link(n.l, info);
        this.link(n.r, info);
        break;
      case 'iter':
        if (n.max === -1) {
          const a = info.get(n.n)!;
          this.connect(a.last, a.first);
        }
        this.link(n.n, info);
        break;
      default:
        break;
    }
  }

  test(v: Bytes): boolean {
    const seen = new Int32Array(this.lo.length).fill(-1);
    let reach: number[] = [];
    let next: number[] = [];
    for (let pos = 0; ; pos++) {
      const prev = pos > 0 ? v.charCodeAt(pos - 1) : 0;
      const nextChar = pos < v.length ? v.charCodeAt(pos) : 0;
      for (const e of this.initial) {
        if (seen[e.pos] === pos || !holds(e.asserts, pos, prev, nextChar)) continue;
        if (e.pos === this.final) return true;
        seen[e.pos] = pos;
        reach.push(e.pos);
      }
      if (pos >= v.length) return false;
      const c = nextChar;
      const after = pos + 1 < v.length ? v.charCodeAt(pos + 1) : 0;
      next.length = 0;
      for (const p of reach) {
        if (c < this.lo[p]! || c > this.hi[p]!) continue;
        for (const t of this.trans[p]!) {
          if (seen[t.pos] === pos + 1 || !holds(t.asserts, pos + 1, c, after)) continue;
          if (t.pos === this.final) return true;
          seen[t.pos] = pos + 1;
          next.push(t.pos);
        }
      }
      [reach, next] = [next, reach];
    }
  }
}

function tagged(entries: Entry[], asserts: number): Entry[] {
  return asserts === 0 ? entries : entries.map((e) => ({ pos: e.pos, asserts: e.asserts | asserts }));
}
