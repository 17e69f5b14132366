// In-process stream apply: an engine handed a handshake, an empty RDB and then
// a replication stream of SETs (redis-benchmark's shape: `SET key:<n> xxx`,
// a SELECT first) in 16 KB reads, stepped to idle as the shell steps it.
// Measures commands applied per second; no socket, no redis-server.
//   node out/bench/streamApply.js [commands] [rounds]
import { record } from './results';
import { connectedEngine, streamChunks } from './syntheticStream';

const COMMANDS = Number(process.argv[2] ?? 2_000_000);
const ROUNDS = Number(process.argv[3] ?? 5);
function round(chunks: readonly Buffer[]): number {
  const engine = connectedEngine();
  const link = engine.linkId!;
  const t0 = process.hrtime.bigint();
  for (const bytes of chunks) {
    engine.receive({ type: 'data', link, bytes });
    while (engine.step().point.kind !== 'idle');
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (engine.info.stat_commands_applied !== COMMANDS + 1) throw new Error(`applied ${engine.info.stat_commands_applied}`);
  return seconds;
}

const chunks = streamChunks(COMMANDS);
const rates: number[] = [];
for (let i = 0; i < ROUNDS; i++) {
  const seconds = round(chunks);
  rates.push(COMMANDS / seconds);
  console.log(`round ${i + 1}: ${(COMMANDS / seconds / 1000).toFixed(0)}k commands/s (${seconds.toFixed(2)} s)`);
}
const sorted = [...rates].sort((a, b) => a - b);
const median = sorted[Math.floor(sorted.length / 2)]!;
console.log(`median ${(median / 1000).toFixed(0)}k commands/s, best ${(sorted.at(-1)! / 1000).toFixed(0)}k`);
record({
  measure: `in-process stream apply, SET/s (median of ${ROUNDS})`, real: '–', engine: Math.round(median).toLocaleString('en'),
  ratio: '–', goal: '≥ 1,000,000', met: median >= 1_000_000,
});
