// The extension is a thin client of the adapter (DESIGN principle 12): what it
// loads at run time never reaches the session, the shell or the engine's
// stepping, which run in the adapter's own process. A value import that pulled
// them in would put a sync's load back into the extension host; type-only
// imports are erased and do not count.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';

const SRC = path.resolve(__dirname, '../../../src');

/** Relative value imports of a source file, resolved to .ts paths. */
function valueImports(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/^import\s+(?!type\b)[^;]*?from\s+'(\.[^']+)';/gms)) {
    out.push(path.resolve(path.dirname(file), `${m[1]}.ts`));
  }
  return out;
}

test('the extension\'s run-time imports reach no session, shell, socket or engine stepping', () => {
  const seen = new Set<string>();
  const todo = fs.readdirSync(path.join(SRC, 'extension')).filter((f) => f.endsWith('.ts')).map((f) => path.join(SRC, 'extension', f));
  while (todo.length > 0) {
    const file = todo.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    todo.push(...valueImports(file).filter((f) => fs.existsSync(f)));
  }
  const reached = [...seen].map((f) => path.relative(SRC, f));
  const forbidden = reached.filter((f) => f === path.join('debug', 'session.ts') || f.startsWith(`net${path.sep}`) || f === path.join('engine', 'engine.ts') || f === path.join('engine', 'core.ts'));
  assert.deepEqual(forbidden, [], `reached from src/extension: ${reached.sort().join(', ')}`);
  // The check reads what it should: the extension's own files and the pure views it formats with.
  assert.ok(reached.includes(path.join('extension', 'adapterFactory.ts')));
  assert.ok(reached.includes(path.join('engine', 'states.ts')));
});
