// Tokens and the parser of the condition/watch language, into an AST that is
// evaluated many times (a condition runs on every hit). Errors carry the
// 1-based column a person sees in the breakpoint box.
import type { Value } from './values';

export type BinaryOp = '||' | '&&' | '==' | '!=' | '<' | '<=' | '>' | '>=' | '+' | '-' | '*' | '/' | '%';

/** Offsets into the source, 0-based, end exclusive. */
export interface Span { start: number; end: number }

export type Expr =
  | { kind: 'literal'; value: Value; span: Span }
  /** A variable (`repl_transfer_read`, dotted `master.reploff`) or a bare state name (`TRANSFER`). */
  | { kind: 'name'; name: string; span: Span }
  | { kind: 'unary'; op: '-' | '!'; operand: Expr; span: Span }
  | { kind: 'binary'; op: BinaryOp; left: Expr; right: Expr; span: Span };

type Token =
  | { kind: 'int'; value: bigint; start: number; end: number }
  | { kind: 'float'; value: number; start: number; end: number }
  | { kind: 'string'; value: string; start: number; end: number }
  | { kind: 'name'; value: string; start: number; end: number }
  | { kind: 'op'; value: string; start: number; end: number }
  | { kind: 'end'; start: number; end: number };

export class ParseFailure {
  constructor(readonly reason: string, readonly offset: number) {}
}

const OPERATORS = ['==', '!=', '<=', '>=', '&&', '||', '<', '>', '!', '+', '-', '*', '/', '%', '(', ')'];
const ESCAPES: Readonly<Record<string, string>> = { n: '\n', r: '\r', t: '\t', '\\': '\\', "'": "'", '"': '"' };

function describe(t: Token, source: string): string {
  return t.kind === 'end' ? 'end of expression' : `'${source.slice(t.start, t.end)}'`;
}

function lex(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const start = i;
    const num = /^\d+(\.\d+)?/.exec(source.slice(i));
    if (num) {
      i += num[0].length;
      if (/^[A-Za-z_]/.test(source.slice(i))) throw new ParseFailure(`unexpected '${source[i]}' after the number`, i);
      tokens.push(num[1] ? { kind: 'float', value: Number(num[0]), start, end: i } : { kind: 'int', value: BigInt(num[0]), start, end: i });
      continue;
    }
    const name = /^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*/.exec(source.slice(i));
    if (name) {
      i += name[0].length;
      tokens.push({ kind: 'name', value: name[0], start, end: i });
      continue;
    }
    if (c === "'" || c === '"') {
      let value = '';
      for (i++; source[i] !== c; i++) {
        if (i >= source.length) throw new ParseFailure(`unterminated string`, start);
        if (source[i] === '\\' && i + 1 < source.length) value += ESCAPES[source[++i]!] ?? source[i];
        else value += source[i];
      }
      tokens.push({ kind: 'string', value, start, end: ++i });
      continue;
    }
    const op = OPERATORS.find((o) => source.startsWith(o, i));
    if (!op) {
      const hint = c === '=' ? " (use '==' to compare)" : c === '&' || c === '|' ? ` (use '${c}${c}')` : '';
      throw new ParseFailure(`unexpected '${c}'${hint}`, i);
    }
    i += op.length;
    tokens.push({ kind: 'op', value: op, start, end: i });
  }
  tokens.push({ kind: 'end', start: source.length, end: source.length });
  return tokens;
}

/** Binary operators by precedence, loosest first (C's order). */
const LEVELS: readonly (readonly BinaryOp[])[] = [['||'], ['&&'], ['==', '!='], ['<', '<=', '>', '>='], ['+', '-'], ['*', '/', '%']];
/** Deep enough for any real condition, shallow enough to never overflow the stack. */
const MAX_DEPTH = 100;

class Parser {
  private at = 0;
  private depth = 0;

  constructor(private readonly source: string, private readonly tokens: Token[]) {}

  parse(): Expr {
    const e = this.binary(0);
    const t = this.peek();
    if (t.kind !== 'end') throw new ParseFailure(`unexpected ${describe(t, this.source)}`, t.start);
    return e;
  }

  private peek(): Token {
    return this.tokens[this.at]!;
  }

  private isOp(value: string): boolean {
    const t = this.peek();
    return t.kind === 'op' && t.value === value;
  }

  private binary(level: number): Expr {
    if (level === LEVELS.length) return this.unary();
    let left = this.binary(level + 1);
    for (;;) {
      const op = LEVELS[level]!.find((o) => this.isOp(o));
      if (!op) return left;
      this.at++;
      const right = this.binary(level + 1);
      left = { kind: 'binary', op, left, right, span: { start: left.span.start, end: right.span.end } };
    }
  }

  private unary(): Expr {
    const t = this.peek();
    if (t.kind === 'op' && (t.value === '-' || t.value === '!')) {
      this.at++;
      const operand = this.nested(() => this.unary());
      return { kind: 'unary', op: t.value, operand, span: { start: t.start, end: operand.span.end } };
    }
    return this.primary();
  }

  private nested(parse: () => Expr): Expr {
    if (++this.depth > MAX_DEPTH) throw new ParseFailure(`expression nested too deeply`, this.peek().start);
    const e = parse();
    this.depth--;
    return e;
  }

  private primary(): Expr {
    const t = this.peek();
    const span = { start: t.start, end: t.end };
    switch (t.kind) {
      case 'int': case 'float': case 'string':
        this.at++;
        return { kind: 'literal', value: t.kind === 'int' ? { type: 'int', value: t.value } : t.kind === 'float' ? { type: 'float', value: t.value } : { type: 'string', value: t.value }, span };
      case 'name':
        this.at++;
        if (t.value === 'true' || t.value === 'false') return { kind: 'literal', value: { type: 'bool', value: t.value === 'true' }, span };
        if (t.value === 'null') return { kind: 'literal', value: { type: 'null' }, span };
        return { kind: 'name', name: t.value, span };
      case 'op':
        if (t.value === '(') {
          this.at++;
          const inner = this.nested(() => this.binary(0));
          const close = this.peek();
          if (!this.isOp(')')) {
            throw new ParseFailure(`expected ')' to close the '(' at column ${t.start + 1}, found ${describe(close, this.source)}`, close.start);
          }
          this.at++;
          return { ...inner, span: { start: t.start, end: close.end } };
        }
        throw new ParseFailure(`unexpected ${describe(t, this.source)}`, t.start);
      case 'end':
        throw new ParseFailure(`unexpected end of expression`, t.start);
    }
  }
}

/** Parses or throws ParseFailure (caught by compile()). */
export function parseExpression(source: string): Expr {
  return new Parser(source, lex(source)).parse();
}
