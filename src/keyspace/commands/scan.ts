// SCAN, HSCAN, SSCAN, ZSCAN. redis-server scans hash tables with reverse-binary
// cursors; the guarantee clients rely on is "every element present for the
// whole scan is returned (maybe more than once)". Here a cursor names a live
// iterator over the JS Map/Set, which keeps exactly that guarantee (a Map
// iterator skips deleted entries and reaches entries added after it started).
// Cursors are single-use; an unknown or stale cursor restarts from the
// beginning, which can only repeat elements, never miss one.
// Small encodings (listpack, intset) answer in one call with cursor 0 and their
// stored order, as redis-server does.
import { reply, type ReplyValue } from '../../resp/encode';
import type { CommandContext, ReadCommand } from '../command';
import { stringMatch } from '../../config/stringMatch';
import { listpackScoreText } from '../doubles';
import { objectEncoding } from '../encoding';
import { formatG17 } from '../formatDouble';
import type { Bytes, Value } from '../values';
import { liveFields, type HashValue } from './hashes';
import { typeName } from './keys';
import { orderedMembers } from './sets';
import { bulk, ERR_SYNTAX, parseLong, read, readEntry, rerr, WRONGTYPE } from './util';

const MAX_CURSORS = 4096;

interface CursorState {
  /** The collection the iterator walks; a mismatch means the cursor is stale. */
  source: object;
  iter: Iterator<unknown>;
}

const cursors = new Map<string, CursorState>();
let nextCursor = 1;

function saveCursor(state: CursorState): string {
  const id = String(nextCursor++);
  cursors.set(id, state);
  if (cursors.size > MAX_CURSORS) cursors.delete(cursors.keys().next().value as string);
  return id;
}

/** parseScanCursorOrReply: strtoul over the whole string. */
function cursorOk(s: Bytes): boolean {
  if (!/^[+-]?\d+$/.test(s)) return false;
  const digits = s.replace(/^[+-]/, '');
  return BigInt(digits) <= 18446744073709551615n;
}

interface ScanOptions {
  count: number;
  pattern: Bytes | null;
  type: string | null;
}

function parseOptions(argv: Bytes[], from: number, allowType: boolean): ScanOptions | string {
  const o: ScanOptions = { count: 10, pattern: null, type: null };
  for (let i = from; i < argv.length;) {
    const opt = argv[i]!.toLowerCase();
    const left = argv.length - i;
    if (opt === 'count' && left >= 2) {
      const c = parseLong(argv[i + 1]!);
      if (c === null) return 'ERR value is not an integer or out of range';
      if (c < 1) return ERR_SYNTAX;
      o.count = c;
    } else if (opt === 'match' && left >= 2) {
      o.pattern = argv[i + 1] === '*' ? null : argv[i + 1]!;
    } else if (opt === 'type' && allowType && left >= 2) {
      o.type = argv[i + 1]!;
    } else return ERR_SYNTAX;
    i += 2;
  }
  return o;
}

const matches = (o: ScanOptions, s: Bytes): boolean => o.pattern === null || stringMatch(o.pattern, s, false);

/** Walks up to `count` items from the cursor's iterator; returns the next cursor ("0" at the end). */
function step<T>(cursor: Bytes, source: object, start: () => Iterator<T>, count: number, emit: (item: T) => void): string {
  let state = cursor === '0' ? undefined : cursors.get(cursor);
  if (state) cursors.delete(cursor);
  if (!state || state.source !== source) state = { source, iter: start() };
  const iter = state.iter as Iterator<T>;
  for (let n = 0; n < count; n++) {
    const r = iter.next();
    if (r.done) return '0';
    emit(r.value);
  }
  return saveCursor(state);
}

const scanReply = (cursor: string, items: ReplyValue[]): ReplyValue => reply.array([bulk(cursor), reply.array(items)]);
const EMPTY_SCAN = (): ReplyValue => scanReply('0', []);

const scan = read('scan', -2, (ctx, argv) => {
  if (!cursorOk(argv[1]!)) return rerr('ERR invalid cursor');
  const o = parseOptions(argv, 2, true);
  if (typeof o === 'string') return rerr(o);
  const db = ctx.ks.db(ctx.db);
  const out: ReplyValue[] = [];
  const next = step<[Bytes, Value]>(argv[1]!, db, () => db[Symbol.iterator](), o.count, ([k, e]) => {
    if (!db.isLive(k, ctx.now)) return;
    if (!matches(o, k)) return;
    if (o.type !== null && o.type.toLowerCase() !== typeName(e).toLowerCase()) return;
    out.push(bulk(k));
  });
  return scanReply(next, out);
});

/** HSCAN/SSCAN/ZSCAN: key cursor [MATCH p] [COUNT n]. */
function collectionScan(name: string, type: 'hash' | 'set' | 'zset'): ReadCommand {
  return read(name, -3, (ctx, argv) => {
    if (!cursorOk(argv[2]!)) return rerr('ERR invalid cursor');
    const e = readEntry(ctx, argv[1]!);
    if (!e) return EMPTY_SCAN();
    if (e.type !== type) return rerr(WRONGTYPE);
    const o = parseOptions(argv, 3, false);
    if (typeof o === 'string') return rerr(o);
    return scanCollection(ctx, e, argv[2]!, o);
  });
}

function scanCollection(ctx: CommandContext, e: Value, cursor: Bytes, o: ScanOptions): ReplyValue {
  const v = e;
  const out: ReplyValue[] = [];
  const enc = objectEncoding(v, ctx.ks.dialect);
  const small = enc === 'listpack' || enc === 'listpackex' || enc === 'intset';
  if (v.type === 'hash') {
    const h: HashValue = v;
    const emit = ([f, val]: [Bytes, Bytes]) => {
      if (matches(o, f)) out.push(bulk(f), bulk(val));
    };
    if (small) {
      for (const fv of liveFields(ctx, h)) emit(fv);
      return scanReply('0', out);
    }
    return scanReply(step(cursor, h.fields, () => liveFields(ctx, h), o.count, emit), out);
  }
  if (v.type === 'set') {
    const emit = (m: Bytes) => {
      if (matches(o, m)) out.push(bulk(m));
    };
    if (small) {
      for (const m of orderedMembers(v, ctx.ks.dialect)) emit(m);
      return scanReply('0', out);
    }
    return scanReply(step(cursor, v.members, () => v.members.values(), o.count, emit), out);
  }
  if (v.type === 'zset') {
    // A listpack answers the score text it stores; a skiplist prints it with ld2string ("%.17Lg").
    const text = small ? (s: number) => listpackScoreText(ctx.ks.dialect, s) : formatG17;
    const emit = ([m, s]: [Bytes, number]) => {
      if (matches(o, m)) out.push(bulk(m), bulk(text(s)));
    };
    if (small) {
      for (const ms of v.entries()) emit(ms);
      return scanReply('0', out);
    }
    return scanReply(step(cursor, v, () => v.scanEntries(), o.count, emit), out);
  }
  return EMPTY_SCAN();
}

export const scanReadCommands: ReadCommand[] = [
  scan, collectionScan('hscan', 'hash'), collectionScan('sscan', 'set'), collectionScan('zscan', 'zset'),
];
