// Geo commands (geo.c). GEOADD reaches a replica as ZADD (redis-server rewrites
// it), but is applied too. GEOSEARCHSTORE and GEORADIUS[BYMEMBER] … STORE are
// replicated as sent, so the replica runs the same search: the same 9 geohash
// boxes in the same order, the same distance test, the same sort and COUNT.
import { reply, type ReplyValue } from '../../resp/encode';
import type { ApplyOutcome, CommandContext, ReadCommand, WriteCommand } from '../command';
import type { Bytes, Value } from '../values';
import { align52, decodeScore, distance, encode, LAT_MAX, LAT_MIN, LON_MAX, LON_MIN, searchBoxes, STEP_MAX, withinShape, type Shape } from './geohash';
import { formatHuman, fromDouble } from './longDouble';
import {
  bulk, ERR_NOT_INT, ERR_SYNTAX, fail, int, NIL, OK_OUTCOME, parseDouble, parseInt64, read, readEntry, rerr, write,
  writeEntry, WRONGTYPE,
} from './util';
import { applyZadd, storeZset } from './zsets';
import type { ZsetValue } from './zsetRange';

const FLAG_RADIUS_COORDS = 1, FLAG_RADIUS_MEMBER = 2, FLAG_SEARCH = 4, FLAG_SEARCHSTORE = 8, FLAG_NOSTORE = 16;

function lonLat(lonArg: Bytes, latArg: Bytes): [number, number] | string {
  const lon = parseDouble(lonArg), lat = parseDouble(latArg);
  if (lon === null || lat === null) return 'ERR value is not a valid float';
  if (lon < LON_MIN || lon > LON_MAX || lat < LAT_MIN || lat > LAT_MAX) {
    return `ERR invalid longitude,latitude pair ${lon.toFixed(6)},${lat.toFixed(6)}`;
  }
  return [lon, lat];
}

function unit(u: Bytes): number | null {
  switch (u.toLowerCase()) {
    case 'm': return 1;
    case 'km': return 1000;
    case 'ft': return 0.3048;
    case 'mi': return 1609.34;
    default: return null;
  }
}
const UNIT_ERR = 'ERR unsupported unit provided. please use M, KM, FT, MI';

const geoadd = write('geoadd', -5, (ctx, argv) => {
  let i = 2;
  const opts: Bytes[] = [];
  let nx = false, xx = false;
  for (; i < argv.length; i++) {
    const o = argv[i]!.toLowerCase();
    if (o === 'nx') nx = true;
    else if (o === 'xx') xx = true;
    else if (o !== 'ch') break;
    opts.push(argv[i]!);
  }
  if ((argv.length - i) % 3 !== 0 || (xx && nx)) return fail(ERR_SYNTAX);
  const zargs: Bytes[] = ['zadd', argv[1]!, ...opts];
  for (; i < argv.length; i += 3) {
    const p = lonLat(argv[i]!, argv[i + 1]!);
    if (typeof p === 'string') return fail(p);
    zargs.push(align52(encode(p[0], p[1], STEP_MAX)!).toString(), argv[i + 2]!);
  }
  return applyZadd(ctx, zargs);
});

interface GeoPoint { member: Bytes; score: number; dist: number }

interface Search {
  shape: Shape;
  count: number;
  any: boolean;
  sort: 'none' | 'asc' | 'desc';
  storeKey: Bytes | null;
  storeDist: boolean;
  withDist: boolean;
  withHash: boolean;
  withCoord: boolean;
  zset: ZsetValue | null;
}

function memberPos(z: ZsetValue | null, m: Bytes): [number, number] | null {
  const s = z?.score(m);
  return s === undefined ? null : decodeScore(s);
}

/** georadiusGeneric's argument handling; the parsed search or Redis's error text. */
function parseSearch(ctx: CommandContext, argv: Bytes[], srcIdx: number, flags: number, forWrite: boolean): Search | string {
  const e: Value | undefined = forWrite ? writeEntry(ctx, argv[srcIdx]!) : readEntry(ctx, argv[srcIdx]!);
  if (e && e.type !== 'zset') return WRONGTYPE;
  const zset = e ? (e as ZsetValue) : null;
  let base: number;
  let center: [number, number] | null = null;
  let radius: [number, number] | null = null; // [radius, conversion]
  let box: [number, number, number] | null = null; // [width, height, conversion]
  let storeKey: Bytes | null = null;
  const parseRadius = (r: Bytes, u: Bytes): [number, number] | string => {
    const d = parseDouble(r);
    if (d === null) return 'ERR need numeric radius';
    if (d < 0) return 'ERR radius cannot be negative';
    const c = unit(u);
    return c === null ? UNIT_ERR : [d, c];
  };
  if (flags & FLAG_RADIUS_COORDS) {
    base = 6;
    const p = lonLat(argv[2]!, argv[3]!);
    if (typeof p === 'string') return p;
    center = p;
    const r = parseRadius(argv[4]!, argv[5]!);
    if (typeof r === 'string') return r;
    radius = r;
  } else if (flags & FLAG_RADIUS_MEMBER) {
    base = 5;
    if (zset) {
      center = memberPos(zset, argv[2]!);
      if (!center) return 'ERR could not decode requested zset member';
      const r = parseRadius(argv[3]!, argv[4]!);
      if (typeof r === 'string') return r;
      radius = r;
    }
  } else {
    base = flags & FLAG_SEARCHSTORE ? 3 : 2;
    if (flags & FLAG_SEARCHSTORE) storeKey = argv[1]!;
  }
  let withDist = false, withHash = false, withCoord = false, any = false, storeDist = false;
  let fromMember = false, fromLoc = false;
  let sort: Search['sort'] = 'none';
  let count = 0;
  const rem = argv.length - base;
  for (let i = 0; i < rem; i++) {
    const a = argv[base + i]!.toLowerCase();
    const arg = (k: number): Bytes => argv[base + i + k]!;
    if (a === 'withdist') withDist = true;
    else if (a === 'withhash') withHash = true;
    else if (a === 'withcoord') withCoord = true;
    else if (a === 'any') any = true;
    else if (a === 'asc') sort = 'asc';
    else if (a === 'desc') sort = 'desc';
    else if (a === 'count' && i + 1 < rem) {
      const c = parseInt64(arg(1));
      if (c === null) return ERR_NOT_INT;
      if (c <= 0n) return 'ERR COUNT must be > 0';
      count = Number(c);
      i++;
    } else if ((a === 'store' || a === 'storedist') && i + 1 < rem && !(flags & (FLAG_NOSTORE | FLAG_SEARCH))) {
      storeKey = arg(1);
      storeDist = a === 'storedist';
      i++;
    } else if (a === 'storedist' && flags & FLAG_SEARCH && flags & FLAG_SEARCHSTORE) {
      storeDist = true;
    } else if (a === 'frommember' && i + 1 < rem && flags & FLAG_SEARCH && !fromLoc) {
      fromMember = true;
      if (zset) {
        center = memberPos(zset, arg(1));
        if (!center) return 'ERR could not decode requested zset member';
      }
      i++;
    } else if (a === 'fromlonlat' && i + 2 < rem && flags & FLAG_SEARCH && !fromMember) {
      const p = lonLat(arg(1), arg(2));
      if (typeof p === 'string') return p;
      center = p;
      fromLoc = true;
      i += 2;
    } else if (a === 'byradius' && i + 2 < rem && flags & FLAG_SEARCH && !box) {
      const r = parseRadius(arg(1), arg(2));
      if (typeof r === 'string') return r;
      radius = r;
      i += 2;
    } else if (a === 'bybox' && i + 3 < rem && flags & FLAG_SEARCH && !radius) {
      const w = parseDouble(arg(1));
      if (w === null) return 'ERR need numeric width';
      const h = parseDouble(arg(2));
      if (h === null) return 'ERR need numeric height';
      if (w < 0 || h < 0) return 'ERR height or width cannot be negative';
      const c = unit(arg(3));
      if (c === null) return UNIT_ERR;
      box = [w, h, c];
      i += 3;
    } else return ERR_SYNTAX;
  }
  if (storeKey !== null && (withDist || withHash || withCoord)) {
    return `ERR ${flags & FLAG_SEARCHSTORE ? 'GEOSEARCHSTORE' : 'STORE option in GEORADIUS'} is not compatible with WITHDIST, WITHHASH and WITHCOORD options`;
  }
  if (flags & FLAG_SEARCH && !(fromMember || fromLoc)) return `ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for ${argv[0]}`;
  if (flags & FLAG_SEARCH && !(radius || box)) return `ERR exactly one of BYRADIUS and BYBOX can be specified for ${argv[0]}`;
  if (any && !count) return 'ERR the ANY argument requires COUNT argument';
  if (count !== 0 && sort === 'none' && !any) sort = 'asc';
  const [lon, lat] = center ?? [0, 0];
  const shape: Shape = box
    ? { type: 'box', lon, lat, width: box[0], height: box[1], conversion: box[2] }
    : { type: 'circle', lon, lat, radius: radius ? radius[0] : 0, conversion: radius ? radius[1] : 1 };
  return { shape, count, any, sort, storeKey, storeDist, withDist, withHash, withCoord, zset };
}

/** membersOfAllNeighbors: the points inside the shape, box by box, in Redis's visiting order. */
function searchPoints(z: ZsetValue, shape: Shape, limit: number): GeoPoint[] {
  const out: GeoPoint[] = [];
  const boxes = searchBoxes(shape);
  let last = 0;
  for (let i = 0; i < boxes.length; i++) {
    const b = boxes[i];
    if (!b) continue;
    const prev = boxes[last];
    if (last && prev && b.bits === prev.bits && b.step === prev.step) continue;
    if (out.length && limit && out.length >= limit) break;
    const shift = BigInt(52 - b.step * 2);
    const min = Number(b.bits << shift), max = Number((b.bits + 1n) << shift);
    // The box's score range, as geoGetPointsInRange walks it: [min, max).
    z.walk(z.seek((s) => s >= min), false, (member, score) => {
      if (score >= max) return false;
      const [x, y] = decodeScore(score);
      const d = withinShape(shape, x, y);
      if (d !== null) out.push({ member, score, dist: d });
      return !(out.length && limit && out.length >= limit);
    });
    last = i;
  }
  return out;
}

/** The search's result, sorted and cut to COUNT as georadiusGeneric does. */
function results(s: Search): GeoPoint[] {
  if (!s.zset) return [];
  const pts = searchPoints(s.zset, s.shape, s.any ? s.count : 0);
  if (s.sort !== 'none') pts.sort((a, b) => (s.sort === 'asc' ? a.dist - b.dist : b.dist - a.dist));
  return s.count && pts.length > s.count ? pts.slice(0, s.count) : pts;
}

function storeSearch(ctx: CommandContext, argv: Bytes[], srcIdx: number, flags: number): ApplyOutcome {
  const s = parseSearch(ctx, argv, srcIdx, flags, true);
  if (typeof s === 'string') return fail(s);
  if (s.storeKey === null) return OK_OUTCOME; // a plain GEORADIUS: nothing written
  const pts = results(s);
  storeZset(ctx, s.storeKey, pts.map((p): [Bytes, number] => [p.member, s.storeDist ? p.dist / s.shape.conversion : p.score]));
  return OK_OUTCOME;
}

export const geoWriteCommands: WriteCommand[] = [
  geoadd,
  write('georadius', -6, (ctx, argv) => storeSearch(ctx, argv, 1, FLAG_RADIUS_COORDS)),
  write('georadiusbymember', -5, (ctx, argv) => storeSearch(ctx, argv, 1, FLAG_RADIUS_MEMBER)),
  write('geosearchstore', -8, (ctx, argv) => storeSearch(ctx, argv, 2, FLAG_SEARCH | FLAG_SEARCHSTORE)),
];

// ---- reads ------------------------------------------------------------------

/** addReplyHumanLongDouble: "%.17Lf" with trailing zeros removed. */
const human = (d: number): ReplyValue => bulk(formatHuman(fromDouble(d)));

function searchRead(name: string, arity: number, srcIdx: number, flags: number): ReadCommand {
  return read(name, arity, (ctx, argv) => {
    const s = parseSearch(ctx, argv, srcIdx, flags, false);
    if (typeof s === 'string') return rerr(s);
    const pts = results(s);
    const plain = !s.withDist && !s.withHash && !s.withCoord;
    return reply.array(pts.map((p) => {
      if (plain) return bulk(p.member);
      const item: ReplyValue[] = [bulk(p.member)];
      if (s.withDist) item.push(bulk((p.dist / s.shape.conversion).toFixed(4)));
      if (s.withHash) item.push(int(p.score));
      if (s.withCoord) {
        const [x, y] = decodeScore(p.score);
        item.push(reply.array([human(x), human(y)]));
      }
      return reply.array(item);
    }));
  });
}

function readZset(ctx: CommandContext, key: Bytes): ZsetValue | null | 'wrongtype' {
  const e = readEntry(ctx, key);
  if (!e) return null;
  return e.type === 'zset' ? e : 'wrongtype';
}

const geopos = read('geopos', -2, (ctx, argv) => {
  const z = readZset(ctx, argv[1]!);
  if (z === 'wrongtype') return rerr(WRONGTYPE);
  return reply.array(argv.slice(2).map((m) => {
    const p = memberPos(z, m);
    return p ? reply.array([human(p[0]), human(p[1])]) : reply.array(null);
  }));
});

const geodist = read('geodist', -4, (ctx, argv) => {
  let conversion = 1;
  if (argv.length === 5) {
    const c = unit(argv[4]!);
    if (c === null) return rerr(UNIT_ERR);
    conversion = c;
  } else if (argv.length > 5) return rerr(ERR_SYNTAX);
  const z = readZset(ctx, argv[1]!);
  if (z === 'wrongtype') return rerr(WRONGTYPE);
  const a = memberPos(z, argv[2]!), b = memberPos(z, argv[3]!);
  if (!a || !b) return NIL;
  return bulk((distance(a[0], a[1], b[0], b[1]) / conversion).toFixed(4));
});

export const geoReadCommands: ReadCommand[] = [
  geopos, geodist,
  searchRead('geosearch', -7, 1, FLAG_SEARCH),
  searchRead('georadius_ro', -6, 1, FLAG_RADIUS_COORDS | FLAG_NOSTORE),
  searchRead('georadiusbymember_ro', -5, 1, FLAG_RADIUS_MEMBER | FLAG_NOSTORE),
];
