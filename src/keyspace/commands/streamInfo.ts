// XINFO STREAM [FULL [COUNT n]], XINFO GROUPS, XINFO CONSUMERS (RESP2: maps
// as flat arrays). Groups, consumers and PELs are radix trees in Redis, so
// they come out in byte order of their names / IDs.
import { reply, type ReplyValue } from '../../resp/encode';
import { WRONGTYPE, type CommandContext } from '../command';
import type { Bytes, StreamGroup, StreamId, StreamValue } from '../values';
import { arityError, bulkText, cText, helpReply, subcommandSyntaxError, unknownSubcommand } from './replyText';
import { compareIds, formatId, NOT_INTEGER, parseIdKey, parseLongLong } from './streamId';
import { layoutOf, radixTreeNodes } from './streamLayout';
import { groupLag, INVALID_ENTRIES_READ } from './streamOps';
import { expireIdmp } from './streamIdmp';
import { countReply, entryReply, idReply, int, nullBulk, ownerReply, streamForRead } from './streamReply';
import { bulk } from './util';

/** In byte order of the names (memcmp, as the radix tree orders them). */
export function byName<T>(m: Map<Bytes, T>): [Bytes, T][] {
  return [...m.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

export function sortedPending(keys: Iterable<string>): StreamId[] {
  return [...keys].map(parseIdKey).sort(compareIds);
}

function entriesReadReply(g: StreamGroup): ReplyValue {
  return g.entriesRead === INVALID_ENTRIES_READ ? nullBulk() : int(g.entriesRead);
}

function lagReply(ctx: CommandContext, s: StreamValue, g: StreamGroup): ReplyValue {
  const lag = groupLag(s, g, ctx.ks.dialect.has('stream-lag-after-trim'));
  return lag === null ? nullBulk() : int(lag);
}

/** 8.6: the IDMP configuration and counts, after recorded-first-entry-id. */
function idmpFields(s: StreamValue, now: number): ReplyValue[] {
  const idmp = s.idmp;
  expireIdmp(idmp, now);
  let iids = 0;
  for (const records of idmp.producers.values()) iids += records.size;
  return [
    bulkText('idmp-duration'), int(idmp.duration),
    bulkText('idmp-maxsize'), int(idmp.maxEntries),
    bulkText('pids-tracked'), int(idmp.producers.size),
    bulkText('iids-tracked'), int(iids),
    bulkText('iids-added'), int(idmp.iidsAdded),
    bulkText('iids-duplicates'), int(idmp.iidsDuplicates),
  ];
}

function streamHeader(ctx: CommandContext, s: StreamValue): ReplyValue[] {
  const layout = layoutOf(s);
  return [
    bulkText('length'), int(s.entries.length),
    bulkText('radix-tree-keys'), int(layout.nodes.length),
    bulkText('radix-tree-nodes'), int(radixTreeNodes(layout)),
    bulkText('last-generated-id'), idReply(s.lastId),
    bulkText('max-deleted-entry-id'), idReply(s.maxDeletedId),
    bulkText('entries-added'), int(s.entriesAdded),
    bulkText('recorded-first-entry-id'), idReply(s.firstId),
    ...(ctx.ks.dialect.has('redis-8.6-commands') ? idmpFields(s, ctx.now) : []),
  ];
}

function fullGroup(ctx: CommandContext, s: StreamValue, g: StreamGroup, count: number): ReplyValue {
  const activeTime = ctx.ks.dialect.has('stream-consumer-active-time');
  const pel = sortedPending(g.pending.keys());
  const limited = count ? pel.slice(0, count) : pel;
  const pending = limited.map((id) => {
    const nack = g.pending.get(formatId(id))!;
    return reply.array([idReply(id), ownerReply(nack.consumer), int(nack.deliveryTime), countReply(nack.deliveryCount)]);
  });
  const consumers = byName(g.consumers).map(([name, c]) => {
    const own = sortedPending(c.pending);
    const ownLimited = count ? own.slice(0, count) : own;
    const ownReply = ownLimited.map((id) => {
      const nack = g.pending.get(formatId(id))!;
      return reply.array([idReply(id), int(nack.deliveryTime), countReply(nack.deliveryCount)]);
    });
    return reply.array([
      bulkText('name'), bulk(name),
      bulkText('seen-time'), int(c.seenTime),
      ...(activeTime ? [bulkText('active-time'), int(c.activeTime)] : []),
      bulkText('pel-count'), int(c.pending.size),
      bulkText('pending'), reply.array(ownReply),
    ]);
  });
  return reply.array([
    bulkText('name'), bulk(g.name),
    bulkText('last-delivered-id'), idReply(g.lastId),
    bulkText('entries-read'), entriesReadReply(g),
    bulkText('lag'), lagReply(ctx, s, g),
    bulkText('pel-count'), int(g.pending.size),
    ...(ctx.ks.dialect.has('redis-8.8-commands') ? [bulkText('nacked-count'), int(g.nacked.size)] : []),
    bulkText('pending'), reply.array(pending),
    bulkText('consumers'), reply.array(consumers),
  ]);
}

function xinfoStream(ctx: CommandContext, s: StreamValue, sub: Bytes, opts: Bytes[]): ReplyValue {
  let count = 10;
  if (opts.length === 0) {
    const first = s.entries.first();
    const last = s.entries.last();
    return reply.array([
      ...streamHeader(ctx, s),
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
  const entries = count ? s.entries.page(0, count) : [...s.entries];
  return reply.array([
    ...streamHeader(ctx, s),
    bulkText('entries'), reply.array(entries.map(entryReply)),
    bulkText('groups'), reply.array(byName(s.groups).map(([, g]) => fullGroup(ctx, s, g, count))),
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

export function xinfo(ctx: CommandContext, argv: Bytes[]): ReplyValue {
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
  if (opt === 'stream') return xinfoStream(ctx, s, sub, argv.slice(3));
  if (opt === 'groups') {
    return reply.array(
      byName(s.groups).map(([name, g]) =>
        reply.array([
          bulkText('name'), bulk(name),
          bulkText('consumers'), int(g.consumers.size),
          bulkText('pending'), int(g.pending.size),
          bulkText('last-delivered-id'), idReply(g.lastId),
          bulkText('entries-read'), entriesReadReply(g),
          bulkText('lag'), lagReply(ctx, s, g),
        ]),
      ),
    );
  }
  const g = s.groups.get(argv[3]!);
  if (!g) return reply.error(`NOGROUP No such consumer group '${cText(argv[3]!)}' for key name '${cText(key)}'`);
  return reply.array(
    byName(g.consumers).map(([name, c]) =>
      reply.array([
        bulkText('name'), bulk(name),
        bulkText('pending'), int(c.pending.size),
        bulkText('idle'), int(Math.max(0, ctx.now - c.seenTime)),
        // 7.2: how long since the consumer last did something, -1 if never.
        ...(ctx.ks.dialect.has('stream-consumer-active-time')
          ? [bulkText('inactive'), int(c.activeTime !== -1 ? ctx.now - c.activeTime : -1)]
          : []),
      ]),
    ),
  );
}
