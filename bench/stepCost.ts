// The breakpoints' cost per engine step without sockets, processes or a shared
// CPU's noise: an engine in this process is handed a handshake, an empty RDB
// and a stream of SETs in 16 KB reads (as bench/streamApply.ts does), and after
// every step does what the adapter's ReplicaThread does there: the transition
// breakpoints decide at a transition, the data breakpoints check their
// variables (DataBreakpoints.check over a replicaScope) at every step.
//   node out/bench/stepCost.js [commands] [rounds]
import { defaultConfig } from '../src/config/replicaConfig';
import { BreakpointRegistry } from '../src/debug/breakpoints';
import { DataBreakpoints, type WatchMemory } from '../src/debug/dataBreakpoints';
import { replicaScope, transitionValues } from '../src/debug/replicaScope';
import { ReplicaEngine } from '../src/engine/engine';
import { ReplState } from '../src/engine/states';
import { encodeCommand } from '../src/resp/encode';
import { DATA_BREAKPOINTS, FUNCTION_BREAKPOINTS } from './breakpointSets';

const CHUNK = 16 * 1024;
const REPLID = 'a'.repeat(40);
// REDIS0010, EOF opcode, checksum 0 (disabled): the smallest RDB a 7.0 replica accepts.
const EMPTY_RDB = Buffer.concat([Buffer.from('REDIS0010', 'latin1'), Buffer.from([0xff]), Buffer.alloc(8)]);

export interface Breakpoints {
  functions: readonly { name: string; condition?: string }[];
  data: readonly { name: string; condition?: string }[];
}

function streamChunks(commands: number): Buffer[] {
  const parts = [encodeCommand(['SELECT', 0])];
  for (let i = 0; i < commands; i++) parts.push(encodeCommand(['SET', `key:${(i * 7919) % 100_000}`, 'xxx']));
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

/** CPU seconds (this process, user + system: the machine is shared, so wall time is noisier) to apply the stream with these breakpoints set. */
function round(chunks: readonly Buffer[], commands: number, set: Breakpoints): number {
  const engine = connectedEngine();
  const bps = new BreakpointRegistry();
  const statuses = bps.setFunctionBreakpoints(set.functions);
  const data = new DataBreakpoints();
  statuses.push(...data.set(set.data.map((d) => ({ dataId: d.name, condition: d.condition }))));
  if (statuses.some((s) => !s.verified)) throw new Error(`unverified: ${JSON.stringify(statuses)}`);
  const memory: WatchMemory = new Map();
  data.prime(replicaScope(engine.info), memory);
  const link = engine.linkId!;
  let stops = 0;
  const cpu0 = process.cpuUsage();
  for (const bytes of chunks) {
    engine.receive({ type: 'data', link, bytes });
    for (;;) {
      const point = engine.step().point;
      if (point.kind === 'idle') break;
      // ReplicaThread.decide, for a replica with no exception filters, running.
      if (point.kind === 'transition' && !bps.empty) {
        const t = point.transition;
        stops += bps.onTransition(t, () => replicaScope(engine.info, transitionValues(t))).stopIds.length;
      }
      if (!data.empty) {
        const hit = data.check(replicaScope(engine.info), memory);
        stops += hit.stopIds.length + hit.errors.length;
      }
    }
  }
  const cpu = process.cpuUsage(cpu0);
  const seconds = (cpu.user + cpu.system) / 1e6;
  if (stops > 0) throw new Error(`${stops} stops or condition errors`);
  if (engine.info.stat_commands_applied !== commands + 1) throw new Error(`applied ${engine.info.stat_commands_applied}`);
  return seconds;
}

/** CPU ns per command for each case, rounds interleaved (the order rotated each round); a first round warms up and is dropped. */
export function stepCost(commands: number, rounds: number, cases: Record<string, Breakpoints>): Record<string, number[]> {
  const chunks = streamChunks(commands);
  const names = Object.keys(cases);
  const out: Record<string, number[]> = Object.fromEntries(names.map((k) => [k, []]));
  for (let r = 0; r <= rounds; r++) {
    for (const name of [...names.slice(r % names.length), ...names.slice(0, r % names.length)]) {
      const seconds = round(chunks, commands, cases[name]!);
      if (r > 0) out[name]!.push((seconds * 1e9) / commands);
    }
  }
  return out;
}

if (require.main === module) {
  const commands = Number(process.argv[2] ?? 1_000_000);
  const rounds = Number(process.argv[3] ?? 3);
  const r = stepCost(commands, rounds, {
    none: { functions: [], data: [] },
    function: { functions: FUNCTION_BREAKPOINTS, data: [] },
    data: { functions: [], data: DATA_BREAKPOINTS },
  });
  for (const [k, v] of Object.entries(r)) console.log(k, v.map((x) => x.toFixed(0)).join(' '), 'CPU ns/command');
}
