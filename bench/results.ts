// The rows of `npm run bench`'s one summary table: each benchmark script,
// run as a child of bench/all.ts, appends its rows as JSON lines to the file
// named by BENCH_RESULTS (nothing when run alone), and all.ts prints them.
import * as fs from 'node:fs';

export interface ResultRow {
  /** What is measured, e.g. "catch-up after 20k LPUSH on 1M". */
  measure: string;
  real: string;
  engine: string;
  ratio: string;
  goal: string;
  /** null: reported only, no goal to meet. */
  met: boolean | null;
}

export function record(row: ResultRow): void {
  const file = process.env.BENCH_RESULTS;
  if (file) fs.appendFileSync(file, `${JSON.stringify(row)}\n`);
}

export function readResults(file: string): ResultRow[] {
  if (!fs.existsSync(file)) return [];
  return fs.readFileSync(file, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as ResultRow);
}

export const ratio = (x: number): string => (Number.isFinite(x) ? `${x.toFixed(2)}×` : '–');
