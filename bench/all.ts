// `npm run bench`: both benchmarks, one after the other.
//   npm run bench                 (fullSync: 1,000,000 keys, 3 rounds; debugger: its defaults)
//   npm run bench -- 200000 1     (fullSync's keys and rounds; the rounds go to the debugger benchmark too)
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const [keys, rounds] = process.argv.slice(2);
const run = (script: string, args: (string | undefined)[]): void => {
  const given = args.filter((a): a is string => a !== undefined);
  const r = spawnSync(process.execPath, [path.join(__dirname, script), ...given], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
};

run('fullSync.js', [keys, rounds]);
process.stdout.write('\n');
// The debugger benchmark's first argument is its writes per stream run ('' = its default).
run('debugger.js', rounds === undefined ? [] : ['', rounds]);
