// `npm run bench`: every benchmark of issues 10 and 11, one after the other, each
// printing its own detailed tables, then ONE summary table (markdown): per
// row the real redis-server replica's figure, the engine's, the ratio, the
// goal and whether it is met.
//   npm run bench                                  everything at full size (about 11 minutes on an idle 2-core machine, --10m and the 20M-key footprint master included; longer under load)
//   npm run bench -- [options]
//     --keys N          full sync datasets (default 1,000,000 keys)
//     --rounds N        full sync, catch-up and debugger rounds (default 3; the debugger: its own default 5 unless given)
//     --load-seconds N  the mixed redis-benchmark load for the lag (default 120)
//     --sizes A,B       complexity collection sizes (default 1000,1000000)
//     --writes N        complexity writes per case (default 20000)
//     --timeout S       complexity catch-up bound per case (default 30)
//     --families F,G    complexity families to run (default all; names as printed)
//     --sets N          catch-up backlog of SETs (default 1,000,000)
//     --10m             add the 10M keys of 64 B dataset to the full sync (takes minutes)
//     --footprint-keys N  the large master of the footprints benchmark (default 20,000,000 keys of 64 B)
//     --small-keys N    its smaller master, which the engine holds whole (default 2,000,000)
//     --only A,B        any of apply, complexity, catchup, lag, fullsync, footprints, debugger
//   A quick check (~10 minutes):
//   npm run bench -- --keys 100000 --rounds 1 --load-seconds 15 --sizes 1000,100000 --writes 5000 --timeout 10 --sets 200000 --footprint-keys 1000000 --small-keys 200000
// Positional `npm run bench -- 200000 1` (keys, rounds) still works.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { flags, table } from './harness';
import { readResults, type ResultRow } from './results';

const argv = process.argv.slice(2);
const opts = flags(argv);
const positional = argv.filter((a, i) => !a.startsWith('--') && (i === 0 || !argv[i - 1]!.startsWith('--')));
const keys = opts.get('keys') ?? positional[0];
const rounds = opts.get('rounds') ?? positional[1];
const only = new Set((opts.get('only') ?? 'apply,complexity,catchup,lag,fullsync,footprints,debugger').split(','));
const pass = (name: string): string[] => (opts.has(name) ? [`--${name}`, opts.get(name)!] : []);

interface Step {
  name: string;
  script: string;
  args: string[];
}

const STEPS: Step[] = [
  { name: 'apply', script: 'streamApply.js', args: [] },
  { name: 'complexity', script: 'complexity.js', args: [...pass('sizes'), ...pass('writes'), ...pass('timeout'), ...pass('families')] },
  { name: 'catchup', script: 'catchUp.js', args: [...pass('sets'), ...(rounds ? ['--rounds', rounds] : [])] },
  { name: 'lag', script: 'lag.js', args: opts.has('load-seconds') ? ['--seconds', opts.get('load-seconds')!] : [] },
  { name: 'fullsync', script: 'fullSync.js', args: [keys ?? '1000000', rounds ?? '3', ...(opts.has('10m') ? ['--10m'] : [])] },
  { name: 'footprints', script: 'footprints.js', args: [...(opts.has('footprint-keys') ? ['--keys', opts.get('footprint-keys')!] : []), ...pass('small-keys')] },
  // The debugger benchmark's first argument is its writes per stream run ('' = its default).
  { name: 'debugger', script: 'debugger.js', args: rounds === undefined ? [] : ['', rounds] },
];

function main(): void {
  const resultsFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'rrd-bench-')), 'results.jsonl');
  const failures: ResultRow[] = [];
  const t0 = Date.now();
  for (const step of STEPS.filter((s) => only.has(s.name))) {
    process.stdout.write(`\n## ${step.name}: node out/bench/${step.script} ${step.args.map((a) => (a === '' ? "''" : a)).join(' ')}\n\n`);
    const started = Date.now();
    const r = spawnSync(process.execPath, [path.join(__dirname, step.script), ...step.args], { stdio: 'inherit', env: { ...process.env, BENCH_RESULTS: resultsFile } });
    process.stdout.write(`(${step.name}: ${((Date.now() - started) / 1000).toFixed(0)} s)\n`);
    // A failed benchmark is a row of the table, and the others still run.
    if (r.status !== 0) failures.push({ measure: `${step.name} benchmark`, real: '–', engine: `failed (${r.signal ?? `exit ${r.status}`})`, ratio: '–', goal: 'runs', met: false });
  }
  const rows = [...readResults(resultsFile), ...failures];
  fs.rmSync(path.dirname(resultsFile), { recursive: true, force: true });
  const verdict = (m: boolean | null): string => (m === null ? '–' : m ? 'met' : '**NOT MET**');
  process.stdout.write(`\n## Summary (the goals of issues 10 and 11), ${((Date.now() - t0) / 60000).toFixed(0)} min\n\n`);
  process.stdout.write(table(['measure', 'real replica', 'engine', 'ratio', 'goal', 'met'], rows.map((r) => [r.measure, r.real, r.engine, r.ratio, r.goal, verdict(r.met)])));
  const judged = rows.filter((r) => r.met !== null);
  process.stdout.write(`\n${judged.filter((r) => r.met).length} of ${judged.length} goals met.\n`);
}

main();
