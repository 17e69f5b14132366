// ARGREP's RE patterns as Redis's vendored TRE reads them (tre_regncompb with
// REG_EXTENDED | REG_NOSUB | REG_USEBYTES [| REG_ICASE], C locale): a parser
// that follows TRE's grammar and builds the same tree, so that both the
// errors (TRE's texts) and the literal fast path TRE picks from the tree's
// shape (arraysRegex.ts) come out as Redis's.
//
// What TRE accepts but this replica will not emulate is refused with a
// RegexUnsupported naming the construct: inline flags and comments ("(?i)",
// "(?#…)"), \Q…\E, approximate-matching bounds ("{~1}", costs), and \x{…}
// codes that TRE stores as negative 16-bit numbers.

/** Node kinds of TRE's parse tree. */
export type ReNode =
  | { t: 'lit'; min: number; max: number; id: number }
  | { t: 'empty'; id: number }
  | { t: 'assert'; a: Assertion; id: number }
  | { t: 'backref'; n: number; id: number }
  | { t: 'cat'; l: ReNode; r: ReNode; id: number }
  | { t: 'union'; l: ReNode; r: ReNode; id: number }
  | { t: 'iter'; n: ReNode; min: number; max: number; id: number };

export type Assertion = 'bol' | 'eol' | 'bow' | 'eow' | 'wb' | 'wb-neg';

/** A pattern TRE refuses: `message` is tre_regerror's text. */
export class RegexError extends Error {
  override name = 'RegexError';
}

/** A pattern TRE takes but this replica cannot match exactly. */
export class RegexUnsupported extends Error {
  override name = 'RegexUnsupported';
}

const E = {
  BADPAT: 'Invalid regexp',
  ECOLLATE: 'Unknown collating element',
  ECTYPE: 'Unknown character class name',
  EESCAPE: 'Trailing backslash',
  ESUBREG: 'Invalid back reference',
  EBRACK: "Missing ']'",
  EPAREN: "Missing ')'",
  EBRACE: "Missing '}'",
  BADBR: 'Invalid contents of {}',
  ERANGE: 'Invalid character range',
  BADRPT: 'Invalid use of repetition operators',
  BADMAX: 'Maximum repetition in {} larger than 255',
};

const RE_DUP_MAX = 255;
const INT_MAX = 2147483647;

// ---- the C locale's <ctype.h> over bytes --------------------------------------

const isUpper = (c: number): boolean => c >= 0x41 && c <= 0x5a;
const isLower = (c: number): boolean => c >= 0x61 && c <= 0x7a;
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const isAlpha = (c: number): boolean => isUpper(c) || isLower(c);
const isAlnum = (c: number): boolean => isAlpha(c) || isDigit(c);
export const toLower = (c: number): number => (isUpper(c) ? c + 32 : c);
export const toUpper = (c: number): number => (isLower(c) ? c - 32 : c);
const isXdigit = (c: number): boolean => isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);

/** The classes TRE knows in this build (no "ascii" or "blank": the vendored config lacks them). */
const CLASSES: Record<string, (c: number) => boolean> = {
  alnum: isAlnum,
  alpha: isAlpha,
  cntrl: (c) => c < 0x20 || c === 0x7f,
  digit: isDigit,
  graph: (c) => c > 0x20 && c < 0x7f,
  lower: isLower,
  print: (c) => c >= 0x20 && c < 0x7f,
  punct: (c) => c > 0x20 && c < 0x7f && !isAlnum(c),
  space: (c) => c === 0x20 || (c >= 0x09 && c <= 0x0d),
  upper: isUpper,
  xdigit: isXdigit,
};

export const isWordChar = (c: number): boolean => c === 0x5f || isAlnum(c);

/** \t, \w and the other backslash macros: a sub-pattern parsed in their place. */
const MACROS: Record<string, string> = {
  t: '\t', n: '\n', r: '\r', f: '\f', a: '\x07', e: '\x1b',
  w: '[[:alnum:]_]', W: '[^[:alnum:]_]', s: '[[:space:]]', S: '[^[:space:]]', d: '[[:digit:]]', D: '[^[:digit:]]',
};

export interface ParsedRegex {
  tree: ReNode;
  hasBackrefs: boolean;
}

export function parseRegex(pattern: string, icase: boolean): ParsedRegex {
  const p = new Parser(pattern, icase);
  const tree = p.parseTop(false);
  if (p.maxBackref > p.submatchId - 1) throw new RegexError(E.ESUBREG);
  return { tree, hasBackrefs: p.maxBackref >= 0 };
}

class Parser {
  pos = 0;
  depth = 0;
  submatchId = 0;
  maxBackref = -1;

  constructor(private readonly re: string, private readonly icase: boolean) {}

  private at(i: number): number {
    return this.re.charCodeAt(i);
  }

  private get end(): number {
    return this.re.length;
  }

  /** The whole pattern; the tree is marked as submatch 0 unless it is a macro's expansion. */
  parseTop(macro: boolean): ReNode {
    const id = macro ? -1 : this.submatchId++;
    let tree = this.parseRe();
    if (!macro) tree = mark(tree, id);
    if (this.depth > 0) throw new RegexError(E.EPAREN);
    return tree;
  }

  /** Branches separated by '|', left-associated; a ')' that closed the group is consumed here. */
  private parseRe(): ReNode {
    let result = this.parseBranch();
    while (this.pos < this.end) {
      const c = this.re[this.pos];
      if (c === '|') {
        this.pos++;
        result = { t: 'union', l: result, r: this.parseBranch(), id: -1 };
      } else {
        if (c === ')') this.pos++;
        break;
      }
    }
    return result;
  }

  private parseBranch(): ReNode {
    let result = this.parsePiece();
    while (this.pos < this.end) {
      const c = this.re[this.pos];
      if (c === '|') break;
      if (c === ')' && this.depth > 0) {
        this.depth--;
        break;
      }
      result = { t: 'cat', l: result, r: this.parsePiece(), id: -1 };
    }
    return result;
  }

  private parsePiece(): ReNode {
    let n = this.parseAtom();
    for (;;) {
      if (this.pos >= this.end) return n;
      const c = this.re[this.pos];
      if (c === '*' || c === '+' || c === '?') {
        const next = this.re[this.pos + 1];
        if (next === '?') this.pos++;
        else if (next === '*' || next === '+') throw new RegexError(E.BADRPT);
        this.pos++;
        n = { t: 'iter', n, min: c === '+' ? 1 : 0, max: c === '?' ? 1 : -1, id: -1 };
      } else if (c === '{') {
        this.pos++;
        n = this.parseBound(n);
      } else return n;
    }
  }

  private parseAtom(): ReNode {
    if (this.pos >= this.end) return { t: 'empty', id: -1 };
    const c = this.re[this.pos]!;
    switch (c) {
      case '(':
        return this.parseGroup();
      case ')':
        if (this.depth > 0) return { t: 'empty', id: -1 };
        return this.literal();
      case '[':
        this.pos++;
        return this.parseBracket();
      case '\\':
        return this.parseEscape();
      case '.':
        this.pos++;
        return { t: 'lit', min: 0, max: 255, id: -1 };
      case '^':
        this.pos++;
        return { t: 'assert', a: 'bol', id: -1 };
      case '$':
        this.pos++;
        return { t: 'assert', a: 'eol', id: -1 };
      case '*': case '|': case '{': case '+': case '?':
        // An atom expected, an operator found: the empty expression.
        return { t: 'empty', id: -1 };
      default:
        return this.literal();
    }
  }

  /** One byte; under REG_ICASE a letter is the union of its two cases. */
  private literal(): ReNode {
    const c = this.at(this.pos++);
    if (this.icase && (isUpper(c) || isLower(c))) {
      return { t: 'union', l: lit(toUpper(c)), r: lit(toLower(c)), id: -1 };
    }
    return lit(c);
  }

  private parseGroup(): ReNode {
    if (this.re[this.pos + 1] === '?') {
      this.pos += 2;
      if (this.pos >= this.end) throw new RegexError(E.BADPAT);
      const c = this.re[this.pos]!;
      if (c === ':') {
        this.pos++;
        this.depth++;
        return this.parseRe();
      }
      if ('inrU-#)'.includes(c)) throw new RegexUnsupported(`inline flags and comments such as '(?${c}' are not supported by this replica`);
      throw new RegexError(E.BADPAT);
    }
    this.depth++;
    this.pos++;
    const id = this.submatchId++;
    return mark(this.parseRe(), id);
  }

  private parseEscape(): ReNode {
    const next = this.re[this.pos + 1];
    const macro = next === undefined ? undefined : MACROS[next];
    if (macro !== undefined) {
      const sub = new Parser(macro, this.icase);
      const tree = sub.parseTop(true);
      this.pos += 2;
      return tree;
    }
    if (this.pos + 1 >= this.end) throw new RegexError(E.EESCAPE);
    if (next === 'Q') throw new RegexUnsupported('\\Q…\\E literal text is not supported by this replica');
    this.pos++;
    const c = this.at(this.pos);
    switch (next) {
      case 'b': this.pos++; return { t: 'assert', a: 'wb', id: -1 };
      case 'B': this.pos++; return { t: 'assert', a: 'wb-neg', id: -1 };
      case '<': this.pos++; return { t: 'assert', a: 'bow', id: -1 };
      case '>': this.pos++; return { t: 'assert', a: 'eow', id: -1 };
      case 'x': return this.parseHex();
    }
    this.pos++;
    if (isDigit(c)) {
      const n = c - 0x30;
      this.maxBackref = Math.max(this.maxBackref, n);
      return { t: 'backref', n, id: -1 };
    }
    // An escaped byte is itself, even under REG_ICASE.
    return lit(c);
  }

  /** \xHH (at most two hex digits, none meaning NUL) or \x{H…} (at most 8). */
  private parseHex(): ReNode {
    this.pos++;
    if (this.pos >= this.end) return lit(0);
    if (this.re[this.pos] !== '{') {
      let digits = '';
      while (digits.length < 2 && this.pos < this.end && isXdigit(this.at(this.pos))) digits += this.re[this.pos++];
      return lit(digits ? parseInt(digits, 16) : 0);
    }
    this.pos++;
    let digits = '';
    while (this.pos < this.end && this.re[this.pos] !== '}') {
      if (!isXdigit(this.at(this.pos)) || digits.length >= 8) throw new RegexError(E.EBRACE);
      digits += this.re[this.pos++];
    }
    if (this.pos >= this.end) throw new RegexError(E.EBRACE);
    this.pos++;
    const v = digits ? parseInt(digits, 16) : 0;
    // TRE's automaton keeps a code in 16 signed bits (\x{10041} matches 'A'); a
    // negative one is a special code there, on which the 2026-06 server hangs.
    if (v > INT_MAX || ((v & 0xffff) ^ 0x8000) - 0x8000 < 0) {
      throw new RegexUnsupported(`\\x{${digits}} is a negative 16-bit code in TRE, on which redis-server hangs`);
    }
    return lit(v);
  }

  /** {min}, {min,}, {,max}, {min,max} after an atom, optionally followed by '?'. */
  private parseBound(n: ReNode): ReNode {
    const start = this.pos;
    let r = this.pos;
    const int = (): number => {
      const from = r;
      let v = 0;
      while (r < this.end && isDigit(this.at(r))) {
        v = Math.min(v * 10 + (this.at(r) - 0x30), INT_MAX + 1);
        r++;
      }
      return r === from ? -1 : Math.min(v, INT_MAX);
    };
    let min = r < this.end && isDigit(this.at(r)) ? int() : -1;
    let max = min;
    if (r < this.end && this.re[r] === ',') {
      if (min < 0) min = 0;
      r++;
      max = int();
    }
    if (max >= 0 && min > max) throw new RegexError(E.BADBR);
    if (min > RE_DUP_MAX || max > RE_DUP_MAX) throw new RegexError(E.BADMAX);
    // TRE then reads approximate-matching settings; commas and spaces between them are skipped.
    const approx = (): never => {
      throw new RegexUnsupported('approximate-matching bounds such as {~1} are not supported by this replica');
    };
    for (let from = -1; from !== r;) {
      from = r;
      for (let done = false; r + 1 < this.end && !done;) {
        const c = this.re[r]!;
        if (c === '+' || c === '-' || c === '#' || c === '~') approx();
        else if (c === ',' || c === ' ') r++;
        else done = true;
      }
      for (let done = false; r + 1 < this.end && !done;) {
        const c = this.re[r]!;
        if (c === '+' || c === ' ') r++;
        else if (c === '<') approx();
        else if (c === ',') {
          r++;
          done = true;
        } else if (isDigit(this.at(r))) {
          int();
          if (r < this.end && 'ids'.includes(this.re[r]!)) approx();
          throw new RegexError(E.BADBR);
        } else done = true;
      }
    }
    if (r >= this.end) throw new RegexError(E.EBRACE);
    if (r === start || this.re[r] !== '}') throw new RegexError(E.BADBR);
    r++;
    if (r < this.end) {
      if (this.re[r] === '?') r++;
      else if (this.re[r] === '*' || this.re[r] === '+') throw new RegexError(E.BADRPT);
    }
    this.pos = r;
    if (min === 0 && max === 0) return { t: 'empty', id: -1 };
    return { t: 'iter', n, min, max, id: -1 };
  }

  /** A bracket expression after its '[': the items, then their union (or its complement over 0…255). */
  private parseBracket(): ReNode {
    let negate = false;
    if (this.re[this.pos] === '^') {
      negate = true;
      this.pos++;
    }
    const first = this.pos;
    const items: [number, number][] = [];
    let re = this.pos;
    for (;;) {
      if (re >= this.end) throw new RegexError(E.EBRACK);
      const c = this.at(re);
      if (c === 0x5d /* ] */ && re > first) {
        re++;
        break;
      }
      let min: number, max: number;
      let expanded = false;
      if (re + 2 < this.end && this.re[re + 1] === '-' && this.re[re + 2] !== ']') {
        min = c;
        max = this.at(re + 2);
        re += 3;
        if (min > max) throw new RegexError(E.ERANGE);
      } else if (re + 1 < this.end && c === 0x5b /* [ */ && (this.re[re + 1] === '.' || this.re[re + 1] === '=')) {
        throw new RegexError(E.ECOLLATE);
      } else if (re + 1 < this.end && c === 0x5b && this.re[re + 1] === ':') {
        const colon = this.re.indexOf(':', re + 2);
        if (colon === -1) throw new RegexError(E.ECTYPE);
        const test = CLASSES[this.re.slice(re + 2, Math.min(colon, re + 2 + 63))];
        if (test === undefined) throw new RegexError(E.ECTYPE);
        if (colon + 2 > this.end) throw new RegexUnsupported('a character class at the very end of the pattern is not supported by this replica');
        this.expandClass(test, items);
        expanded = true;
        re = colon + 2;
        min = 0;
        max = 255;
      } else {
        if (c === 0x2d /* - */ && re + 1 < this.end && this.re[re + 1] !== ']' && re !== first) throw new RegexError(E.ERANGE);
        min = max = c;
        re++;
      }
      if (expanded) continue;
      items.push([min, max]);
      if (this.icase) addOtherCase(min, max, items);
    }
    this.pos = re;
    return negate ? complement(items) : unionOf(items.map(([a, b]) => ({ t: 'lit', min: a, max: b, id: -1 })));
  }

  /** A class as runs of bytes; under REG_ICASE a byte counts when either of its cases is in the class. */
  private expandClass(test: (c: number) => boolean, items: [number, number][]): void {
    let from = -1;
    for (let c = 0; c < 256; c++) {
      const inClass = test(c) || (this.icase && (test(toLower(c)) || test(toUpper(c))));
      if (inClass) {
        if (from < 0) from = c;
      } else if (from >= 0) {
        items.push([from, c - 1]);
        from = -1;
      }
    }
    if (from >= 0) items.push([from, 255]);
  }
}

function lit(c: number): ReNode {
  return { t: 'lit', min: c, max: c, id: -1 };
}

/** A capturing group's (or the whole pattern's) submatch id; a node that already has one is wrapped first. */
function mark(n: ReNode, id: number): ReNode {
  if (n.id >= 0) return { t: 'cat', l: { t: 'empty', id: -1 }, r: n, id };
  n.id = id;
  return n;
}

/** The opposite-case runs of a bracket item, as TRE adds them under REG_ICASE. */
function addOtherCase(min: number, max: number, items: [number, number][]): void {
  let c = min;
  while (c <= max) {
    if (isLower(c)) {
      const lo = toUpper(c++);
      let hi = lo;
      while (isLower(c) && toUpper(c) === hi + 1 && c <= max) hi = toUpper(c++);
      items.push([lo, hi]);
    } else if (isUpper(c)) {
      const lo = toLower(c++);
      let hi = lo;
      while (isUpper(c) && toLower(c) === hi + 1 && c <= max) hi = toLower(c++);
      items.push([lo, hi]);
    } else c++;
  }
}

function unionOf(nodes: ReNode[]): ReNode {
  let node: ReNode | null = null;
  for (const n of nodes) node = node === null ? n : { t: 'union', l: node, r: n, id: -1 };
  return node ?? { t: 'empty', id: -1 };
}

/**
 * TRE's complement of a negated bracket: items sorted by their first byte,
 * the gaps between them, then everything after the last. An item that
 * overlaps the one before extends the end without moving the gap's start,
 * exactly as TRE computes it.
 */
function complement(items: [number, number][]): ReNode {
  const sorted = items.slice().sort((a, b) => a[0] - b[0]);
  const nodes: ReNode[] = [];
  let currMin = 0, currMax = 0;
  for (const [min, max] of sorted) {
    if (min < currMax) {
      currMax = Math.max(max + 1, currMax);
      continue;
    }
    currMax = min - 1;
    if (currMax >= currMin) nodes.push({ t: 'lit', min: currMin, max: currMax, id: -1 });
    currMin = currMax = max + 1;
  }
  nodes.push({ t: 'lit', min: currMin, max: 255, id: -1 });
  return unionOf(nodes);
}
