// The extension manifest's debugger entry is the one the adapter's schema gives.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { debuggerContribution } from '../../src/debug/manifest';

test('package.json contributes.debuggers is generated from the launch schema (npm run manifest)', () => {
  const pkg = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../../package.json'), 'utf8')) as { contributes: { debuggers: unknown[] } };
  assert.deepEqual(pkg.contributes.debuggers, [JSON.parse(JSON.stringify(debuggerContribution()))]);
});

test('the debugger program named in the manifest exists after the build', () => {
  const program = String(debuggerContribution().program);
  assert.ok(fs.existsSync(path.resolve(__dirname, '../../..', program)), program);
});
