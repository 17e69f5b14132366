// A seeded random workload of every Array write a client can make on a Redis
// 8.8 master (ARSET single and bulk, ARMSET, ARDEL, ARDELRANGE with several
// ranges, ARINSERT, ARRING growing and shrinking, ARSEEK to 0, ahead and to
// the end of the index space), INCREX in every form, DUMP/RESTORE of arrays,
// and the generic writes on array keys (EXPIRE, COPY, RENAME, MOVE, DEL), with
// bad arguments and wrong types mixed in (Redis refuses them and propagates
// nothing). Indexes stay below 610k so DEBUG DIGEST (which walks every index
// up to the length) stays fast; one key, BLOCKS_KEY, goes past 2048 slices
// (index 8388608) so its directory switches to blocks, and comes back.
import type { RedisClient } from '../../src/net/redisClient';
import { seededRandom } from './streamWorkload';

export interface ArrayWorkloadOptions {
  seed: number;
  ops: number;
  /** [db, key] pairs holding arrays. */
  keys: [number, string][];
  /** The most values one bulk ARSET writes (default 5000). */
  bulk?: number;
}

/** A string key in every database used, for WRONGTYPE. */
export const STRING_KEY = 'not-an-array';
/** The array whose directory turns into blocks, in the first key's database. */
export const BLOCKS_KEY = 'blocks';

type Arg = string | Buffer;

/** The element texts the workload writes: every way arEncode stores one. */
export function elementValue(rnd: () => number): Arg {
  const int = (n: number): number => Math.floor(rnd() * n);
  const r = rnd();
  if (r < 0.2) return String(int(2000) - 1000);
  if (r < 0.25) return String(2n ** 61n + BigInt(int(1000))); // past 62 bits: a string
  if (r < 0.4) return `${int(1000) - 500}.${int(100)}`;
  if (r < 0.45) return ['1.0', '-0.0', '0.0', '2.5', '0.1', '1e3', '.5', '5.', '-', '007'][int(10)]!;
  if (r < 0.6) return `s${int(100)}`;
  if (r < 0.7) return Buffer.from(Array.from({ length: int(12) }, () => int(256)));
  if (r < 0.75) return `${'x'.repeat(40 + int(200))}-${int(10)}`;
  if (r < 0.8) return '';
  return ['Hello', 'WORLD', 'hello world', 'foo_bar', 'Foo-Bar', 'abc123', 'ABC', 'a.b.c', 'ünï'][int(9)]!;
}

/** Runs the workload; `c` must return Buffers (DUMP payloads are binary). Returns the count of each command run, "<NAME> error" for refused ones. */
export async function runArrayWorkload(c: RedisClient, o: ArrayWorkloadOptions): Promise<Map<string, number>> {
  const rnd = seededRandom(o.seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const int = (n: number): number => Math.floor(rnd() * n);
  const counts = new Map<string, number>();
  const dbs = [...new Set(o.keys.map(([db]) => db))];
  let db = -1;
  const select = async (d: number): Promise<void> => {
    if (d !== db) await c.send('SELECT', d);
    db = d;
  };
  for (const d of dbs) {
    await select(d);
    await c.send('SET', STRING_KEY, 'a string');
  }

  const index = (): string => {
    const r = rnd();
    if (r < 0.5) return String(int(64));
    if (r < 0.8) return String(int(20000));
    return String(int(600_000));
  };
  const values = (n: number): Arg[] => Array.from({ length: n }, () => elementValue(rnd));
  const bad = (): string => pick(['-1', 'x', '18446744073709551615', '1.5', '']);

  const run = async (args: Arg[]): Promise<void> => {
    const r = await c.send(...args);
    const name = String(args[0]);
    const ok = !(r instanceof Error);
    const tag = ok ? name : `${name} error`;
    counts.set(tag, (counts.get(tag) ?? 0) + 1);
  };

  for (let i = 0; i < o.ops; i++) {
    const [d, key] = pick(o.keys);
    await select(d);
    const target = rnd() < 0.03 ? STRING_KEY : key;
    const r = rnd();
    if (r < 0.18) {
      const n = rnd() < 0.15 ? 20 + int(o.bulk ?? 5000) : 1 + int(4);
      await run(['ARSET', target, rnd() < 0.02 ? bad() : index(), ...values(n)]);
    } else if (r < 0.26) {
      const args: Arg[] = ['ARMSET', target];
      for (let j = 1 + int(5); j > 0; j--) args.push(index(), elementValue(rnd));
      if (rnd() < 0.02) args.pop();
      await run(args);
    } else if (r < 0.36) {
      await run(['ARDEL', target, ...Array.from({ length: 1 + int(6) }, index)]);
    } else if (r < 0.42) {
      const args: Arg[] = ['ARDELRANGE', target];
      for (let j = 1 + int(3); j > 0; j--) {
        const a = Number(index());
        args.push(String(a), String(rnd() < 0.6 ? a + int(3000) : Math.max(0, a - int(3000))));
      }
      await run(args);
    } else if (r < 0.52) {
      await run(['ARINSERT', target, ...values(rnd() < 0.1 ? 20 + int(300) : 1 + int(4))]);
    } else if (r < 0.62) {
      await run(['ARRING', target, rnd() < 0.02 ? pick(['0', '-3', 'x']) : String(1 + int(rnd() < 0.5 ? 8 : 400)), ...values(1 + int(rnd() < 0.1 ? 50 : 4))]);
    } else if (r < 0.67) {
      await run(['ARSEEK', target, pick(['0', index(), index(), '18446744073709551615', bad()])]);
    } else if (r < 0.76) {
      await run(increxCommand(rnd));
    } else if (r < 0.8) {
      const payload = await c.send('DUMP', key);
      if (Buffer.isBuffer(payload)) {
        const to = `${key}:restored`;
        await run(['RESTORE', to, rnd() < 0.5 ? '0' : String(60_000 + int(100_000)), payload, 'REPLACE']);
      }
    } else if (r < 0.83) {
      await run(['PEXPIRE', key, String(3_600_000 + int(1000))]);
    } else if (r < 0.86) {
      await run(['COPY', key, `${key}:copy`, 'REPLACE']);
    } else if (r < 0.88) {
      await run(['RENAME', `${key}:copy`, `${key}:renamed`]);
    } else if (r < 0.9) {
      await run(['MOVE', `${key}:renamed`, String(pick(dbs.filter((x) => x !== d).concat([d + 1])))]);
    } else if (r < 0.92) {
      await run(['DEL', `${key}:restored`]);
    } else {
      await run(['ARSET', key, index(), ...values(1 + int(3))]);
    }
  }
  // Past slice 2048 the directory becomes blocks; then writes, deletes and cursors across them.
  await select(o.keys[0]![0]);
  const past = 8_388_608;
  await run(['ARSET', BLOCKS_KEY, '7', ...values(3)]);
  await run(['ARSET', BLOCKS_KEY, String(past), ...values(40)]);
  await run(['ARMSET', BLOCKS_KEY, String(past + 4096 * 2048), 'far', String(past + 77), 'mid']);
  await run(['ARDEL', BLOCKS_KEY, String(past + 4096 * 2048)]);
  await run(['ARSEEK', BLOCKS_KEY, String(past + 100)]);
  await run(['ARINSERT', BLOCKS_KEY, ...values(20)]);
  await run(['ARDELRANGE', BLOCKS_KEY, '10', String(past + 10), String(past + 110), String(past + 105)]);
  // Back below slice 2048 (the directory stays blocks): DEBUG DIGEST then walks 10 positions, not 8 million.
  await run(['ARDELRANGE', BLOCKS_KEY, String(past), '18446744073709551614']);
  return counts;
}

/** An INCREX of any form, on a counter, a float, or (rarely) something that is not a number. */
export function increxCommand(rnd: () => number): Arg[] {
  const int = (n: number): number => Math.floor(rnd() * n);
  const byFloat = rnd() < 0.4;
  const args: Arg[] = ['INCREX', byFloat ? 'float-counter' : pick(['counter', 'counter', STRING_KEY])];
  if (byFloat) args.push('BYFLOAT', pick(['0.1', '-2.5', '1e3', '3', '0.30000000000000004']));
  else if (rnd() < 0.7) args.push('BYINT', String(int(200) - 100));
  if (rnd() < 0.3) args.push('LBOUND', byFloat ? '-50.5' : String(-50 - int(10)));
  if (rnd() < 0.3) args.push('UBOUND', byFloat ? '75.25' : String(50 + int(10)));
  if (rnd() < 0.3) args.push('SATURATE');
  const e = rnd();
  if (e < 0.15) args.push('EX', String(100 + int(100)));
  else if (e < 0.25) args.push('PX', String(100_000 + int(100)));
  else if (e < 0.3) args.push('PXAT', String(Date.now() + 500_000));
  else if (e < 0.35) args.push('PERSIST');
  if (e < 0.3 && rnd() < 0.4) args.push('ENX');
  return args;

  function pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(rnd() * xs.length)]!;
  }
}

