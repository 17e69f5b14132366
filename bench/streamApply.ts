// In-process stream apply: an engine handed a handshake, an empty RDB and then
// a replication stream of SETs (redis-benchmark's shape: `SET key:<n> xxx`,
// a SELECT first) in 16 KB reads, stepped to idle as the shell steps it.
// Measures commands applied per second; no socket, no redis-server.
//   node out/bench/streamApply.js [commands] [rounds]
import { defaultConfig } from '../src/config/replicaConfig';
import { ReplicaEngine } from '../src/engine/engine';
import { ReplState } from '../src/engine/states';
import { encodeCommand } from '../src/resp/encode';

const COMMANDS = Number(process.argv[2] ?? 2_000_000);
const ROUNDS = Number(process.argv[3] ?? 5);
const CHUNK = 16 * 1024;
const REPLID = 'a'.repeat(40);
// REDIS0010, EOF opcode, checksum 0 (disabled): the smallest RDB a 7.0 replica accepts.
const EMPTY_RDB = Buffer.concat([Buffer.from('REDIS0010', 'latin1'), Buffer.from([0xff]), Buffer.alloc(8)]);

function streamChunks(): Buffer[] {
  const parts = [encodeCommand(['SELECT', 0])];
  for (let i = 0; i < COMMANDS; i++) parts.push(encodeCommand(['SET', `key:${(i * 7919) % 100_000}`, 'xxx']));
  const all = Buffer.concat(parts);
  const chunks: Buffer[] = [];
  for (let at = 0; at < all.length; at += CHUNK) chunks.push(Buffer.from(all.subarray(at, at + CHUNK)));
  return chunks;
}

function connectedEngine(): ReplicaEngine {
  let ms = Date.UTC(2025, 0, 1);
  const engine = new ReplicaEngine(
    { ...defaultConfig(), replicaof: { host: '127.0.0.1', port: 6379 }, 'repl-diskless-load': 'on-empty-db' },
    { clock: { now: () => ++ms }, newReplid: () => 'b'.repeat(40) },
  );
  engine.runUntilIdle();
  engine.receive({ type: 'cron' });
  engine.runUntilIdle();
  const link = engine.linkId!;
  engine.receive({ type: 'connected', link });
  engine.runUntilIdle();
  for (const reply of ['+PONG\r\n', '+OK\r\n', '+OK\r\n', `+FULLRESYNC ${REPLID} 0\r\n`, `$${EMPTY_RDB.length}\r\n`]) {
    engine.receive({ type: 'data', link, bytes: Buffer.from(reply, 'latin1') });
    engine.runUntilIdle();
  }
  engine.receive({ type: 'data', link, bytes: EMPTY_RDB });
  engine.runUntilIdle();
  if (engine.info.repl_state !== ReplState.CONNECTED) throw new Error(`not connected: ${ReplState[engine.info.repl_state]}`);
  return engine;
}

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

const chunks = streamChunks();
const rates: number[] = [];
for (let i = 0; i < ROUNDS; i++) {
  const seconds = round(chunks);
  rates.push(COMMANDS / seconds);
  console.log(`round ${i + 1}: ${(COMMANDS / seconds / 1000).toFixed(0)}k commands/s (${seconds.toFixed(2)} s)`);
}
const sorted = [...rates].sort((a, b) => a - b);
console.log(`median ${(sorted[Math.floor(sorted.length / 2)]! / 1000).toFixed(0)}k commands/s, best ${(sorted.at(-1)! / 1000).toFixed(0)}k`);
