// Sorted-set writes and reads in this process, at two sizes: 20,000 ZADD,
// ZPOPMIN, ZREMRANGEBYSCORE over a sliding window and ZRANGE of 10 by rank
// from the middle, on a 1,000- and a 1,000,000-member zset, as the keyspace
// applies them (CPU per command; the ratio between sizes shows any growth).
// Then the heap cost per member of small zsets (50,000 × 20 members, the
// mixed benchmark's) and of one large zset.
//   node --expose-gc out/bench/zsetOps.js
import { applyWrite, runRead } from '../src/keyspace/commands/registry';
import { Keyspace } from '../src/keyspace/keyspace';
import { profileById } from '../src/versions/profiles';

const OPS = 20_000;

function filled(size: number): Keyspace {
  const ks = new Keyspace(16, profileById('redis-7.2')!);
  const ctx = { ks, db: 0, now: Date.now() };
  for (let i = 0; i < size; i += 1000) {
    const argv = ['ZADD', 'z'];
    for (let j = i; j < Math.min(size, i + 1000); j++) argv.push(String(j), `member:${j}`);
    applyWrite(ctx, argv);
  }
  return ks;
}

/** CPU µs per command for `OPS` commands made by `argv(i)` on a zset of `size` members. */
function measure(size: number, argv: (i: number) => string[], isRead: boolean): number {
  const ks = filled(size);
  const ctx = { ks, db: 0, now: Date.now() };
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < OPS; i++) {
    const out = isRead ? runRead(ctx, argv(i)) : applyWrite(ctx, argv(i));
    if ('kind' in out && out.kind !== 'ok') throw new Error(`${argv(i).join(' ')}: ${JSON.stringify(out)}`);
  }
  const cpu = process.cpuUsage(cpu0);
  return (cpu.user + cpu.system) / OPS;
}

const cases: [string, (size: number) => (i: number) => string[], boolean][] = [
  ['ZADD (new members)', (size) => (i) => ['ZADD', 'z', String(size / 2 + i * 0.5), `new:${i}`], false],
  // A queue: each command adds at the tail or pops the head, so the size stays.
  ['ZADD + ZPOPMIN (queue)', (size) => (i) => (i % 2 === 0 ? ['ZADD', 'z', String(size + i), `q:${i}`] : ['ZPOPMIN', 'z']), false],
  // A sliding window: each command adds at the head and trims the tail by score.
  ['ZADD + ZREMRANGEBYSCORE (window)', (size) => (i) => (i % 2 === 0 ? ['ZADD', 'z', String(size + i), `w:${i}`] : ['ZREMRANGEBYSCORE', 'z', '-inf', `(${i}`]), false],
  ['ZRANGE 10 by rank from the middle', (size) => () => ['ZRANGE', 'z', String(size / 2), String(size / 2 + 9)], true],
];

const rows: string[][] = [['command', '1,000 members µs/cmd', '1,000,000 members µs/cmd', 'ratio']];
for (const [name, make, isRead] of process.argv[2] === 'memory' ? [] : cases) {
  measure(1000, make(1000), isRead); // warm-up: the JIT, so that the first size is not charged for it
  const small = measure(1000, make(1000), isRead);
  const large = measure(1_000_000, make(1_000_000), isRead);
  rows.push([name, small.toFixed(2), large.toFixed(2), (large / small).toFixed(2)]);
}

if (process.argv[2] !== 'memory') {
  // Packed small zsets: ZADD (half updates, half new members) and ZRANGE over 5,000 zsets of 20.
  const ks = new Keyspace(16, profileById('redis-7.2')!);
  const ctx = { ks, db: 0, now: Date.now() };
  for (let k = 0; k < 5000; k++) {
    const argv = ['ZADD', `s:${k}`];
    for (let j = 0; j < 20; j++) argv.push(String(j), `member:${j}`);
    applyWrite(ctx, argv);
  }
  for (const [name, argv] of [
    ['ZADD on 5,000 packed zsets of 20', (i: number) => ['ZADD', `s:${i % 5000}`, String(i % 7), `member:${i % 40}`]],
    ['ZRANGE 0 9 WITHSCORES on packed zsets of 20', (i: number) => ['ZRANGE', `s:${i % 5000}`, '0', '9', 'WITHSCORES']],
  ] as const) {
    const cpu0 = process.cpuUsage();
    for (let i = 0; i < OPS; i++) (name.startsWith('ZADD') ? applyWrite : runRead)(ctx, argv(i));
    const cpu = process.cpuUsage(cpu0);
    rows.push([name, ((cpu.user + cpu.system) / OPS).toFixed(2), '', '']);
  }
}

const gc = (globalThis as { gc?: () => void }).gc;
function heapAfter(build: () => unknown): [number, unknown] {
  gc?.();
  const before = process.memoryUsage().heapUsed;
  const kept = build();
  gc?.();
  return [process.memoryUsage().heapUsed - before, kept];
}

// Member strings are counted too (they are what a listpack stores): "member:NNNNN" is 12-13 bytes.
const [smallBytes] = heapAfter(() => {
  const ks = new Keyspace(16, profileById('redis-7.2')!);
  const ctx = { ks, db: 0, now: Date.now() };
  for (let k = 0; k < 50_000; k++) {
    const argv = ['ZADD', `z:${k}`];
    for (let j = 0; j < 20; j++) argv.push(String(j * 1.5), `member:${k * 20 + j}`);
    applyWrite(ctx, argv);
  }
  return ks;
});
const [largeBytes] = heapAfter(() => filled(1_000_000));

const width = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
for (const r of rows) console.log(r.map((x, c) => x.padEnd(width[c]!)).join('  '));
console.log('');
if (!gc) console.log('(run with --expose-gc for the memory figures)');
console.log(`heap per member, 50,000 zsets of 20 (with keys and member strings): ${(smallBytes / 1_000_000).toFixed(1)} B (${(smallBytes / 50_000).toFixed(0)} B per zset)`);
console.log(`heap per member, one zset of 1,000,000 (with member strings): ${(largeBytes / 1_000_000).toFixed(1)} B`);
