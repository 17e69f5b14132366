// Logpoint templates: {expression} holes, {{ }} escapes, errors at set time
// with their column in the template, failures shown in place at run time.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ReplState } from '../../src/engine/states';
import { compileLogMessage, renderLogMessage, type LogTemplate } from '../../src/debug/logMessage';
import { int, NULL, state, str, type Scope, type Value } from '../../src/debug/values';

const vars: Record<string, Value> = {
  repl_state: state(ReplState.TRANSFER), master_repl_offset: int(9007199254740993n), master_replid: str('8f3e'),
  repl_transfer_read: int(1000), repl_transfer_size: int(4000), master: NULL,
};
const scope: Scope = { lookup: (n) => vars[n], names: Object.keys(vars) };

function template(text: string): LogTemplate {
  const r = compileLogMessage(text);
  assert.ok(r.ok, `${text}: ${r.ok ? '' : r.message}`);
  return r.template;
}

function compileError(text: string): string {
  const r = compileLogMessage(text);
  assert.ok(!r.ok, `${text} compiled`);
  return r.message;
}

describe('logpoints', () => {
  test('holes are evaluated on each hit; strings print without quotes, states by their server.h name', () => {
    const t = template('{repl_state}: {repl_transfer_read * 100 / repl_transfer_size}% of the RDB, replid {master_replid}, offset {master_repl_offset}');
    assert.deepEqual(renderLogMessage(t, scope), {
      text: 'REPL_STATE_TRANSFER: 25% of the RDB, replid 8f3e, offset 9007199254740993', errors: [],
    });
  });

  test('{{ and }} are literal braces; a brace inside a quoted string does not end the hole', () => {
    assert.equal(renderLogMessage(template('{{literal}} {master == null}'), scope).text, '{literal} true');
    assert.equal(renderLogMessage(template("{'}' + master_replid + '{'}"), scope).text, '}8f3e{');
    assert.equal(renderLogMessage(template('no holes'), scope).text, 'no holes');
    assert.equal(renderLogMessage(template(''), scope).text, '');
  });

  test('compile errors are reported when the logpoint is set, with the column in the template', () => {
    assert.equal(compileError('x {1 + )} y'), "unexpected ')' at column 8");
    assert.equal(compileError('offset {master_repl_offset'), "unterminated '{' at column 8 (write '{{' for a literal brace)");
    assert.equal(compileError('a } b'), "unmatched '}' at column 3 (write '}}' for a literal brace)");
    assert.equal(compileError('a {} b'), "empty expression in '{}' at column 3");
    assert.equal(compileError('a { } b'), "empty expression in '{}' at column 3");
    assert.equal(compileError("{'abc}"), "unterminated '{' at column 1 (write '{{' for a literal brace)");
  });

  test('a hole that fails on a hit shows the error in place and lists it', () => {
    const r = renderLogMessage(template('at {master_repl_ofset}, reploff {master.reploff}'), {
      ...scope, lookup: (n) => (n === 'master.reploff' ? NULL : vars[n]),
    });
    assert.equal(r.text, "at <error: unknown variable 'master_repl_ofset' (did you mean 'master_repl_offset'?)>, reploff null");
    assert.deepEqual(r.errors, ["{master_repl_ofset}: unknown variable 'master_repl_ofset' (did you mean 'master_repl_offset'?)"]);
  });
});
