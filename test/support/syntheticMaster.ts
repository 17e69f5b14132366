// A master played by hand for tests that need an engine at a given point of a
// sync on a clock they control: the replies a Redis 7.0 master without a
// password gives to the handshake, then a `$<len>` payload the test chooses.
import { defaultConfig, type ReplicaConfig } from '../../src/config/replicaConfig';
import type { Clock } from '../../src/engine/core';
import { ReplicaEngine } from '../../src/engine/engine';
import { ReplState } from '../../src/engine/states';
import { replidSequence } from './fakeMaster';

export const MASTER_REPLID = 'a'.repeat(40);
/** REDIS0010, the EOF opcode and a zero (disabled) checksum: the smallest RDB a 7.0 replica loads. */
export const EMPTY_RDB = Buffer.concat([Buffer.from('REDIS0010', 'latin1'), Buffer.from([0xff]), Buffer.alloc(8)]);

export interface SyntheticOptions {
  config?: Partial<ReplicaConfig>;
  loadPauseBytes?: number;
}

/** An engine in TRANSFER, its `$<len>` header not sent yet: the cron connected it, the handshake was answered. */
export function transferringEngine(clock: Clock, opts: SyntheticOptions = {}): ReplicaEngine {
  const engine = new ReplicaEngine(
    { ...defaultConfig(), emulate: 'redis-7.0', replicaof: { host: '127.0.0.1', port: 6379 }, ...opts.config },
    { clock, newReplid: replidSequence('synthetic'), ...(opts.loadPauseBytes ? { loadPauseBytes: opts.loadPauseBytes } : {}) },
  );
  engine.runUntilIdle();
  engine.receive({ type: 'cron' });
  engine.runUntilIdle();
  engine.receive({ type: 'connected', link: engine.linkId! });
  engine.runUntilIdle();
  const replies = ['+PONG\r\n', '+OK\r\n', '+OK\r\n', `+FULLRESYNC ${MASTER_REPLID} 0\r\n`];
  for (const reply of replies) masterSends(engine, reply);
  if (engine.info.repl_state !== ReplState.TRANSFER) throw new Error(`expected TRANSFER, in ${ReplState[engine.info.repl_state]}`);
  return engine;
}

/** An engine in CONNECTED after a diskless load of an empty RDB, at offset 0. */
export function connectedEngine(clock: Clock, opts: SyntheticOptions = {}): ReplicaEngine {
  const engine = transferringEngine(clock, { ...opts, config: { 'repl-diskless-load': 'on-empty-db', ...opts.config } });
  masterSends(engine, Buffer.concat([Buffer.from(`$${EMPTY_RDB.length}\r\n`, 'latin1'), EMPTY_RDB]));
  if (engine.info.repl_state !== ReplState.CONNECTED) throw new Error(`expected CONNECTED, in ${ReplState[engine.info.repl_state]}`);
  return engine;
}

/** Bytes from the master, read until the engine is idle. */
export function masterSends(engine: ReplicaEngine, bytes: Buffer | string): void {
  engine.receive({ type: 'data', link: engine.linkId!, bytes: typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes });
  engine.runUntilIdle();
}
