// The condition/watch language: parse errors with their column, exact 64-bit
// integers, C's arithmetic, state names, and errors as values.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ReplState } from '../../src/engine/states';
import { checkNames, compile, evaluate, referencedNames, type CompiledExpression } from '../../src/debug/expression';
import { formatValue, int, NULL, state, str, toValue, type Scope, type Value } from '../../src/debug/values';

function scopeOf(vars: Record<string, Value>): Scope {
  return { lookup: (name) => vars[name], names: Object.keys(vars) };
}

function compiled(text: string): CompiledExpression {
  const c = compile(text);
  assert.ok(c.ok, `${text}: ${c.ok ? '' : c.message}`);
  return c.expr;
}

/** The value as a watch shows it, or `error: …`. */
function run(text: string, scope: Scope = scopeOf({})): string {
  const r = evaluate(compiled(text), scope);
  return r.ok ? formatValue(r.value, true) : `error: ${r.message}`;
}

function compileError(text: string): string {
  const c = compile(text);
  assert.ok(!c.ok, `${text} compiled`);
  return c.message;
}

describe('compile errors name the column', () => {
  const cases: [string, string][] = [
    ['(1 + 2) * 3)', "unexpected ')' at column 12"],
    ['repl_state = TRANSFER', "unexpected '=' (use '==' to compare) at column 12"],
    ['a & b', "unexpected '&' (use '&&') at column 3"],
    ["master_replid == 'abc", 'unterminated string at column 18'],
    ['1 +', 'unexpected end of expression at column 4'],
    ['(1 + 2', "expected ')' to close the '(' at column 1, found end of expression at column 7"],
    ['1 2', "unexpected '2' at column 3"],
    ['12abc', "unexpected 'a' after the number at column 3"],
    ['x # y', "unexpected '#' at column 3"],
    ['', 'empty expression at column 1'],
    ['   ', 'empty expression at column 1'],
    ['* 3', "unexpected '*' at column 1"],
  ];
  for (const [text, message] of cases) test(`${JSON.stringify(text)} → ${message}`, () => assert.equal(compileError(text), message));

  test('nesting too deep for the parser is an error value, not a stack overflow', () => {
    assert.match(compileError(`${'('.repeat(5000)}1${')'.repeat(5000)}`), /^expression nested too deeply at column \d+$/);
    assert.match(compileError(`${'!'.repeat(5000)}1`), /^expression nested too deeply/);
    assert.equal(run(`${'('.repeat(50)}1${')'.repeat(50)}`), '1');
  });
});

describe('numbers', () => {
  test('integers are exact past 2^53: 64-bit replication offsets compare and add exactly', () => {
    assert.equal(run('9007199254740993 > 9007199254740992'), 'true');
    assert.equal(run('9007199254740993 == 9007199254740992'), 'false');
    const scope = scopeOf({ master_repl_offset: int(2n ** 63n - 2n), 'master.reploff': int(2n ** 63n - 3n) });
    assert.equal(run('master_repl_offset + 1', scope), '9223372036854775807');
    assert.equal(run('master_repl_offset - master.reploff', scope), '1');
    assert.equal(run('master_repl_offset >= 9223372036854775806', scope), 'true');
    assert.equal(run('master_repl_offset * 4', scope), '36893488147419103224', 'no wrap-around: arbitrary precision');
  });

  test('an integer against a float compares exactly, even past 2^53', () => {
    assert.equal(run('9007199254740993 == 9007199254740992.0'), 'false');
    assert.equal(run('9007199254740993 > 9007199254740992.0'), 'true');
    assert.equal(run('3 < 3.5'), 'true');
    assert.equal(run('4 > 3.5'), 'true');
    assert.equal(run('3.0 == 3'), 'true');
  });

  test('/ and % truncate toward zero as C does for long long; a decimal makes it floating-point', () => {
    assert.equal(run('7 / 2'), '3');
    assert.equal(run('-7 / 2'), '-3');
    assert.equal(run('7 % -2'), '1');
    assert.equal(run('-7 % 2'), '-1');
    assert.equal(run('7.0 / 2'), '3.5');
    assert.equal(run('1.5 * 2 + 1'), '4');
    assert.equal(run('2 + 3 * 4 - (1 + 1)'), '12');
    assert.equal(run('-(-3)'), '3');
  });

  test('division by zero is an error that names the divisor', () => {
    assert.equal(run('1 / 0'), 'error: division by zero');
    assert.equal(run('10 % repl_transfer_size', scopeOf({ repl_transfer_size: int(0) })), 'error: division by zero: repl_transfer_size is 0');
  });

  test('a JS number from a scope becomes an exact integer when it is one', () => {
    assert.deepEqual(toValue(5), int(5));
    assert.deepEqual(toValue(2.5), { type: 'float', value: 2.5 });
    assert.deepEqual(toValue(2n ** 64n), int(2n ** 64n));
  });
});

describe('strings, booleans, null and states', () => {
  const scope = scopeOf({
    repl_state: state(ReplState.TRANSFER), master_replid: str('8f3e'), master: NULL, 'master.reploff': NULL,
    masterhost: str('127.0.0.1'),
  });

  test("single and double quotes, escapes, concatenation", () => {
    assert.equal(run(`'it\\'s' + "\\"x\\""`), `'it\\'s"x"'`);
    assert.equal(run(`masterhost == "127.0.0.1"`, scope), 'true');
    assert.equal(run(`'a' < 'b'`), 'true');
  });

  test('repl_state compares with a bare state name, a string naming a state (any case, prefix optional) or its number', () => {
    for (const text of ['repl_state == TRANSFER', 'repl_state == transfer', "repl_state == 'REPL_STATE_TRANSFER'", 'repl_state == "transfer"',
      'repl_state == 11', 'repl_state != CONNECTED', 'TRANSFER == repl_state']) {
      assert.equal(run(text, scope), 'true', text);
    }
    assert.equal(run('repl_state == CONNECTED', scope), 'false');
  });

  test("states order by server.h's values, so the handshake range is a condition", () => {
    assert.equal(run('repl_state > RECEIVE_PSYNC_REPLY', scope), 'true');
    assert.equal(run('repl_state >= RECEIVE_PING_REPLY && repl_state <= RECEIVE_PSYNC_REPLY', scope), 'false');
  });

  test('a string that names no state is an error listing the states', () => {
    assert.match(run("repl_state == 'syncing'", scope), /^error: string 'syncing' is not a replication state; states: NONE, CONNECT, .*, CONNECTED, RDB_CH_NONE, .*, DUAL_CHANNEL_RDB_LOADED$/);
  });

  test('comparing unrelated types is an error naming both sides, not false', () => {
    assert.equal(run('master_replid == 5', scope), "error: cannot compare string '8f3e' (master_replid) with integer 5");
    assert.equal(run("'x' - 1"), "error: '-' needs two numbers, got string 'x' and integer 1");
    assert.equal(run('master.reploff > 3', scope), "error: '>' needs two numbers, two strings or two states, got null (master.reploff) and integer 3");
  });

  test('null equals only null; && || ! use C truth and give booleans', () => {
    assert.equal(run('master == null', scope), 'true');
    assert.equal(run('master.reploff != null', scope), 'false');
    assert.equal(run('!master', scope), 'true');
    assert.equal(run('0 || 2'), 'true');
    assert.equal(run("'' && true"), 'false');
    assert.equal(run('!repl_state', scope), 'false');
    assert.equal(run('!NONE'), 'true');
  });

  test('&& and || short-circuit: the right side is not evaluated when the left decides', () => {
    assert.equal(run('false && no_such_name'), 'false');
    assert.equal(run('true || no_such_name'), 'true');
  });
});

describe('names', () => {
  test('an unknown name is an evaluation error that names it and suggests the closest known one', () => {
    const scope = scopeOf({ repl_transfer_read: int(0), repl_transfer_size: int(-1) });
    assert.equal(run('repl_transfer_reed > 0', scope), "error: unknown variable 'repl_transfer_reed' (did you mean 'repl_transfer_read'?)");
    assert.equal(run('zzz', scope), "error: unknown variable 'zzz'");
    assert.equal(run('master.reploff'), "error: unknown variable 'master.reploff'", 'a dotted name is never a state name');
  });

  test('the scope wins over a state name; a state name is the fallback', () => {
    assert.equal(run('connected', scopeOf({ connected: int(7) })), '7');
    assert.equal(run('connected'), 'REPL_STATE_CONNECTED');
  });

  test('referencedNames lists the variables with their columns, not state names; checkNames reports the first unknown one', () => {
    const e = compiled('repl_state == TRANSFER && master.reploff > repl_transfer_reed');
    assert.deepEqual(referencedNames(e), [{ name: 'repl_state', column: 1 }, { name: 'master.reploff', column: 27 }, { name: 'repl_transfer_reed', column: 44 }]);
    assert.equal(checkNames(e, ['repl_state', 'master.reploff', 'repl_transfer_read']),
      "unknown variable 'repl_transfer_reed' (did you mean 'repl_transfer_read'?) at column 44");
    assert.equal(checkNames(e, ['repl_state', 'master.reploff', 'repl_transfer_reed']), undefined);
  });

  test('a bare lookup function is a scope too (without suggestions); a struct is named, not printed, in errors', () => {
    const lookup = (n: string): Value | undefined => (n === 'master' ? toValue({ reploff: 5, replid: 'x' }) : undefined);
    assert.deepEqual(evaluate(compiled('master != null'), lookup), { ok: true, value: { type: 'bool', value: true } });
    assert.deepEqual(evaluate(compiled('master > 1'), lookup), { ok: false, message: "'>' needs two numbers, two strings or two states, got object (master) and integer 1" });
    assert.deepEqual(evaluate(compiled('mastr'), lookup), { ok: false, message: "unknown variable 'mastr'" });
    assert.equal(run('master', { lookup }), "{reploff: 5, replid: 'x'}");
  });

  test('evaluate never throws: a scope that throws becomes an error value', () => {
    const r = evaluate(compiled('x + 1'), { lookup: () => { throw new Error('boom'); } });
    assert.deepEqual(r, { ok: false, message: "internal error evaluating 'x + 1': Error: boom" });
  });
});
