// The breakpoints' cost per engine step without sockets, processes or a shared
// CPU's noise: an engine in this process is handed a handshake, an empty RDB
// and a stream of SETs in 16 KB reads (as bench/streamApply.ts does), and after
// every step does what the adapter's ReplicaThread does there: the transition
// breakpoints decide at a transition, the data breakpoints check their
// variables (DataBreakpoints.check over a replicaScope) at every step.
//   node out/bench/stepCost.js [commands] [rounds]
import { BreakpointRegistry } from '../src/debug/breakpoints';
import { DataBreakpoints, type WatchMemory } from '../src/debug/dataBreakpoints';
import { replicaScope, transitionValues } from '../src/debug/replicaScope';
import { DATA_BREAKPOINTS, FUNCTION_BREAKPOINTS } from './breakpointSets';
import { connectedEngine, streamChunks } from './syntheticStream';

export interface Breakpoints {
  functions: readonly { name: string; condition?: string }[];
  data: readonly { name: string; condition?: string }[];
}

/**
 * Seconds of the engine's thread to apply the stream with these breakpoints set: the loop's elapsed
 * time, which counts the GC pauses the thread takes but not the GC and compiler threads working beside
 * it (the process's CPU time counts those, and they made two identical cases differ by ±10%). The
 * machine is shared: a caller takes the best of several runs.
 */
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
  const t0 = process.hrtime.bigint();
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
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (stops > 0) throw new Error(`${stops} stops or condition errors`);
  if (engine.info.stat_commands_applied !== commands + 1) throw new Error(`applied ${engine.info.stat_commands_applied}`);
  return seconds;
}

/** ns per command for each case, rounds interleaved (the order rotated each round); a first round warms up and is dropped. */
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
  for (const [k, v] of Object.entries(r)) console.log(k, v.map((x) => x.toFixed(0)).join(' '), 'ns/command (best', Math.min(...v).toFixed(0) + ')');
}
