// Reads the functions a Lua library registers without running it. Redis runs
// the library's top level once (Lua 5.1) and records every
// redis.register_function call, positional:
//   redis.register_function('name', callback)
// or with a table:
//   redis.register_function{function_name='name', callback=…, flags={'no-writes'}, description='…'}
// A replica cannot run Lua, so this lexes the source (comments, short and long
// strings with Lua 5.1 escapes, block keywords) and reads the literal
// arguments of those calls. Whatever it cannot be sure of — a computed name, a
// call inside a block that may run zero or many times, an unknown flag — makes
// the result uncertain; the library's code is kept either way.
import type { Bytes } from '../values';

type Token =
  | { t: 'name'; v: string }
  | { t: 'string'; v: Bytes }
  | { t: 'sym'; v: string }
  | { t: 'other' };

/** scripts_flags_def order: FUNCTION LIST shows flags in this order. */
export const FUNCTION_FLAGS = ['no-writes', 'allow-oom', 'allow-stale', 'no-cluster', 'allow-cross-slot-keys'];

export interface ScannedFunction {
  name: string;
  flags: string[];
  description: Bytes | null;
}

export interface ScanResult {
  functions: ScannedFunction[];
  /** Why the list may be incomplete or wrong; null when every call was read for sure. */
  uncertain: string | null;
}

const isNameStart = (c: string): boolean => /[A-Za-z_]/.test(c);
const isNameChar = (c: string): boolean => /[A-Za-z0-9_]/.test(c);

/** `[` followed by `=`* and `[` at i: the level, or -1. */
function longBracketLevel(src: string, i: number): number {
  if (src[i] !== '[') return -1;
  let j = i + 1;
  while (src[j] === '=') j++;
  return src[j] === '[' ? j - i - 1 : -1;
}

/** Skips a long bracket opened at i; returns [content, next index]. */
function readLong(src: string, i: number, level: number): [string, number] {
  let start = i + level + 2;
  if (src[start] === '\r' || src[start] === '\n') start++; // Lua drops a first newline
  const close = ']' + '='.repeat(level) + ']';
  const end = src.indexOf(close, start);
  if (end === -1) return [src.slice(start), src.length];
  return [src.slice(start, end), end + close.length];
}

const ESC: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

function readShort(src: string, i: number): [Bytes, number] {
  const q = src[i]!;
  let out = '';
  let j = i + 1;
  while (j < src.length && src[j] !== q) {
    const c = src[j]!;
    if (c === '\n') break; // unfinished string: Lua errors, we stop
    if (c !== '\\') {
      out += c;
      j++;
      continue;
    }
    const e = src[j + 1] ?? '';
    if (ESC[e] !== undefined) {
      out += ESC[e];
      j += 2;
    } else if (/[0-9]/.test(e)) {
      let k = j + 1;
      let n = 0;
      while (k < j + 4 && /[0-9]/.test(src[k] ?? '')) n = n * 10 + Number(src[k++]);
      out += String.fromCharCode(n & 0xff);
      j = k;
    } else {
      out += e; // \\, \", \', \newline and any other character stand for themselves in 5.1
      j += 2;
    }
  }
  return [out, j + 1];
}

function lex(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (c === '-' && src[i + 1] === '-') {
      const level = longBracketLevel(src, i + 2);
      if (level >= 0) i = readLong(src, i + 2, level)[1];
      else while (i < src.length && src[i] !== '\n') i++;
    } else if (/\s/.test(c)) {
      i++;
    } else if (c === '"' || c === "'") {
      const [v, next] = readShort(src, i);
      out.push({ t: 'string', v });
      i = next;
    } else if (longBracketLevel(src, i) >= 0) {
      const [v, next] = readLong(src, i, longBracketLevel(src, i));
      out.push({ t: 'string', v });
      i = next;
    } else if (isNameStart(c)) {
      let j = i + 1;
      while (j < src.length && isNameChar(src[j]!)) j++;
      out.push({ t: 'name', v: src.slice(i, j) });
      i = j;
    } else if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(src[i + 1] ?? ''))) {
      let j = i + 1;
      while (j < src.length && (/[0-9A-Za-z_.]/.test(src[j]!) || (/[eEpP]/.test(src[j - 1]!) && /[+-]/.test(src[j]!)))) j++;
      out.push({ t: 'other' });
      i = j;
    } else {
      const three = src.slice(i, i + 3);
      const two = src.slice(i, i + 2);
      const sym = three === '...' ? three : ['..', '==', '~=', '<=', '>='].includes(two) ? two : c;
      out.push({ t: 'sym', v: sym });
      i += sym.length;
    }
  }
  return out;
}

const OPENERS = new Set(['function', 'if', 'do', 'repeat']);
const CLOSERS = new Set(['end', 'until']);
const PAIRS: Record<string, string> = { '(': ')', '{': '}', '[': ']' };

class Scanner {
  pos = 0;
  constructor(readonly toks: Token[]) {}

  peek(k = 0): Token | undefined {
    return this.toks[this.pos + k];
  }

  isSym(v: string, k = 0): boolean {
    const t = this.peek(k);
    return t?.t === 'sym' && t.v === v;
  }

  /** Skips one expression inside a call or table: up to `,` `;` or the closing bracket at depth 0. */
  skipExpression(): void {
    const stack: string[] = [];
    let blocks = 0;
    for (let t = this.peek(); t; t = this.peek()) {
      if (t.t === 'sym') {
        if (stack.length === 0 && blocks === 0 && [',', ';', ')', '}', ']'].includes(t.v)) return;
        if (PAIRS[t.v]) stack.push(PAIRS[t.v]!);
        else if (stack.length && t.v === stack[stack.length - 1]) stack.pop();
      } else if (t.t === 'name') {
        if (OPENERS.has(t.v)) blocks++;
        else if (CLOSERS.has(t.v)) blocks--;
      }
      this.pos++;
    }
  }
}

function validName(s: string): boolean {
  return /^[A-Za-z0-9_]+$/.test(s);
}

/** Scans a library body (the code after the #! line is fine too: it is a comment-free line of Lua only by accident). */
export function scanLibrary(code: Bytes): ScanResult {
  const s = new Scanner(lex(code));
  const functions: ScannedFunction[] = [];
  const doubts: string[] = [];
  let blocks = 0;
  while (s.pos < s.toks.length) {
    const t = s.peek()!;
    if (t.t === 'name' && OPENERS.has(t.v)) blocks++;
    else if (t.t === 'name' && CLOSERS.has(t.v)) blocks--;
    const isCall = t.t === 'name' && t.v === 'redis' && s.isSym('.', 1) && s.peek(2)?.t === 'name' && (s.peek(2) as { v: string }).v === 'register_function';
    if (!isCall) {
      s.pos++;
      continue;
    }
    s.pos += 3;
    if (blocks > 0) doubts.push('a redis.register_function call inside a block (it may run any number of times)');
    const f = readCall(s, doubts);
    if (f) functions.push(f);
  }
  if (functions.length === 0 && doubts.length === 0) doubts.push('no redis.register_function call with a literal name was found');
  return { functions, uncertain: doubts.length ? doubts[0]! : null };
}

function readCall(s: Scanner, doubts: string[]): ScannedFunction | null {
  if (s.isSym('{')) return readTable(s, doubts);
  if (!s.isSym('(')) {
    doubts.push('a redis.register_function call whose arguments could not be read');
    return null;
  }
  s.pos++;
  if (s.isSym('{')) return readTable(s, doubts);
  const first = s.peek();
  if (first?.t === 'string' && s.isSym(',', 1)) {
    s.pos++;
    if (!validName(first.v)) doubts.push(`a function name that is not valid: '${first.v}'`);
    return { name: first.v, flags: [], description: null };
  }
  doubts.push('a redis.register_function call whose name is computed at run time');
  return null;
}

/** `{ function_name = '…', callback = …, flags = {…}, description = '…' }` */
function readTable(s: Scanner, doubts: string[]): ScannedFunction | null {
  s.pos++; // {
  let name: string | null = null;
  let flags: string[] = [];
  let description: Bytes | null = null;
  let ok = true;
  while (s.peek() && !s.isSym('}')) {
    const key = s.peek();
    if (key?.t === 'name' && s.isSym('=', 1)) {
      s.pos += 2;
      const v = s.peek();
      const ends = (k: number): boolean => s.isSym(',', k) || s.isSym(';', k) || s.isSym('}', k);
      if (key.v === 'function_name' && v?.t === 'string' && ends(1)) {
        name = v.v;
        s.pos++;
      } else if (key.v === 'description' && v?.t === 'string' && ends(1)) {
        description = v.v;
        s.pos++;
      } else if (key.v === 'description' && v?.t === 'name' && v.v === 'nil' && ends(1)) {
        s.pos++;
      } else if (key.v === 'flags' && s.isSym('{')) {
        const read = readFlags(s);
        if (read) flags = read;
        else ok = false;
      } else if (key.v === 'callback') {
        s.skipExpression();
      } else {
        ok = false;
        s.skipExpression();
      }
    } else {
      ok = false;
      s.skipExpression();
    }
    if (s.isSym(',') || s.isSym(';')) s.pos++;
    else if (!s.isSym('}')) break;
  }
  if (!ok || name === null) {
    doubts.push('a redis.register_function table whose fields are not all literal');
    return null;
  }
  if (!validName(name)) doubts.push(`a function name that is not valid: '${name}'`);
  return { name, flags: FUNCTION_FLAGS.filter((f) => flags.includes(f)), description };
}

function readFlags(s: Scanner): string[] | null {
  s.pos++; // {
  const flags: string[] = [];
  while (s.peek()?.t === 'string') {
    const f = (s.peek() as { v: string }).v;
    if (!FUNCTION_FLAGS.includes(f)) return null;
    flags.push(f);
    s.pos++;
    if (s.isSym(',') || s.isSym(';')) s.pos++;
  }
  if (!s.isSym('}')) return null;
  s.pos++;
  return flags;
}
