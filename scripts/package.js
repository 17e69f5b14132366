#!/usr/bin/env node
// npm run package: dist/redis-replica-debugger.vsix from the bundle (vsce,
// offline, without node_modules: the bundle carries what it needs).
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const out = path.join(root, 'dist', 'redis-replica-debugger.vsix');
const vsce = path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
execFileSync(process.execPath, [vsce, 'package', '--no-dependencies', '--out', out], { cwd: root, stdio: 'inherit' });
const size = fs.statSync(out).size;
process.stdout.write(`${path.relative(root, out)}: ${(size / 1024).toFixed(0)} KB\n`);
