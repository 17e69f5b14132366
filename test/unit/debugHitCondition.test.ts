// VS Code's hit-count box, read as js-debug reads it
// (src/adapter/breakpoints/conditions/hitCount.ts): a bare N is "on hit N".
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseHitCondition } from '../../src/debug/hitCondition';

/** The hits (1..20) on which the breakpoint stops. */
function stopsOn(text: string): number[] {
  const r = parseHitCondition(text);
  assert.ok(r.ok, `${text}: ${r.ok ? '' : r.message}`);
  return Array.from({ length: 20 }, (_, i) => i + 1).filter(r.predicate);
}

describe('hit conditions', () => {
  const cases: [string, number[]][] = [
    ['5', [5]],
    ['== 3', [3]],
    ['=3', [3]],
    ['===3', [3]],
    ['> 17', [18, 19, 20]],
    ['>= 18', [18, 19, 20]],
    ['< 4', [1, 2, 3]],
    ['<=2', [1, 2]],
    ['% 5', [5, 10, 15, 20]],
    ['%1', Array.from({ length: 20 }, (_, i) => i + 1)],
    ['  >=   19  ', [19, 20]],
  ];
  for (const [text, hits] of cases) {
    test(`${JSON.stringify(text)} stops on hits ${hits.length > 5 ? 'every hit' : hits.join(', ')}`, () => assert.deepEqual(stopsOn(text), hits));
  }

  test('a bare number stops on that hit only, as js-debug (not >= as the old chrome-debug-core did)', () => {
    assert.deepEqual(stopsOn('1'), [1]);
    assert.deepEqual(stopsOn('0'), [], 'hits count from 1: hit 0 never comes');
  });

  test('anything else is refused with a message that shows the syntax', () => {
    for (const text of ['', 'abc', '!= 3', '>= -1', '5.5', '>=', '1e3', '> > 2', '=> 3', '99999999999999999999']) {
      const r = parseHitCondition(text);
      assert.ok(!r.ok, text);
      assert.equal(r.message, `invalid hit count '${text}': expected a number N (stop on hit N), or ==, >, >=, <, <= or % followed by N (e.g. '>= 10', '% 5')`);
    }
  });

  test("'% 0', which could never stop, is refused", () => {
    const r = parseHitCondition('% 0');
    assert.ok(!r.ok && r.message === "invalid hit count '% 0': '% 0' would never stop; use '% 1' to stop on every hit");
  });
});
