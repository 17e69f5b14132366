// A seeded random workload of every stream write a client can make (XADD with
// every trim form, XDEL, XTRIM, XSETID, XGROUP *, XREADGROUP with and without
// NOACK, XACK, XCLAIM, XAUTOCLAIM), run against a real master. IDs to delete,
// ack or claim are read back from the master so most commands do something.
import type { RedisClient, Reply } from '../../src/net/redisClient';

export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

export interface StreamWorkloadOptions {
  seed: number;
  ops: number;
  /** [db, key] pairs the workload writes. */
  keys: [number, string][];
  groups: string[];
  consumers: string[];
}

type Arg = string | Buffer;

export async function runStreamWorkload(c: RedisClient, o: StreamWorkloadOptions): Promise<Map<string, number>> {
  const rnd = seededRandom(o.seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const int = (n: number): number => Math.floor(rnd() * n);
  const counts = new Map<string, number>();
  let db = -1;

  const value = (): Arg => {
    const r = rnd();
    if (r < 0.3) return String(int(100000) - 500);
    if (r < 0.5) return Buffer.from(Array.from({ length: 1 + int(12) }, () => int(256)));
    if (r < 0.55) return 'v'.repeat(300 + int(1500)); // grows nodes by bytes
    if (r < 0.6) return Buffer.from('wert ü ✓', 'utf8');
    return `val-${int(1000)}`;
  };
  const ids = async (key: string, n: number): Promise<string[]> => {
    const all = (await c.send('XRANGE', key, '-', '+')) as Reply[];
    if (!Array.isArray(all) || all.length === 0) return [];
    return Array.from({ length: n }, () => String((pick(all) as Reply[])[0]));
  };
  const pendingIds = async (key: string, group: string, n: number): Promise<string[]> => {
    const p = (await c.send('XPENDING', key, group, '-', '+', 100)) as Reply[];
    if (!Array.isArray(p) || p.length === 0) return [];
    return Array.from({ length: n }, () => String((pick(p) as Reply[])[0]));
  };
  const lastMs = async (key: string): Promise<number> => {
    const last = (await c.send('XREVRANGE', key, '+', '-', 'COUNT', 1)) as Reply[];
    return Array.isArray(last) && last.length ? Number(String((last[0] as Reply[])[0]).split('-')[0]) : Date.now();
  };
  const trim = async (key: string): Promise<Arg[]> => {
    const approx = rnd() < 0.5 ? ['~'] : rnd() < 0.5 ? ['='] : [];
    const limit = approx[0] === '~' && rnd() < 0.5 ? ['LIMIT', String(int(300))] : [];
    if (rnd() < 0.7) return ['MAXLEN', ...approx, String(200 + int(600)), ...limit];
    // An ID from the oldest tenth: trims some, keeps most.
    const head = (await c.send('XRANGE', key, '-', '+', 'COUNT', 1 + int(40))) as Reply[];
    const some = Array.isArray(head) && head.length ? String((head[head.length - 1] as Reply[])[0]) : '0-1';
    return ['MINID', ...approx, some, ...limit];
  };

  for (let i = 0; i < o.ops; i++) {
    const [keyDb, key] = pick(o.keys);
    if (keyDb !== db) {
      await c.send('SELECT', keyDb);
      db = keyDb;
    }
    const group = pick(o.groups);
    const consumer = pick(o.consumers);
    const r = rnd();
    let cmd: Arg[];
    if (r < 0.55) {
      const fields: Arg[] = [];
      const n = rnd() < 0.7 ? 2 : 1 + int(3);
      for (let f = 0; f < n; f++) fields.push(rnd() < 0.8 ? ['name', 'n', 'x', 'field'][f % 4]! : `f${int(5)}`, value());
      const opts: Arg[] = rnd() < 0.1 ? await trim(key) : [];
      if (rnd() < 0.05) opts.push('NOMKSTREAM');
      const idArg = rnd() < 0.8 ? '*' : rnd() < 0.5 ? `${(await lastMs(key)) + int(3)}-*` : `${(await lastMs(key)) + 1 + int(3)}-${int(5)}`;
      cmd = ['XADD', key, ...opts, idArg, ...fields];
    } else if (r < 0.59) {
      cmd = ['XDEL', key, ...(await ids(key, 1 + int(2))), `${int(5)}-0`];
    } else if (r < 0.605) {
      cmd = ['XTRIM', key, ...(await trim(key))];
    } else if (r < 0.65) {
      const sub = pick(['CREATE', 'CREATE', 'SETID', 'DESTROY', 'CREATECONSUMER', 'DELCONSUMER']);
      if (sub === 'CREATE') {
        const start = pick(['$', '0', ...(await ids(key, 1))]);
        cmd = ['XGROUP', 'CREATE', key, group, start, ...(rnd() < 0.3 ? ['MKSTREAM'] : []), ...(rnd() < 0.3 ? ['ENTRIESREAD', String(int(20))] : [])];
      } else if (sub === 'SETID') {
        cmd = ['XGROUP', 'SETID', key, group, pick(['$', '0', ...(await ids(key, 1))]), ...(rnd() < 0.5 ? ['ENTRIESREAD', String(int(30))] : [])];
      } else if (sub === 'DESTROY') {
        cmd = rnd() < 0.3 ? ['XGROUP', 'DESTROY', key, group] : ['PING'];
      } else {
        cmd = ['XGROUP', sub, key, group, consumer];
      }
    } else if (r < 0.79) {
      const noack = rnd() < 0.2 ? ['NOACK'] : [];
      const from = rnd() < 0.85 ? '>' : '0';
      cmd = ['XREADGROUP', 'GROUP', group, consumer, 'COUNT', String(1 + int(6)), ...noack, 'STREAMS', key, from];
    } else if (r < 0.86) {
      cmd = ['XACK', key, group, ...(await pendingIds(key, group, 1 + int(3)))];
      if (cmd.length === 3) cmd.push('0-1');
    } else if (r < 0.92) {
      const claim = [...(await pendingIds(key, group, 1 + int(2))), ...(rnd() < 0.3 ? await ids(key, 1) : [])];
      if (claim.length === 0) claim.push('1-1');
      const opts: Arg[] = [];
      if (rnd() < 0.3) opts.push('IDLE', String(int(5000)));
      if (rnd() < 0.3) opts.push('RETRYCOUNT', String(int(9)));
      if (rnd() < 0.3) opts.push('FORCE');
      if (rnd() < 0.3) opts.push('JUSTID');
      cmd = ['XCLAIM', key, group, consumer, String(rnd() < 0.8 ? 0 : 1_000_000), ...claim, ...opts];
    } else if (r < 0.97) {
      cmd = ['XAUTOCLAIM', key, group, consumer, '0', rnd() < 0.5 ? '0-0' : '-', 'COUNT', String(1 + int(5)), ...(rnd() < 0.3 ? ['JUSTID'] : [])];
    } else {
      const info = (await c.send('XINFO', 'STREAM', key)) as Reply[];
      if (!Array.isArray(info)) continue;
      const field = (name: string): string => String(info[info.indexOf(name) + 1]);
      const [ms, seq] = field('last-generated-id').split('-').map(Number);
      const opts = rnd() < 0.5 ? ['ENTRIESADDED', String(Number(field('entries-added')) + int(3)), 'MAXDELETEDID', `${ms! - 1}-0`] : [];
      cmd = ['XSETID', key, `${ms! + int(2)}-${seq! + 1}`, ...opts];
    }
    const reply = await c.send(...cmd);
    const name = String(cmd[0]) + (reply instanceof Error ? ' (error)' : '');
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return counts;
}
