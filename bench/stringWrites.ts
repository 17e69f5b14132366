// Cost of the string writes Redis does in place, applied as a replica applies
// them: 20,000 SETBIT, SETRANGE and APPEND on one key holding a 1 KB and a
// 1 MB value, and PFADD to a dense HyperLogLog; ns per command (median of 5
// runs, each on a fresh key).
//   node out/bench/stringWrites.js
import { applyWrite } from '../src/keyspace/commands/registry';
import { Keyspace } from '../src/keyspace/keyspace';

const N = 20_000;

function argvFor(kind: string, size: number, i: number): string[] {
  // Offsets spread over the value (a multiplicative hash of i), so no write lands where the last did.
  const at = (i * 2654435761) % size;
  if (kind === 'SETBIT') return ['SETBIT', 'k', String(at * 8 + (i & 7)), String(i & 1)];
  if (kind === 'SETRANGE') return ['SETRANGE', 'k', String(Math.max(0, at - 8)), 'abcdefgh'];
  return ['APPEND', 'k', 'a'];
}

function once(kind: string, size: number): number {
  const ks = new Keyspace();
  const ctx = { ks, db: 0, now: Date.now() };
  applyWrite(ctx, ['SET', 'k', 'x'.repeat(size)]);
  const cmds = Array.from({ length: N }, (_, i) => argvFor(kind, size, i));
  const t0 = process.hrtime.bigint();
  for (const argv of cmds) applyWrite(ctx, argv);
  return Number(process.hrtime.bigint() - t0) / N;
}

// A warm-up pass, so the first figures do not carry the JIT's compile time.
for (const kind of ['SETBIT', 'SETRANGE', 'APPEND']) once(kind, 1024);
for (const size of [1024, 1024 * 1024]) {
  for (const kind of ['SETBIT', 'SETRANGE', 'APPEND']) {
    const runs = Array.from({ length: 5 }, () => once(kind, size)).sort((a, b) => a - b);
    process.stdout.write(`${kind} on a ${size === 1024 ? '1 KB' : '1 MB'} value: ${runs[2]!.toFixed(0)} ns per command\n`);
  }
}

function pfaddDense(): number {
  const ks = new Keyspace();
  const ctx = { ks, db: 0, now: Date.now() };
  applyWrite(ctx, ['PFADD', 'h', ...Array.from({ length: 3000 }, (_, i) => `e${i}`)]);
  const cmds = Array.from({ length: N }, (_, i) => ['PFADD', 'h', `x${i}`]);
  const t0 = process.hrtime.bigint();
  for (const argv of cmds) applyWrite(ctx, argv);
  return Number(process.hrtime.bigint() - t0) / N;
}
const pf = Array.from({ length: 5 }, pfaddDense).sort((a, b) => a - b);
process.stdout.write(`PFADD to a dense HyperLogLog: ${pf[2]!.toFixed(0)} ns per command\n`);
