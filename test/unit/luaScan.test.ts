// Reading the functions a Lua library registers without running it: literal
// calls in both forms are read exactly; anything run-time dependent is
// reported, never guessed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scanLibrary } from '../../src/keyspace/commands/luaScan';

test('positional calls with single, double and long-bracket names are read', () => {
  const r = scanLibrary(`
redis.register_function('a', function(keys) return 1 end)
redis.register_function("b", cb)
redis.register_function([[c]], function() local x, y = 1, 2 return x end)`);
  assert.deepEqual(r.functions.map((f) => f.name), ['a', 'b', 'c']);
  assert.equal(r.uncertain, null);
});

test('table calls give flags in FUNCTION LIST order and the description, with or without parentheses', () => {
  const r = scanLibrary(`
redis.register_function{function_name='t1', callback=function(k, a) if a then return {1, 2} end end, flags={'allow-stale', 'no-writes'}, description="d\\"q\\65"}
redis.register_function({ callback = function() end; function_name = 't2'; description = nil })`);
  assert.deepEqual(r.functions, [
    { name: 't1', flags: ['no-writes', 'allow-stale'], description: 'd"qA' },
    { name: 't2', flags: [], description: null },
  ]);
  assert.equal(r.uncertain, null);
});

test('calls inside comments and strings are not calls', () => {
  const r = scanLibrary(`
-- redis.register_function('line_comment', f)
--[==[ redis.register_function('long_comment', f) ]==]
local s = "redis.register_function('in_string', f)"
local l = [=[ redis.register_function('in_long_string', f) ]=]
redis.register_function('real', function() return s .. l end)`);
  assert.deepEqual(r.functions.map((f) => f.name), ['real']);
  assert.equal(r.uncertain, null);
});

test('a computed name, a call in a block or an unknown flag make the result uncertain', () => {
  assert.match(scanLibrary(`local n = 'x' redis.register_function(n, function() end)`).uncertain ?? '', /computed at run time/);
  assert.match(scanLibrary(`for i = 1, 2 do redis.register_function('f' .. i, function() end) end`).uncertain ?? '', /inside a block/);
  assert.match(scanLibrary(`redis.register_function{function_name='f', callback=function() end, flags={'fast'}}`).uncertain ?? '', /not all literal/);
  assert.match(scanLibrary(`return 1`).uncertain ?? '', /no redis.register_function call/);
});
