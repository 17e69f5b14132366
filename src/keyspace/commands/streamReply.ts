// Pieces every stream read shares: the key as a replica's read sees it
// (expired keys hidden) and the reply shapes of IDs and entries.
import { reply, type ReplyValue } from '../../resp/encode';
import type { CommandContext } from '../command';
import type { Bytes, StreamEntry, StreamId, StreamValue } from '../values';
import { bulkText } from './replyText';
import { formatId } from './streamId';
import { bulk } from './util';

export type ReadLookup = { kind: 'missing' } | { kind: 'wrongtype' } | { kind: 'stream'; s: StreamValue };

export function streamForRead(ctx: CommandContext, key: Bytes): ReadLookup {
  const entry = ctx.ks.db(ctx.db).read(key, ctx.now);
  if (!entry) return { kind: 'missing' };
  if (entry.type !== 'stream') return { kind: 'wrongtype' };
  return { kind: 'stream', s: entry.stream };
}

export const nullBulk = (): ReplyValue => reply.bulk(null);
export const idReply = (id: StreamId): ReplyValue => bulkText(formatId(id));
export const int = (n: number | bigint): ReplyValue => reply.integer(n);

const LLONG_MAX = 9223372036854775807n;

/** A delivery count: LLONG_MAX (XNACK FATAL, 8.8) is 2^63 as a JS number, and must read back as LLONG_MAX. */
export const countReply = (n: number): ReplyValue => (n >= 2 ** 63 ? reply.integer(LLONG_MAX) : reply.integer(n));

/** A PEL entry's owner: "" for one no consumer owns (XNACK), as XPENDING and XINFO show it. */
export const ownerReply = (consumer: Bytes | null): ReplyValue => bulk(consumer ?? '');

export function entryReply(e: StreamEntry): ReplyValue {
  return reply.array([idReply(e.id), reply.array(e.fields.map(bulk))]);
}
