// Logpoint templates: text with `{expression}` holes (expression.ts), `{{` and
// `}}` for literal braces. Compiled when the logpoint is set, so a typo is
// reported then (with its column in the template), not on every hit.
import { compile, evaluate, type CompiledExpression } from './expression';
import { formatValue, type Scope } from './values';

export type LogPart = { kind: 'text'; text: string } | { kind: 'expr'; expr: CompiledExpression; column: number };

export interface LogTemplate {
  readonly source: string;
  readonly parts: readonly LogPart[];
}

export type LogCompile = { ok: true; template: LogTemplate } | { ok: false; message: string };

/** Where the `}` closing the hole opened at `open` is, skipping quoted strings; -1 if none. */
function closingBrace(text: string, open: number): number {
  let quote: string | null = null;
  for (let i = open + 1; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === '}') return i;
  }
  return -1;
}

export function compileLogMessage(text: string): LogCompile {
  const parts: LogPart[] = [];
  let literal = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if ((c === '{' || c === '}') && text[i + 1] === c) {
      literal += c;
      i++;
    } else if (c === '}') {
      return { ok: false, message: `unmatched '}' at column ${i + 1} (write '}}' for a literal brace)` };
    } else if (c === '{') {
      const close = closingBrace(text, i);
      if (close === -1) return { ok: false, message: `unterminated '{' at column ${i + 1} (write '{{' for a literal brace)` };
      const compiled = compile(text.slice(i + 1, close));
      if (!compiled.ok) {
        const where = compiled.reason === 'empty expression' ? `in '{}' at column ${i + 1}` : `at column ${i + 1 + compiled.column}`;
        return { ok: false, message: `${compiled.reason} ${where}` };
      }
      if (literal) parts.push({ kind: 'text', text: literal });
      literal = '';
      parts.push({ kind: 'expr', expr: compiled.expr, column: i + 2 });
      i = close;
    } else {
      literal += c;
    }
  }
  if (literal) parts.push({ kind: 'text', text: literal });
  return { ok: true, template: { source: text, parts } };
}

/** The logged line. A hole that fails shows `<error: …>` in place, and the error is listed too. */
export function renderLogMessage(template: LogTemplate, scope: Scope): { text: string; errors: string[] } {
  const errors: string[] = [];
  let text = '';
  for (const p of template.parts) {
    if (p.kind === 'text') {
      text += p.text;
      continue;
    }
    const r = evaluate(p.expr, scope);
    if (r.ok) text += formatValue(r.value);
    else {
      errors.push(`{${p.expr.source}}: ${r.message}`);
      text += `<error: ${r.message}>`;
    }
  }
  return { text, errors };
}
