// A replica engine already CONNECTED to a master that exists only as bytes,
// and a replication stream of SETs cut in socket-sized chunks: what the
// in-process benchmarks feed, without sockets or a redis-server.
import { defaultConfig } from '../src/config/replicaConfig';
import { ReplicaEngine } from '../src/engine/engine';
import { ReplState } from '../src/engine/states';
import { encodeCommand } from '../src/resp/encode';

const CHUNK = 16 * 1024;
const REPLID = 'a'.repeat(40);
// REDIS0010, EOF opcode, checksum 0 (disabled): the smallest RDB a 7.0 replica accepts.
const EMPTY_RDB = Buffer.concat([Buffer.from('REDIS0010', 'latin1'), Buffer.from([0xff]), Buffer.alloc(8)]);

export function streamChunks(commands: number): Buffer[] {
  const parts = [encodeCommand(['SELECT', 0])];
  for (let i = 0; i < commands; i++) parts.push(encodeCommand(['SET', `key:${(i * 7919) % 100_000}`, 'xxx']));
  const all = Buffer.concat(parts);
  const chunks: Buffer[] = [];
  for (let at = 0; at < all.length; at += CHUNK) chunks.push(Buffer.from(all.subarray(at, at + CHUNK)));
  return chunks;
}

export function connectedEngine(): ReplicaEngine {
  let ms = Date.UTC(2025, 0, 1);
  const engine = new ReplicaEngine(
    { ...defaultConfig(), emulate: 'redis-7.0', replicaof: { host: '127.0.0.1', port: 6379 }, 'repl-diskless-load': 'on-empty-db' },
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
