// The breakpoints' cost per engine step without sockets or processes: one
// engine per case in this process, each handed a handshake, an empty RDB and
// the same stream of SETs in 16 KB reads (as bench/streamApply.ts does), and
// after every step doing what the adapter's ReplicaThread does there: the
// transition breakpoints decide at a transition, the data breakpoints check
// their variables (DataBreakpoints.check over a replicaScope) at every step.
//
// The cases take turns at every read (the order rotated each read), each timed
// by its own steps' elapsed time: whatever the shared machine does (another
// process, a slower minute) lands on every case alike, where whole runs one
// after the other drifted by 10–20% between the first and the last.
//   node out/bench/stepCost.js [commands] [rounds]
import { BreakpointRegistry } from '../src/debug/breakpoints';
import { DataBreakpoints, type WatchMemory } from '../src/debug/dataBreakpoints';
import { replicaScope, transitionValues } from '../src/debug/replicaScope';
import type { ReplicaEngine } from '../src/engine/engine';
import { DATA_BREAKPOINTS, FUNCTION_BREAKPOINTS } from './breakpointSets';
import { connectedEngine, streamChunks } from './syntheticStream';

export interface Breakpoints {
  functions: readonly { name: string; condition?: string }[];
  data: readonly { name: string; condition?: string }[];
}

/** One case's engine and breakpoints, and the time its steps took so far. */
class Runner {
  readonly engine: ReplicaEngine = connectedEngine();
  private readonly bps = new BreakpointRegistry();
  private readonly data = new DataBreakpoints();
  private readonly memory: WatchMemory = new Map();
  stops = 0;
  ns = 0n;

  constructor(set: Breakpoints) {
    const statuses = this.bps.setFunctionBreakpoints(set.functions);
    statuses.push(...this.data.set(set.data.map((d) => ({ dataId: d.name, condition: d.condition }))));
    if (statuses.some((s) => !s.verified)) throw new Error(`unverified: ${JSON.stringify(statuses)}`);
    this.data.prime(replicaScope(this.engine.info), this.memory);
  }

  /** One read, stepped to idle as the shell steps it, timed. */
  feed(bytes: Buffer): void {
    const engine = this.engine;
    const t0 = process.hrtime.bigint();
    engine.receive({ type: 'data', link: engine.linkId!, bytes });
    for (;;) {
      const point = engine.step().point;
      if (point.kind === 'idle') break;
      // ReplicaThread.decide, for a replica with no exception filters, running.
      if (point.kind === 'transition' && !this.bps.empty) {
        const t = point.transition;
        this.stops += this.bps.onTransition(t, () => replicaScope(engine.info, transitionValues(t))).stopIds.length;
      }
      if (!this.data.empty) {
        const hit = this.data.check(replicaScope(engine.info), this.memory);
        this.stops += hit.stopIds.length + hit.errors.length;
      }
    }
    this.ns += process.hrtime.bigint() - t0;
  }
}

/** ns per command for each case, per round; a first round warms up and is dropped. */
export function stepCost(commands: number, rounds: number, cases: Record<string, Breakpoints>): Record<string, number[]> {
  const chunks = streamChunks(commands);
  const names = Object.keys(cases);
  const out: Record<string, number[]> = Object.fromEntries(names.map((k) => [k, []]));
  for (let r = 0; r <= rounds; r++) {
    const runners = names.map((n) => new Runner(cases[n]!));
    chunks.forEach((bytes, i) => {
      for (let k = 0; k < runners.length; k++) runners[(i + k) % runners.length]!.feed(bytes);
    });
    runners.forEach((runner, k) => {
      if (runner.stops > 0) throw new Error(`${names[k]}: ${runner.stops} stops or condition errors`);
      if (runner.engine.info.stat_commands_applied !== commands + 1) throw new Error(`${names[k]}: applied ${runner.engine.info.stat_commands_applied}`);
      if (r > 0) out[names[k]!]!.push(Number(runner.ns) / commands);
    });
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
  for (const [k, v] of Object.entries(r)) console.log(k, v.map((x) => x.toFixed(0)).join(' '), 'ns/command');
}
