// The bundle's entry: measures what activation costs (loading the bundle, then
// activate()) and writes it to the extension's log, where the e2e test reads it.
const loadStart = performance.now();
// A require, not an import: imports are evaluated before this module's first line, so they could not be timed.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const extension = require('./extension') as typeof import('./extension');
const loadedMs = performance.now() - loadStart;

import type * as vscode from 'vscode';

export function activate(context: vscode.ExtensionContext): void {
  const start = performance.now();
  const log = extension.activate(context);
  log.info(`activated in ${(performance.now() - start).toFixed(1)} ms (bundle loaded in ${loadedMs.toFixed(1)} ms)`);
}

export function deactivate(): void {
  extension.deactivate();
}
