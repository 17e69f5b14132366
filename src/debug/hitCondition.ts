// VS Code's "hit count" box, as js-debug reads it
// (src/adapter/breakpoints/conditions/hitCount.ts): an optional operator
// (`>`, `>=`, `=`/`==`/`===`, `<`, `<=`, `%`) and a whole number. A bare
// number N means "on hit N" (js-debug defaults the operator to `=`; the older
// vscode-chrome-debug-core read it as `>= N`). `% N` stops on every Nth hit.
// Hits count from 1: the first time the breakpoint is reached is hit 1.
//
// Differences from js-debug, both for the person typing: surrounding
// whitespace is ignored (js-debug's regex is anchored without it), and `% 0`,
// which could never stop, is refused instead of silently never stopping.

export type HitPredicate = (hits: number) => boolean;

export type HitConditionParse = { ok: true; predicate: HitPredicate } | { ok: false; message: string };

const HIT_CONDITION = /^(>=|<=|={1,3}|>|<|%)?\s*([0-9]+)$/;

export function parseHitCondition(text: string): HitConditionParse {
  const m = HIT_CONDITION.exec(text.trim());
  const value = m ? Number(m[2]) : NaN;
  if (!m || !Number.isSafeInteger(value)) {
    return {
      ok: false,
      message: `invalid hit count '${text}': expected a number N (stop on hit N), or ==, >, >=, <, <= or % followed by N (e.g. '>= 10', '% 5')`,
    };
  }
  const op = m[1] ?? '=';
  switch (op) {
    case '>': return { ok: true, predicate: (n) => n > value };
    case '>=': return { ok: true, predicate: (n) => n >= value };
    case '<': return { ok: true, predicate: (n) => n < value };
    case '<=': return { ok: true, predicate: (n) => n <= value };
    case '%':
      if (value === 0) return { ok: false, message: `invalid hit count '${text}': '% 0' would never stop; use '% 1' to stop on every hit` };
      return { ok: true, predicate: (n) => n % value === 0 };
    default: return { ok: true, predicate: (n) => n === value };
  }
}
