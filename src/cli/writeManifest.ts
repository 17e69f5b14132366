// npm run manifest: writes package.json's contributes.debuggers from the
// adapter's own launch schema (src/debug/launchSchema.ts), so the manifest and
// the validation the adapter does cannot drift apart.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { debuggerContribution } from '../debug/manifest';

const file = path.resolve(__dirname, '../../../package.json');
const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as { contributes?: Record<string, unknown> };
pkg.contributes = { ...(pkg.contributes ?? {}), debuggers: [debuggerContribution()] };
fs.writeFileSync(file, JSON.stringify(pkg, null, 2) + '\n');
process.stdout.write(`wrote contributes.debuggers in ${file}\n`);
