#!/usr/bin/env node
// Bundles the extension and the standalone debug adapter into dist/ with
// esbuild: runtime dependencies inside, `vscode` left to the host.
const path = require('node:path');
const esbuild = require('esbuild');

const root = path.resolve(__dirname, '..');
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  minify: true,
  sourcemap: false,
  logLevel: 'warning',
  absWorkingDir: root,
};

Promise.all([
  esbuild.build({ ...common, entryPoints: ['src/extension/main.ts'], outfile: 'dist/extension.js', external: ['vscode'] }),
  esbuild.build({ ...common, entryPoints: ['src/cli/debugAdapter.ts'], outfile: 'dist/debugAdapter.js' }),
]).catch(() => process.exit(1));
