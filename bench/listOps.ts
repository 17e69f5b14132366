// List writes and reads applied in-process (applyWrite / runRead on a
// Keyspace, as the engine applies a replicated command), on a list of 1,000
// and of 1,000,000 elements: CPU ns per command at both sizes, whose ratio shows
// any growth with the list's length. Then the heap a list costs per element,
// for 50,000 lists of 20 short elements (the 1M mixed benchmark's lists) and
// for one list of 1,000,000.
//   node --expose-gc out/bench/listOps.js [commands] [profile]
import { applyWrite, runRead } from '../src/keyspace/commands/registry';
import { Keyspace } from '../src/keyspace/keyspace';
import { profileById } from '../src/versions/profiles';

const COMMANDS = Number(process.argv[2] ?? 20_000);
const PROFILE = process.argv[3] ?? 'redis-7.2';

const element = (i: number): string => `element:${i % 100_000}`;

function keyspaceWithList(size: number): Keyspace {
  const ks = new Keyspace(16, profileById(PROFILE)!);
  for (let i = 0; i < size; i += 1000) {
    const argv = ['RPUSH', 'list'];
    for (let j = i; j < Math.min(size, i + 1000); j++) argv.push(element(j));
    apply(ks, argv);
  }
  return ks;
}

function apply(ks: Keyspace, argv: string[]): void {
  const out = applyWrite({ ks, db: 0, now: Date.now() }, argv);
  if (out.kind !== 'ok') throw new Error(`${argv[0]} → ${JSON.stringify(out)}`);
}

interface Family {
  name: string;
  /** Elements added per round before timing, so the list is at `size` once popped. */
  extra?: number;
  /** The commands of step i. */
  step(i: number, size: number): string[][];
  read?: boolean;
}

const FAMILIES: Family[] = [
  { name: 'LPUSH', step: (i) => [['LPUSH', 'list', element(i)]] },
  { name: 'RPUSH', step: (i) => [['RPUSH', 'list', element(i)]] },
  { name: 'LPOP', extra: COMMANDS, step: () => [['LPOP', 'list']] },
  { name: 'RPOP 5', extra: 5 * COMMANDS, step: () => [['RPOP', 'list', '5']] },
  { name: 'LMOVE (rotate)', step: () => [['LMOVE', 'list', 'list', 'LEFT', 'RIGHT']] },
  { name: 'LPUSH+LTRIM', step: (i, size) => [['LPUSH', 'list', element(i)], ['LTRIM', 'list', '0', String(size - 1)]] },
  { name: 'LPUSH+BRPOP', step: (i) => [['LPUSH', 'list', element(i)], ['BRPOP', 'list', '0']] },
  { name: 'LSET middle', step: (i, size) => [['LSET', 'list', String(size >> 1), element(i)]] },
  { name: 'LINDEX middle', read: true, step: (_i, size) => [['LINDEX', 'list', String(size >> 1)]] },
  { name: 'LRANGE 10 middle', read: true, step: (_i, size) => [['LRANGE', 'list', String(size >> 1), String((size >> 1) + 9)]] },
];

const ROUNDS = 3;

/**
 * CPU ns (user + system) per command of one family on a list of `size`: the
 * best of three rounds (the machine is shared, so wall time is noisier; the
 * first round also warms the JIT).
 */
function measure(f: Family, size: number): number {
  const ks = keyspaceWithList(size + ROUNDS * (f.extra ?? 0));
  const steps: string[][][] = [];
  for (let i = 0; i < COMMANDS; i++) steps.push(f.step(i, size));
  let best = Infinity;
  for (let round = 0; round < ROUNDS; round++) {
    let commands = 0;
    const t0 = process.cpuUsage();
    for (const cmds of steps) {
      for (const argv of cmds) {
        if (f.read) runRead({ ks, db: 0, now: 0 }, argv);
        else apply(ks, argv);
        commands++;
      }
    }
    const cpu = process.cpuUsage(t0);
    best = Math.min(best, ((cpu.user + cpu.system) * 1000) / commands);
  }
  return best;
}

function gc(): void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (!g) throw new Error('run with node --expose-gc');
  g();
  g();
}

/** Heap bytes per element of `lists` lists of `each` elements built by RPUSH (the key names' cost taken out). */
function heapPerElement(lists: number, each: number, value: (i: number) => string): { perList: number; perElement: number } {
  const keysOnly = new Keyspace(16, profileById(PROFILE)!);
  const ks = new Keyspace(16, profileById(PROFILE)!);
  gc();
  const base = process.memoryUsage().heapUsed;
  for (let k = 0; k < lists; k++) apply(keysOnly, ['SET', `key:${k}`, '']);
  gc();
  const keysCost = process.memoryUsage().heapUsed - base;
  const before = process.memoryUsage().heapUsed;
  for (let k = 0; k < lists; k++) {
    for (let i = 0; i < each; i += 1000) {
      const argv = ['RPUSH', `key:${k}`];
      for (let j = i; j < Math.min(each, i + 1000); j++) argv.push(value(j));
      apply(ks, argv);
    }
  }
  gc();
  const listsCost = process.memoryUsage().heapUsed - before - keysCost;
  // Both keyspaces stay alive until measured.
  if (keysOnly.db(0).size !== lists || ks.db(0).size !== lists) throw new Error('keys missing');
  return { perList: listsCost / lists, perElement: listsCost / (lists * each) };
}

function main(): void {
  console.log(`${COMMANDS} commands per family, profile ${PROFILE}; CPU ns per command`);
  console.log(['family', '1,000', '1,000,000', 'ratio'].join('\t'));
  for (const f of FAMILIES) {
    const small = measure(f, 1000);
    const large = measure(f, 1_000_000);
    console.log([f.name, small.toFixed(0), large.toFixed(0), (large / small).toFixed(2)].join('\t'));
  }
  const shortValue = (j: number): string => `v${j}`;
  const small = heapPerElement(50_000, 20, shortValue);
  console.log(`50,000 lists of 20 elements ("v0".."v19"): ${small.perList.toFixed(0)} B per list, ${small.perElement.toFixed(1)} B per element`);
  const big = heapPerElement(1, 1_000_000, (j) => `element:${j}`);
  console.log(`1 list of 1,000,000 elements ("element:N", 9-14 B): ${big.perElement.toFixed(1)} B per element`);
}

main();
