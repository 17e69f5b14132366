// A seeded workload over every type, shaped to cross the encoding limits each
// version has (embstr/raw by key length on Redis 8, listpack/quicklist lists
// and their PLAIN nodes, intset/listpack/hashtable sets, listpackex hashes),
// with fractional scores of every kind, SORT … STORE, field TTLs where the
// version has them and the Redis 8.x commands its profile names. A step is one
// command or a few; the generator only emits what the version accepts, so a
// step failing on the master is the workload's bug, not the replica's.
import type { KeyspaceDialect } from '../../src/versions/profile';
import { rng } from './keyspaceHarness';

export type Arg = string | Buffer;
export type Step = Arg[][];

/** Doubles whose shortest text and "%.17g" differ, plus integers, tiny, huge and random ones. */
export function scoreFor(r: () => number): string {
  const n = (k: number): number => Math.floor(r() * k);
  switch (n(9)) {
    case 0: return (n(2000) / 10 - 100).toString(); // 0.1 steps: the classic %.17g difference
    case 1: return String((r() - 0.5) * 10 ** (n(40) - 20));
    case 2: return String(n(100000) - 50000);
    case 3: return String(2 ** 53 + n(64) - 32);
    case 4: return ['1e21', '1e-7', '123456789012345680', '4.35', '0.3', '-0', '1e17', '9.999999999999999e20', '1e-6'][n(9)]!;
    case 5: {
      // A random finite bit pattern.
      const b = Buffer.alloc(8);
      for (let i = 0; i < 8; i++) b[i] = n(256);
      b[0]! &= 0x7f;
      if ((b.readUInt16BE(0) >> 4) === 0x7ff) b[0] = 0x40;
      const d = b.readDoubleBE(0);
      return String(r() < 0.5 ? -d : d);
    }
    case 6: return String(n(1000) / 8);
    case 7: return ['inf', '-inf', '+inf'][n(3)]!;
    default: return (n(10000) / 100).toString();
  }
}

const GEO_POINTS: readonly string[][] = [
  ['13.583333', '37.316667', 'Agrigento'], ['14.55', '37.066667', 'Gela'], ['15.55', '38.183333', 'Messina'], ['12.5', '37.8', 'Marsala'],
];

export function dialectWorkload(d: KeyspaceDialect, seed: number, steps: number): Step[] {
  const r = rng(seed);
  const n = (k: number): number => Math.floor(r() * k);
  const pick = <T>(xs: readonly T[]): T => xs[n(xs.length)]!;
  const chance = (p: number): boolean => r() < p;
  const bytes = (len: number, c = 'v'): string => c.repeat(len);
  const key = (t: string, k = 5): string => `${t}:${n(k)}`;
  const longKey = (t: string): string => `${t}:${'k'.repeat(n(40))}`;
  const int = (): string => String(pick([0, 1, 7, 127, 128, 4095, 4096, 65535, 65536, -1, -4096, -4097, 2 ** 31, 2 ** 40, -(2 ** 40)]) + n(3));
  const elem = (): string => (chance(0.4) ? int() : chance(0.6) ? bytes(1 + n(20), pick(['a', 'b', 'c'])) : bytes(60 + n(200), 'x'));
  const member = (): string => (chance(0.6) ? String(n(60) - 10) : chance(0.8) ? `m${n(40)}` : bytes(65 + n(10), 'L'));
  const ttl = (): string => String(200_000 + n(100_000));
  const future = (): string => String(Date.now() + 500_000 + n(100_000));
  const fieldTtls = d.has('hash-field-expiry');
  const exCommands = d.has('hash-field-ex-commands');
  const cmds84 = d.has('redis-8.4-commands');
  const ops82 = d.has('redis-8.2-commands');

  const table: (() => Step)[] = [
    // strings: embstr/raw borders (44 bytes; key + value 41 on Redis 8), ints, raw writes
    () => [['SET', pick([key('s'), longKey('s')]), bytes(30 + n(20))]],
    () => [['SET', key('s'), chance(0.5) ? int() : bytes(n(50))]],
    () => [['SET', key('s'), bytes(1 + n(40)), 'EX', ttl()]],
    () => [['APPEND', key('s'), 'tail']],
    () => [['INCRBYFLOAT', key('f', 3), pick(['0.1', '1.5', '-2.25', '3', '1e3'])]],
    () => [['SETRANGE', key('s'), String(n(10)), 'xy']],
    () => [['RENAME', key('s'), pick([key('s'), longKey('s')])]],
    () => [['COPY', key('s'), longKey('s'), 'REPLACE']],
    () => [['MSET', key('s'), bytes(n(45)), longKey('s'), bytes(n(45))]],
    // lists: small, past 8 KB, big elements, shrink back
    () => [[pick(['RPUSH', 'LPUSH']), key('l'), ...Array.from({ length: 1 + n(4) }, elem), ...(chance(0.3) ? ['pivot'] : [])]],
    () => [['RPUSH', key('l'), ...Array.from({ length: 10 + n(60) }, () => bytes(100 + n(100), 'q'))]],
    () => [['LPUSH', key('l'), bytes(chance(0.5) ? 9000 + n(2000) : 3000 + n(3000), 'B')]],
    () => [[pick(['LPOP', 'RPOP']), key('l'), String(1 + n(40))]],
    () => [['LTRIM', key('l'), String(n(5)), String(n(30) - 5)]],
    () => [['LREM', key('l'), String(n(5) - 2), pick(['1', 'a', 'q'.repeat(150), int()])]],
    () => {
      const l = key('l');
      const insert: Arg[] = ['LINSERT', l, pick(['BEFORE', 'AFTER']), pick(['pivot', 'pivot', '1', int()]), chance(0.1) ? bytes(9000, 'I') : elem()];
      return chance(0.5) ? [['RPUSH', l, 'pivot'], insert] : [insert];
    },
    () => [['LSET', key('l'), String(n(6) - 3), chance(0.2) ? bytes(9000, 'S') : elem()]],
    () => [['LMOVE', key('l'), key('l'), pick(['LEFT', 'RIGHT']), pick(['LEFT', 'RIGHT'])]],
    () => [['LMPOP', '2', key('l'), key('l'), pick(['LEFT', 'RIGHT']), 'COUNT', String(1 + n(20))]],
    // sets: intset, listpack (7.2+), hashtable; size hints; stores
    () => [['SADD', key('S'), ...Array.from({ length: 1 + n(5) }, member)]],
    () => [['SADD', key('I', 3), ...Array.from({ length: 1 + n(8) }, () => String(n(1000) - 500))]],
    () => [['SADD', key('P', 3), ...Array.from({ length: 1 + n(5) }, () => pick(['a', 'bb', 'ccc', 'dddd', String(n(9))]))]],
    () => [['SADD', key('S'), ...Array.from({ length: 100 + n(60) }, () => String(n(300)))]],
    () => [['SADD', key('S'), ...Array.from({ length: 120 + n(20) }, () => `w${n(60)}`)]],
    () => [['SREM', key('S'), member(), member(), String(n(300))]],
    () => [['SMOVE', key('S'), key('S', 8), member()]],
    () => [['SPOP', key('S'), String(1 + n(30))]],
    () => [[pick(['SINTERSTORE', 'SUNIONSTORE', 'SDIFFSTORE']), key('S', 8), pick([key('S'), key('I', 3), key('P', 3)]), key('S'), pick([key('S'), key('I', 3), key('P', 3)])]],
    // zsets with fractional scores; GEO distances
    () => [['ZADD', key('z'), ...Array.from({ length: 1 + n(6) }, () => [scoreFor(r), member()]).flat()]],
    () => [['ZADD', key('z'), ...Array.from({ length: 130 }, (_, i) => [scoreFor(r), `big${i}`]).flat()]],
    () => [['ZINCRBY', key('z'), pick(['0.1', '0.2', '-1.5', '1e-3', '3']), member()]],
    () => [['ZREM', key('z'), member(), member()]],
    () => [[pick(['ZUNIONSTORE', 'ZINTERSTORE']), key('z', 8), '2', key('z'), key('z'), 'WEIGHTS', pick(['0.1', '3', '1.5']), '0.7']],
    // Fixed points: the replica's sin/cos/asin are V8's, which differ from glibc's in the last bit for
    // some inputs (cos(0.1)), so a random point can store a distance 1 ulp apart (see the report).
    () => [['GEOADD', key('g', 2), '13.361389', '38.115556', 'Palermo', '15.087269', '37.502669', 'Catania', ...pick(GEO_POINTS)]],
    () => [['GEOSEARCHSTORE', key('z', 8), key('g', 2), 'FROMLONLAT', '15', '37', 'BYRADIUS', String(100 + n(300)), 'km', 'ASC', 'STOREDIST']],
    // hashes
    () => [['HSET', key('h'), `f${n(8)}`, chance(0.1) ? bytes(70) : String(n(100)), `g${n(8)}`, 'v']],
    () => [['HDEL', key('h'), `f${n(8)}`, `g${n(8)}`]],
    () => [['HINCRBYFLOAT', key('h'), `n${n(3)}`, pick(['0.1', '2.5', '-1.125'])]],
    () => [['HSET', key('H'), ...Array.from({ length: 600 }, (_, i) => [`k${i}`, 'v']).flat()]],
    // SORT … STORE (deterministic forms: numeric, ALPHA without BY, BY with distinct weights)
    () => [['SET', `w_${n(40) - 10}`, String(n(1000))], ['HSET', `wh_${n(40) - 10}`, 'x', String(n(50))]],
    () => {
      const src = pick([key('l'), key('S'), key('z')]);
      const opts: string[] = [];
      if (chance(0.5)) opts.push('BY', pick(['w_*', 'wh_*->x', 'nosort']));
      else if (chance(0.5)) opts.push('ALPHA');
      if (chance(0.3)) opts.push('LIMIT', String(n(5)), String(n(10) - 1));
      if (chance(0.5)) opts.push('DESC');
      if (chance(0.4)) opts.push('GET', pick(['#', 'w_*', 'wh_*->x']));
      return [['SORT', src, ...opts, 'STORE', key('l', 8)]];
    },
    // keys
    () => [['EXPIRE', key(pick(['l', 'S', 'z', 'h'])), ttl()]],
    () => [['MOVE', key(pick(['s', 'l', 'h'])), '1']],
    () => [['DEL', key(pick(['l', 'S', 'z', 'h', 's']))]],
  ];
  if (fieldTtls) {
    table.push(
      () => [['HPEXPIRE', key('h'), ttl(), 'FIELDS', '2', `f${n(8)}`, `g${n(8)}`]],
      () => [['HEXPIREAT', key('h'), String(Math.floor(Date.now() / 1000) + 600 + n(100)), pick(['NX', 'XX', 'GT', 'LT']), 'FIELDS', '1', `f${n(8)}`]],
      () => [['HPERSIST', key('h'), 'FIELDS', '3', `f${n(8)}`, `g${n(8)}`, `g${n(8)}`]],
      () => {
        const h = key('h'), f = `f${n(8)}`;
        return [['HSET', h, f, 'p'], ['HPEXPIRE', h, ttl(), 'FIELDS', '1', f], ['HPERSIST', h, 'FIELDS', '1', f]];
      },
      () => [['HEXPIRE', key('H'), '900', 'FIELDS', '1', `k${n(600)}`]],
      // Fields that expire on the master (HDEL follows) are never persisted or reset: a replica
      // applying HPERSIST after the TTL passed keeps it, so the outcome would depend on timing.
      () => [['HSET', key('h'), `e${n(4)}`, 'soon'], ['HPEXPIRE', key('h'), String(30 + n(40)), 'FIELDS', '1', `e${n(4)}`]],
    );
  }
  if (exCommands) {
    table.push(
      () => [['HSETEX', key('h'), ...(chance(0.3) ? [pick(['FNX', 'FXX'])] : []), ...pick([['EX', '500'], ['PX', '600000'], ['PXAT', future()], ['KEEPTTL'], []]), 'FIELDS', '2', `f${n(8)}`, 'x', `g${n(8)}`, 'y']],
      () => [['HGETEX', key('h'), ...pick([['EX', '700'], ['PERSIST'], ['PX', '0'], []]), 'FIELDS', '2', `f${n(8)}`, `g${n(8)}`]],
      () => [['HGETDEL', key('h'), 'FIELDS', '2', `f${n(8)}`, `g${n(8)}`]],
    );
  }
  if (ops82) table.push(() => [['BITOP', pick(['DIFF', 'DIFF1', 'ANDOR', 'ONE', 'AND']), key('b', 3), key('s'), key('s'), key('b', 3)]]);
  if (cmds84) {
    table.push(
      () => [['MSETEX', '2', key('s'), bytes(n(20)), longKey('s'), bytes(n(20)), ...pick([['EX', '300'], ['PXAT', future()], ['KEEPTTL'], ['NX'], ['XX', 'PX', '900000'], []])]],
      () => [['SET', key('s'), bytes(n(10), 'n'), pick(['IFEQ', 'IFNE']), bytes(n(10), 'n')]],
      () => [['DELEX', key('s'), ...pick([[], ['IFEQ', 'vvv'], ['IFNE', 'zz']])]],
    );
  }
  const out: Step[] = [];
  for (let i = 0; i < steps; i++) {
    const step = pick(table)();
    // One step in ten runs in db 1 or 2.
    if (chance(0.1)) out.push([['SELECT', String(1 + n(2))], ...step, ['SELECT', '0']]);
    else out.push(step);
  }
  return out;
}
