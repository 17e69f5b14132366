// In-process cost of the dataset's small hashes and sets, and of stream trims,
// through the write commands the engine applies (no socket, no redis-server):
// - memory: heap bytes per key over 100,000 hashes / sets of 20 short elements
//   (the 1M mixed benchmark's shape), measured after a full collection;
// - streams: ns per command for 20,000 XADD … MAXLEN =/~ N, and for 20,000
//   XTRIM MAXLEN = N each following a plain XADD (the XADD's own cost
//   subtracted), on N = 1,000 and 1,000,000. CPU time per command.
//   node --expose-gc out/bench/collectionCost.js [memory|streams]  (the first 1,000 round warms the JIT up)
import { applyWrite } from '../src/keyspace/commands/registry';
import { Keyspace } from '../src/keyspace/keyspace';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');

const KEYS = 100_000;
const ELEMENTS = 20;

function heapPerKey(fill: (ks: Keyspace) => void): number {
  gc!();
  gc!();
  const before = process.memoryUsage().heapUsed;
  const ks = new Keyspace();
  fill(ks);
  gc!();
  gc!();
  const bytes = process.memoryUsage().heapUsed - before;
  if (ks.db(0).size !== KEYS) throw new Error(`${ks.db(0).size} keys`);
  return bytes / KEYS;
}

/** The key alone (a 1-byte string value), to subtract the keyspace's own per-key cost. */
function strings(ks: Keyspace): void {
  for (let i = 0; i < KEYS; i++) applyWrite({ ks, db: 0, now: 0 }, ['SET', `k:${i}`, 'x']);
}

function hashes(ks: Keyspace): void {
  for (let i = 0; i < KEYS; i++) {
    const argv = ['HSET', `k:${i}`];
    for (let j = 0; j < ELEMENTS; j++) argv.push(`field:${j}`, `value:${i * 31 + j}`);
    applyWrite({ ks, db: 0, now: 0 }, argv);
  }
}

function sets(kind: 'strings' | 'ints'): (ks: Keyspace) => void {
  return (ks) => {
    for (let i = 0; i < KEYS; i++) {
      const argv = ['SADD', `k:${i}`];
      for (let j = 0; j < ELEMENTS; j++) argv.push(kind === 'ints' ? String(i * 31 + j) : `member:${i * 31 + j}`);
      applyWrite({ ks, db: 0, now: 0 }, argv);
    }
  };
}

/** One stream of 1,000,000 entries of one short field, per entry. */
function streamEntryBytes(): number {
  const n = 1_000_000;
  gc!();
  const before = process.memoryUsage().heapUsed;
  const ks = new Keyspace();
  for (let i = 1; i <= n; i++) applyWrite({ ks, db: 0, now: 0 }, ['XADD', 's', `${1_700_000_000_000 + i}-${i % 7}`, 'field', `value:${i}`]);
  gc!();
  gc!();
  const bytes = process.memoryUsage().heapUsed - before;
  if (ks.db(0).size !== 1) throw new Error('no stream');
  return bytes / n;
}

function memory(): void {
  const base = heapPerKey(strings);
  console.log(`per key, heap (a key with a 1-byte string: ${base.toFixed(0)} B, subtracted):`);
  for (const [name, fill] of [['hash of 20 fields', hashes], ['set of 20 strings', sets('strings')], ['set of 20 integers', sets('ints')]] as const) {
    console.log(`  ${name.padEnd(20)} ${(heapPerKey(fill) - base).toFixed(0)} B`);
  }
  console.log(`per stream entry (1,000,000 entries of one field): ${streamEntryBytes().toFixed(0)} B`);
}

const COMMANDS = 20_000;

function streamOf(n: number): Keyspace {
  const ks = new Keyspace();
  for (let i = 1; i <= n; i++) applyWrite({ ks, db: 0, now: 0 }, ['XADD', 's', `${i}-0`, 'f', 'v']);
  return ks;
}

/** CPU time (user + system), not wall time: the figure stays meaningful on a shared machine. */
function cpuNs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) * 1000;
}

function nsPer(run: () => void): number {
  const t0 = cpuNs();
  run();
  return (cpuNs() - t0) / COMMANDS;
}

function streams(): void {
  for (const n of [1_000, 1_000, 1_000_000]) {
    for (const op of ['=', '~'] as const) {
      const ks = streamOf(n);
      const ns = nsPer(() => {
        for (let i = 1; i <= COMMANDS; i++) applyWrite({ ks, db: 0, now: 0 }, ['XADD', 's', 'MAXLEN', op, String(n), `${n + i}-0`, 'f', 'v']);
      });
      console.log(`XADD MAXLEN ${op} ${n}: ${ns.toFixed(0)} ns/command`);
    }
    const ks = streamOf(n);
    const addOnly = nsPer(() => {
      for (let i = 1; i <= COMMANDS; i++) applyWrite({ ks, db: 0, now: 0 }, ['XADD', 's', `${n + i}-0`, 'f', 'v']);
    });
    const trimmed = streamOf(n);
    const addTrim = nsPer(() => {
      for (let i = 1; i <= COMMANDS; i++) {
        applyWrite({ ks: trimmed, db: 0, now: 0 }, ['XADD', 's', `${n + i}-0`, 'f', 'v']);
        applyWrite({ ks: trimmed, db: 0, now: 0 }, ['XTRIM', 's', 'MAXLEN', '=', String(n)]);
      }
    });
    console.log(`XADD alone: ${addOnly.toFixed(0)} ns/command; XTRIM MAXLEN = ${n} after each XADD: ${(addTrim - addOnly).toFixed(0)} ns/command`);
  }
}

const what = process.argv[2];
if (what !== 'streams') memory();
if (what !== 'memory') streams();
