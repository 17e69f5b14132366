// Stream reads on the replica's RESP port (RESP2): XRANGE, XREVRANGE, XLEN, XREAD,
// XINFO (streamInfo.ts), XPENDING. A replica hides
// expired keys from reads without deleting them.
import { reply, type ReplyValue } from '../../resp/encode';
import { WRONGTYPE, type CommandContext, type ReadCommand } from '../command';
import type { Bytes, StreamEntry, StreamId, StreamPendingEntry, StreamValue } from '../values';
import { bulkText, cText } from './replyText';
import { compareIds, formatId, INVALID_ID, NOT_INTEGER, parseLongLong, parseRangeBound, parseStrictId, SYNTAX_ERROR } from './streamId';
import { byName, sortedPending, xinfo } from './streamInfo';
import { countReply, entryReply, idReply, int, nullBulk, ownerReply, streamForRead } from './streamReply';
import { bulk } from './util';

/** Entries with start <= id <= end, forward or backward, at most `count` (0 = all). */
function range(s: StreamValue, start: StreamId, end: StreamId, count: number, rev: boolean): StreamEntry[] {
  const out: StreamEntry[] = [];
  for (const e of s.entries.range(start, end, rev)) {
    if (count && out.length >= count) break;
    out.push(e);
  }
  return out;
}

function xrangeGeneric(ctx: CommandContext, argv: Bytes[], rev: boolean): ReplyValue {
  const start = parseRangeBound(rev ? argv[3]! : argv[2]!, true);
  if (typeof start === 'string') return reply.error(start);
  const end = parseRangeBound(rev ? argv[2]! : argv[3]!, false);
  if (typeof end === 'string') return reply.error(end);
  let count = -1;
  for (let j = 4; j < argv.length; j++) {
    if (argv[j]!.toLowerCase() === 'count' && argv.length - j - 1 >= 1) {
      const n = parseLongLong(argv[++j]!);
      if (n === null) return reply.error(NOT_INTEGER);
      count = Math.max(0, n);
    } else {
      return reply.error(SYNTAX_ERROR);
    }
  }
  const found = streamForRead(ctx, argv[1]!);
  if (found.kind === 'missing') return reply.array([]);
  if (found.kind === 'wrongtype') return reply.error(WRONGTYPE);
  if (count === 0) return reply.array(null);
  return reply.array(range(found.s, start, end, count === -1 ? 0 : count, rev).map(entryReply));
}

function xlen(ctx: CommandContext, argv: Bytes[]): ReplyValue {
  const found = streamForRead(ctx, argv[1]!);
  if (found.kind === 'missing') return int(0);
  if (found.kind === 'wrongtype') return reply.error(WRONGTYPE);
  return int(found.s.entries.length);
}

function xpending(ctx: CommandContext, argv: Bytes[]): ReplyValue {
  const argc = argv.length;
  if (argc !== 3 && (argc < 6 || argc > 9)) return reply.error(SYNTAX_ERROR);
  let minIdle = 0;
  let count = 0;
  let start: StreamId = { ms: 0n, seq: 0n };
  let end: StreamId = start;
  let consumerName: Bytes | null = null;
  if (argc >= 6) {
    let startIdx = 3;
    if (argv[3]!.toLowerCase() === 'idle') {
      const n = parseLongLong(argv[4]!);
      if (n === null) return reply.error(NOT_INTEGER);
      minIdle = n;
      if (argc < 8) return reply.error(SYNTAX_ERROR);
      startIdx += 2;
    }
    const c = parseLongLong(argv[startIdx + 2]!);
    if (c === null) return reply.error(NOT_INTEGER);
    count = Math.max(0, c);
    const st = parseRangeBound(argv[startIdx]!, true);
    if (typeof st === 'string') return reply.error(st);
    const en = parseRangeBound(argv[startIdx + 1]!, false);
    if (typeof en === 'string') return reply.error(en);
    start = st;
    end = en;
    if (startIdx + 3 < argc) consumerName = argv[startIdx + 3]!;
  }
  const found = streamForRead(ctx, argv[1]!);
  if (found.kind === 'wrongtype') return reply.error(WRONGTYPE);
  const g = found.kind === 'stream' ? found.s.groups.get(argv[2]!) : undefined;
  if (!g) return reply.error(`NOGROUP No such key '${cText(argv[1]!)}' or consumer group '${cText(argv[2]!)}'`);

  if (argc === 3) {
    if (g.pending.size === 0) return reply.array([int(0), nullBulk(), nullBulk(), reply.array(null)]);
    const pel = sortedPending(g.pending.keys());
    const owners = byName(g.consumers)
      .filter(([, c]) => c.pending.size > 0)
      .map(([name, c]) => reply.array([bulk(name), bulkText(String(c.pending.size))]));
    return reply.array([int(g.pending.size), idReply(pel[0]!), idReply(pel[pel.length - 1]!), reply.array(owners)]);
  }
  let keys: Iterable<string> = g.pending.keys();
  if (consumerName !== null) {
    const c = g.consumers.get(consumerName);
    if (!c) return reply.array([]);
    keys = c.pending;
  }
  const out: ReplyValue[] = [];
  for (const id of sortedPending(keys)) {
    if (!count) break;
    if (compareIds(id, start) < 0) continue;
    if (compareIds(id, end) > 0) break;
    const nack: StreamPendingEntry = g.pending.get(formatId(id))!;
    // An entry no consumer owns (XNACK, 8.8) has no idle time: -1, and IDLE never filters it.
    if (nack.consumer !== null && minIdle && ctx.now - nack.deliveryTime < minIdle) continue;
    count--;
    const idle = nack.consumer !== null ? Math.max(0, ctx.now - nack.deliveryTime) : -1;
    out.push(reply.array([idReply(id), ownerReply(nack.consumer), int(idle), countReply(nack.deliveryCount)]));
  }
  return reply.array(out);
}

/**
 * XREAD [COUNT n] [BLOCK ms] STREAMS key… id…: served at once. A read on this
 * port cannot wait, so BLOCK answers what is there now, or a null array as if
 * the timeout had passed (a client that loops on XREAD BLOCK keeps working).
 */
function xread(ctx: CommandContext, argv: Bytes[]): ReplyValue {
  let count = 0;
  let streamsArg = 0;
  for (let i = 1; i < argv.length; i++) {
    const moreargs = argv.length - i - 1;
    const o = argv[i]!.toLowerCase();
    if (o === 'block' && moreargs) {
      const t = parseLongLong(argv[++i]!);
      if (t === null) return reply.error('ERR timeout is not an integer or out of range');
      if (t < 0) return reply.error('ERR timeout is negative');
    } else if (o === 'count' && moreargs) {
      const n = parseLongLong(argv[++i]!);
      if (n === null) return reply.error(NOT_INTEGER);
      count = Math.max(0, n);
    } else if (o === 'streams' && moreargs) {
      streamsArg = i + 1;
      if ((argv.length - streamsArg) % 2 !== 0) {
        return reply.error("ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified.");
      }
      break;
    } else if (o === 'group' && moreargs >= 2) {
      return reply.error('ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.');
    } else if (o === 'noack') {
      return reply.error('ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.');
    } else {
      return reply.error(SYNTAX_ERROR);
    }
  }
  if (streamsArg === 0) return reply.error(SYNTAX_ERROR);
  const n = (argv.length - streamsArg) / 2;
  const after: StreamId[] = [];
  for (let i = 0; i < n; i++) {
    const key = argv[streamsArg + i]!;
    const idArg = argv[streamsArg + n + i]!;
    const found = streamForRead(ctx, key);
    if (found.kind === 'wrongtype') return reply.error(WRONGTYPE);
    if (idArg === '$') {
      after.push(found.kind === 'stream' ? found.s.lastId : { ms: 0n, seq: 0n });
    } else if (idArg === '>') {
      return reply.error('ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.');
    } else {
      const id = parseStrictId(idArg);
      if (!id) return reply.error(INVALID_ID);
      after.push(id);
    }
  }
  const out: ReplyValue[] = [];
  for (let i = 0; i < n; i++) {
    const found = streamForRead(ctx, argv[streamsArg + i]!);
    if (found.kind !== 'stream') continue;
    const last = found.s.entries.last();
    if (!last || compareIds(last.id, after[i]!) <= 0) continue;
    const entries: ReplyValue[] = [];
    for (const e of found.s.entries.after(after[i]!)) {
      if (count && entries.length >= count) break;
      entries.push(entryReply(e));
    }
    out.push(reply.array([bulk(argv[streamsArg + i]!), reply.array(entries)]));
  }
  return out.length ? reply.array(out) : reply.array(null);
}

export const streamReadCommands: ReadCommand[] = [
  { name: 'xread', arity: -4, run: xread },
  { name: 'xrange', arity: -4, run: (ctx, argv) => xrangeGeneric(ctx, argv, false) },
  { name: 'xrevrange', arity: -4, run: (ctx, argv) => xrangeGeneric(ctx, argv, true) },
  { name: 'xlen', arity: 2, run: xlen },
  { name: 'xinfo', arity: -2, run: xinfo },
  { name: 'xpending', arity: -3, run: xpending },
];
