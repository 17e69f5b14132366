// Stream reads on the replica's RESP port (RESP2): XRANGE, XREVRANGE, XLEN,
// XINFO STREAM [FULL [COUNT n]] / GROUPS / CONSUMERS, XPENDING. A replica hides
// expired keys from reads without deleting them.
import { reply, type ReplyValue } from '../../resp/encode';
import { WRONGTYPE, type CommandContext, type ReadCommand } from '../command';
import type { Bytes, StreamEntry, StreamGroup, StreamId, StreamPendingEntry, StreamValue } from '../values';
import { arityError, bulkBytes, bulkText, cText, helpReply, subcommandSyntaxError, unknownSubcommand } from './replyText';
import { compareIds, formatId, NOT_INTEGER, parseIdKey, parseLongLong, parseRangeBound, SYNTAX_ERROR } from './streamId';
import { layoutOf, radixTreeNodes } from './streamLayout';
import { groupLag, INVALID_ENTRIES_READ, lowerBound } from './streamOps';

type ReadLookup = { kind: 'missing' } | { kind: 'wrongtype' } | { kind: 'stream'; s: StreamValue };

function streamForRead(ctx: CommandContext, key: Bytes): ReadLookup {
  const entry = ctx.ks.db(ctx.db).read(key, ctx.now);
  if (!entry) return { kind: 'missing' };
  if (entry.value.type !== 'stream') return { kind: 'wrongtype' };
  return { kind: 'stream', s: entry.value.stream };
}

const nullBulk = (): ReplyValue => reply.bulk(null);
const idReply = (id: StreamId): ReplyValue => bulkText(formatId(id));
const int = (n: number | bigint): ReplyValue => reply.integer(n);

function entryReply(e: StreamEntry): ReplyValue {
  return reply.array([idReply(e.id), reply.array(e.fields.map(bulkBytes))]);
}

/** Entries with start <= id <= end, forward or backward, at most `count` (0 = all). */
function range(s: StreamValue, start: StreamId, end: StreamId, count: number, rev: boolean): StreamEntry[] {
  const out: StreamEntry[] = [];
  if (compareIds(start, end) > 0) return out;
  const from = lowerBound(s.entries, start);
  let to = from;
  while (to < s.entries.length && compareIds(s.entries[to]!.id, end) <= 0) to++;
  if (!rev) {
    for (let i = from; i < to && (!count || out.length < count); i++) out.push(s.entries[i]!);
  } else {
    for (let i = to - 1; i >= from && (!count || out.length < count); i--) out.push(s.entries[i]!);
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

/** Groups and consumers come out of radix trees: in byte order of their names. */
function byName<T>(m: Map<Bytes, T>): [Bytes, T][] {
  return [...m.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

function sortedPending(keys: Iterable<string>): StreamId[] {
  return [...keys].map(parseIdKey).sort(compareIds);
}

function entriesReadReply(g: StreamGroup): ReplyValue {
  return g.entriesRead === INVALID_ENTRIES_READ ? nullBulk() : int(g.entriesRead);
}

function lagReply(s: StreamValue, g: StreamGroup): ReplyValue {
  const lag = groupLag(s, g);
  return lag === null ? nullBulk() : int(lag);
}

function streamHeader(s: StreamValue): ReplyValue[] {
  const layout = layoutOf(s);
  return [
    bulkText('length'), int(s.entries.length),
    bulkText('radix-tree-keys'), int(layout.nodes.length),
    bulkText('radix-tree-nodes'), int(radixTreeNodes(layout)),
    bulkText('last-generated-id'), idReply(s.lastId),
    bulkText('max-deleted-entry-id'), idReply(s.maxDeletedId),
    bulkText('entries-added'), int(s.entriesAdded),
    bulkText('recorded-first-entry-id'), idReply(s.firstId),
  ];
}

function fullGroup(s: StreamValue, g: StreamGroup, count: number): ReplyValue {
  const pel = sortedPending(g.pending.keys());
  const limited = count ? pel.slice(0, count) : pel;
  const pending = limited.map((id) => {
    const nack = g.pending.get(formatId(id))!;
    return reply.array([idReply(id), bulkBytes(nack.consumer), int(nack.deliveryTime), int(nack.deliveryCount)]);
  });
  const consumers = byName(g.consumers).map(([name, c]) => {
    const own = sortedPending(c.pending);
    const ownLimited = count ? own.slice(0, count) : own;
    const ownReply = ownLimited.map((id) => {
      const nack = g.pending.get(formatId(id))!;
      return reply.array([idReply(id), int(nack.deliveryTime), int(nack.deliveryCount)]);
    });
    return reply.array([
      bulkText('name'), bulkBytes(name),
      bulkText('seen-time'), int(c.seenTime),
      bulkText('pel-count'), int(c.pending.size),
      bulkText('pending'), reply.array(ownReply),
    ]);
  });
  return reply.array([
    bulkText('name'), bulkBytes(g.name),
    bulkText('last-delivered-id'), idReply(g.lastId),
    bulkText('entries-read'), entriesReadReply(g),
    bulkText('lag'), lagReply(s, g),
    bulkText('pel-count'), int(g.pending.size),
    bulkText('pending'), reply.array(pending),
    bulkText('consumers'), reply.array(consumers),
  ]);
}

function xinfoStream(s: StreamValue, sub: Bytes, opts: Bytes[]): ReplyValue {
  let count = 10;
  if (opts.length === 0) {
    const first = s.entries[0];
    const last = s.entries[s.entries.length - 1];
    return reply.array([
      ...streamHeader(s),
      bulkText('groups'), int(s.groups.size),
      bulkText('first-entry'), first ? entryReply(first) : nullBulk(),
      bulkText('last-entry'), last ? entryReply(last) : nullBulk(),
    ]);
  }
  if ((opts.length !== 1 && opts.length !== 3) || opts[0]!.toLowerCase() !== 'full') return reply.error(subcommandSyntaxError('xinfo', sub));
  if (opts.length === 3) {
    if (opts[1]!.toLowerCase() !== 'count') return reply.error(subcommandSyntaxError('xinfo', sub));
    const n = parseLongLong(opts[2]!);
    if (n === null) return reply.error(NOT_INTEGER);
    count = n < 0 ? 10 : n;
  }
  const entries = count ? s.entries.slice(0, count) : s.entries;
  return reply.array([
    ...streamHeader(s),
    bulkText('entries'), reply.array(entries.map(entryReply)),
    bulkText('groups'), reply.array(byName(s.groups).map(([, g]) => fullGroup(s, g, count))),
  ]);
}

const XINFO_ARITY: Record<string, number> = { consumers: 4, groups: 3, stream: -3, help: 2 };
const XINFO_HELP = [
  'CONSUMERS <key> <groupname>',
  '    Show consumers of <groupname>.',
  'GROUPS <key>',
  '    Show the stream consumer groups.',
  'STREAM <key> [FULL [COUNT <count>]',
  '    Show information about the stream.',
];

function xinfo(ctx: CommandContext, argv: Bytes[]): ReplyValue {
  const sub = argv[1]!;
  const opt = sub.toLowerCase();
  const arity = XINFO_ARITY[opt];
  if (arity === undefined) return reply.error(unknownSubcommand('xinfo', sub));
  if (arity > 0 ? argv.length !== arity : argv.length < -arity) return reply.error(arityError(`xinfo|${opt}`));
  if (opt === 'help') return helpReply('xinfo', XINFO_HELP);
  const key = argv[2]!;
  const found = streamForRead(ctx, key);
  if (found.kind === 'missing') return reply.error('ERR no such key');
  if (found.kind === 'wrongtype') return reply.error(WRONGTYPE);
  const s = found.s;
  if (opt === 'stream') return xinfoStream(s, sub, argv.slice(3));
  if (opt === 'groups') {
    return reply.array(
      byName(s.groups).map(([name, g]) =>
        reply.array([
          bulkText('name'), bulkBytes(name),
          bulkText('consumers'), int(g.consumers.size),
          bulkText('pending'), int(g.pending.size),
          bulkText('last-delivered-id'), idReply(g.lastId),
          bulkText('entries-read'), entriesReadReply(g),
          bulkText('lag'), lagReply(s, g),
        ]),
      ),
    );
  }
  const g = s.groups.get(argv[3]!);
  if (!g) return reply.error(`NOGROUP No such consumer group '${cText(argv[3]!)}' for key name '${cText(key)}'`);
  return reply.array(
    byName(g.consumers).map(([name, c]) =>
      reply.array([
        bulkText('name'), bulkBytes(name),
        bulkText('pending'), int(c.pending.size),
        bulkText('idle'), int(Math.max(0, ctx.now - c.seenTime)),
      ]),
    ),
  );
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
      .map(([name, c]) => reply.array([bulkBytes(name), bulkText(String(c.pending.size))]));
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
    if (minIdle && ctx.now - nack.deliveryTime < minIdle) continue;
    count--;
    out.push(reply.array([idReply(id), bulkBytes(nack.consumer), int(Math.max(0, ctx.now - nack.deliveryTime)), int(nack.deliveryCount)]));
  }
  return reply.array(out);
}

export const streamReadCommands: ReadCommand[] = [
  { name: 'xrange', arity: -4, run: (ctx, argv) => xrangeGeneric(ctx, argv, false) },
  { name: 'xrevrange', arity: -4, run: (ctx, argv) => xrangeGeneric(ctx, argv, true) },
  { name: 'xlen', arity: 2, run: xlen },
  { name: 'xinfo', arity: -2, run: xinfo },
  { name: 'xpending', arity: -3, run: xpending },
];
