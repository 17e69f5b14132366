// ARGREP RE beyond what the captured corpus (arrayStream.test.ts) covers: the
// constructs TRE accepts that this replica refuses, each with an error that
// names it, and matching time linear in the value (TRE's parallel matcher is;
// a backtracking engine is exponential on these patterns).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileRegex, RegexUnsupported } from '../../src/keyspace/commands/arraysRegex';
import { runRead } from '../../src/keyspace/commands/registry';
import { Keyspace } from '../../src/keyspace/keyspace';
import { profileById } from '../../src/versions/profiles';

test('inline flags, comments, \\Q…\\E, approximate bounds and negative 16-bit codes are refused, naming the construct', () => {
  const ks = new Keyspace(16, profileById('redis-8.8')!);
  const cases: [string, RegExp][] = [
    ['(?i)a', /inline flags and comments such as '\(\?i'/], ['(?#note)a', /'\(\?#'/], ['\\Qa.b\\E', /\\Q…\\E/],
    ['a{~1}', /approximate-matching bounds/], ['a{ 1i}', /approximate-matching bounds/], ['\\x{fffe}', /negative 16-bit code/],
  ];
  for (const [pattern, why] of cases) {
    assert.throws(() => compileRegex(pattern, false), (e: unknown) => e instanceof RegexUnsupported && why.test(e.message), pattern);
    const r = runRead({ ks, db: 0, now: 0 }, ['ARGREP', 'a', '-', '+', 'RE', pattern]);
    assert.equal(r.type, 'error');
    assert.match(String(r.value), /^ERR ARGREP RE: .*an exact match of Redis's TRE regex cannot be given/);
  }
});

test('matching is linear in the value: nested repetitions over 20000 bytes finish at once', () => {
  const value = 'a'.repeat(20_000);
  for (const p of ['(a|aa)*c', '((a+)+)+c', '(a*)*c', '(a|a)*b', 'a{0,255}a{0,255}c']) {
    assert.equal(compileRegex(p, false).test(value), false, p);
    assert.equal(compileRegex(p, false).test(value + 'c'), !p.endsWith('b'), p);
  }
});
