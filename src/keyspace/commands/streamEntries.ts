// Replicated stream writes on entries: XADD (with 8.2's reference strategies
// and 8.6's IDMP), XDEL, XTRIM, XSETID.
import { errorOutcome, OK, WRONGTYPE, type ApplyOutcome, type CommandContext, type WriteCommand } from '../command';
import type { Bytes, StreamId, StreamValue } from '../values';
import { arityError } from './replyText';
import { compareIds, incrId, INVALID_ID, isZeroId, NOT_INTEGER, parseLongLong, parseStrictId, SYNTAX_ERROR, UINT64_MAX, ZERO_ID } from './streamId';
import { layoutOf } from './streamLayout';
import { appendEntry, deleteEntry, newStream, refreshFirstId, trimStream, type TrimSpec } from './streamOps';
import { idmpCheck } from './streamIdmp';
import { parseAddTrimArgs } from './streamTrimArgs';

/** STREAM_LISTPACK_MAX_SIZE */
const MAX_ELEMENTS_SIZE = 1 << 30;

export type StreamLookup = { kind: 'missing' } | { kind: 'wrongtype' } | { kind: 'stream'; s: StreamValue };

/** The master's commands see keys whether expired or not (a replica never expires them itself). */
export function streamForWrite(ctx: CommandContext, key: Bytes): StreamLookup {
  const entry = ctx.ks.db(ctx.db).get(key);
  if (!entry) return { kind: 'missing' };
  if (entry.type !== 'stream') return { kind: 'wrongtype' };
  return { kind: 'stream', s: entry.stream };
}

/**
 * Runs a trim; an approximate one can only be reproduced on a layout we built
 * ourselves (a 7.0 master always propagates "=", so "~" comes from older masters).
 */
function applyTrim(key: Bytes, s: StreamValue, spec: TrimSpec): ApplyOutcome {
  const approx = spec.approx && spec.refs === 'keepref';
  // ACKED by MAXLEN stops at the first node MAXLEN could not drop whole, even short of MAXLEN.
  const nodesMatter = approx || (spec.refs === 'acked' && spec.strategy === 'maxlen');
  if (nodesMatter && !layoutOf(s).exact && trimWouldRemove(s, spec)) {
    return {
      kind: 'diverged',
      keys: [key],
      reason: `${approx ? 'an approximate (~)' : 'an ACKED MAXLEN'} trim depends on how the master split the stream into nodes, unknown since it was loaded from an RDB`,
    };
  }
  trimStream(s, spec);
  return OK;
}

function trimWouldRemove(s: StreamValue, spec: TrimSpec): boolean {
  if (spec.strategy === 'maxlen') return s.entries.length > spec.maxlen;
  const first = s.entries.first();
  return first !== undefined && compareIds(first.id, spec.minid) < 0;
}

/** streamNextID: the clock's ms when it is ahead of the last ID, else the last ID + 1. */
function nextId(last: StreamId, now: number): StreamId | null {
  const ms = BigInt(Math.max(0, Math.floor(now)));
  if (ms > last.ms) return { ms, seq: 0n };
  return incrId(last);
}

const SMALLER_ID = 'ERR The ID specified in XADD is equal or smaller than the target stream top item';

function xadd(ctx: CommandContext, argv: Bytes[]): ApplyOutcome {
  const args = parseAddTrimArgs(argv, true);
  if (typeof args === 'string') return errorOutcome(args);
  const fieldPos = args.idIndex + 1;
  const n = argv.length - fieldPos;
  if (n < 2 || n % 2 === 1) return errorOutcome(arityError('xadd'));
  if (args.id && args.seqGiven && isZeroId(args.id)) return errorOutcome('ERR The ID specified in XADD must be greater than 0-0');

  const key = argv[1]!;
  const found = streamForWrite(ctx, key);
  if (found.kind === 'wrongtype') return errorOutcome(WRONGTYPE);
  let s: StreamValue;
  if (found.kind === 'missing') {
    if (args.noMkStream) return OK;
    s = newStream();
    ctx.ks.db(ctx.db).set(key, { type: 'stream', stream: s });
  } else {
    s = found.s;
  }
  const fields = argv.slice(fieldPos);
  // IDMP: a producer's repeated iid adds nothing (and counts a duplicate).
  let record: ((id: StreamId) => void) | null = null;
  if (args.idmp) {
    const check = idmpCheck(s, args.idmp, fields, ctx.now);
    if ('duplicate' in check) return OK;
    record = check.record;
  }
  if (s.lastId.ms === UINT64_MAX && s.lastId.seq === UINT64_MAX) {
    return errorOutcome('ERR The stream has exhausted the last possible ID, unable to add more items');
  }

  let id: StreamId | null;
  if (!args.id) {
    id = nextId(s.lastId, ctx.now);
  } else if (args.seqGiven) {
    id = args.id;
  } else if (s.lastId.ms === args.id.ms) {
    id = s.lastId.seq === UINT64_MAX ? null : { ms: s.lastId.ms, seq: s.lastId.seq + 1n };
  } else {
    id = args.id;
  }
  if (!id || compareIds(id, s.lastId) <= 0) return errorOutcome(SMALLER_ID);
  let total = 0;
  for (const f of fields) total += f.length;
  if (total > MAX_ELEMENTS_SIZE) return errorOutcome('ERR Elements are too large to be stored');

  appendEntry(s, id, fields);
  record?.(id);
  return args.trim ? applyTrim(key, s, args.trim) : OK;
}

function xdel(ctx: CommandContext, argv: Bytes[]): ApplyOutcome {
  const found = streamForWrite(ctx, argv[1]!);
  if (found.kind === 'missing') return OK;
  if (found.kind === 'wrongtype') return errorOutcome(WRONGTYPE);
  const ids: StreamId[] = [];
  for (const a of argv.slice(2)) {
    const id = parseStrictId(a);
    if (!id) return errorOutcome(INVALID_ID);
    ids.push(id);
  }
  const s = found.s;
  let deleted = 0;
  let firstDeleted = false;
  for (const id of ids) {
    if (!deleteEntry(s, id)) continue;
    if (compareIds(id, s.firstId) === 0) firstDeleted = true;
    if (compareIds(id, s.maxDeletedId) > 0) s.maxDeletedId = id;
    deleted++;
  }
  if (deleted) {
    if (s.entries.length === 0) s.firstId = ZERO_ID;
    else if (firstDeleted) refreshFirstId(s);
  }
  return OK;
}

function xtrim(ctx: CommandContext, argv: Bytes[]): ApplyOutcome {
  const args = parseAddTrimArgs(argv, false);
  if (typeof args === 'string') return errorOutcome(args);
  const found = streamForWrite(ctx, argv[1]!);
  if (found.kind === 'missing') return OK;
  if (found.kind === 'wrongtype') return errorOutcome(WRONGTYPE);
  return applyTrim(argv[1]!, found.s, args.trim!);
}

function xsetid(ctx: CommandContext, argv: Bytes[]): ApplyOutcome {
  const id = parseStrictId(argv[2]!);
  if (!id) return errorOutcome(INVALID_ID);
  let entriesAdded = -1;
  let maxDeleted: StreamId = ZERO_ID;
  for (let i = 3; i < argv.length; i += 2) {
    const moreargs = argv.length - 1 - i;
    const opt = argv[i]!.toLowerCase();
    if (opt === 'entriesadded' && moreargs) {
      const n = parseLongLong(argv[i + 1]!);
      if (n === null) return errorOutcome(NOT_INTEGER);
      if (n < 0) return errorOutcome('ERR entries_added must be positive');
      entriesAdded = n;
    } else if (opt === 'maxdeletedid' && moreargs) {
      const m = parseStrictId(argv[i + 1]!);
      if (!m) return errorOutcome(INVALID_ID);
      if (compareIds(id, m) < 0) return errorOutcome('ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id');
      maxDeleted = m;
    } else {
      return errorOutcome(SYNTAX_ERROR);
    }
  }
  const found = streamForWrite(ctx, argv[1]!);
  if (found.kind === 'missing') return errorOutcome('ERR no such key');
  if (found.kind === 'wrongtype') return errorOutcome(WRONGTYPE);
  const s = found.s;
  const last = s.entries.last();
  if (last) {
    const top = last.id;
    if (compareIds(id, top) < 0) return errorOutcome('ERR The ID specified in XSETID is smaller than the target stream top item');
    if (entriesAdded !== -1 && s.entries.length > entriesAdded) {
      return errorOutcome('ERR The entries_added specified in XSETID is smaller than the target stream length');
    }
  }
  s.lastId = id;
  if (entriesAdded !== -1) s.entriesAdded = entriesAdded;
  if (!isZeroId(maxDeleted)) s.maxDeletedId = maxDeleted;
  return OK;
}

export const streamEntryWriteCommands: WriteCommand[] = [
  { name: 'xadd', arity: -5, apply: xadd },
  { name: 'xdel', arity: -3, apply: xdel },
  { name: 'xtrim', arity: -4, apply: xtrim },
  { name: 'xsetid', arity: -3, apply: xsetid },
];
