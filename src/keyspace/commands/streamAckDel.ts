// Redis 8.2's XDELEX and XACKDEL: deletes by ID, choosing what happens to the
// consumer groups' references (streamRefs.ts); XACKDEL acknowledges in its
// group first. Both arrive verbatim in the master's stream.
import { errorOutcome, OK, WRONGTYPE, type ApplyOutcome, type CommandContext, type WriteCommand } from '../command';
import type { Bytes, StreamId, StreamValue } from '../values';
import { compareIds, formatId, INVALID_ID, parseStrictId, SYNTAX_ERROR, string2ll, ZERO_ID } from './streamId';
import { removePending } from './streamGroups';
import { deleteEntry, refreshFirstId } from './streamOps';
import { dropReferences, parseDeleteStrategy, referenceCheck, type DeleteStrategy } from './streamRefs';
import { streamForWrite } from './streamEntries';

const LONG_MAX = 9223372036854775807n;

/** streamParseAckDelArgsOrReply: [KEEPREF|DELREF|ACKED] IDS numids id… from `from`. */
function parseAckDelArgs(argv: Bytes[], from: number): { ids: StreamId[]; refs: DeleteStrategy } | string {
  let refs: DeleteStrategy | null = null;
  let start = -1, numids = 0;
  for (let j = from; j < argv.length; ) {
    const strategy: DeleteStrategy | null = refs === null ? parseDeleteStrategy(argv[j]!) : null;
    if (strategy !== null) {
      refs = strategy;
      j++;
    } else if (argv[j]!.toLowerCase() === 'ids' && j + 1 < argv.length) {
      const n = string2ll(argv[j + 1]!);
      if (n === null || n < 1n || n > LONG_MAX) return 'ERR Number of IDs must be a positive integer';
      if (n > BigInt(argv.length - j - 2)) return 'ERR The `numids` parameter must match the number of arguments';
      numids = Number(n);
      start = j + 2;
      j = start + numids;
    } else {
      return SYNTAX_ERROR;
    }
  }
  if (start === -1) return 'ERR IDS option is required';
  const ids: StreamId[] = [];
  for (let k = 0; k < numids; k++) {
    const id = parseStrictId(argv[start + k]!);
    if (!id) return INVALID_ID;
    ids.push(id);
  }
  return { ids, refs: refs ?? 'keepref' };
}

/** The deletions XDEL makes, with its bookkeeping (max deleted ID, first ID). */
class Deleter {
  private deleted = 0;
  private firstDeleted = false;
  constructor(private readonly s: StreamValue) {}

  delete(id: StreamId): boolean {
    const s = this.s;
    if (!deleteEntry(s, id)) return false;
    if (compareIds(id, s.firstId) === 0) this.firstDeleted = true;
    if (compareIds(id, s.maxDeletedId) > 0) s.maxDeletedId = id;
    this.deleted++;
    return true;
  }

  finish(): void {
    if (this.deleted === 0) return;
    if (this.s.entries.length === 0) this.s.firstId = ZERO_ID;
    else if (this.firstDeleted) refreshFirstId(this.s);
  }
}

/** XDELEX key [KEEPREF|DELREF|ACKED] IDS numids id… */
function xdelex(ctx: CommandContext, argv: Bytes[]): ApplyOutcome {
  const found = streamForWrite(ctx, argv[1]!);
  if (found.kind === 'wrongtype') return errorOutcome(WRONGTYPE);
  const args = parseAckDelArgs(argv, 2);
  if (typeof args === 'string') return errorOutcome(args);
  if (found.kind === 'missing') return OK;
  const s = found.s;
  const referenced = args.refs === 'acked' ? referenceCheck(s) : null;
  const del = new Deleter(s);
  for (const id of args.ids) {
    if (referenced?.(id)) continue;
    // DELREF drops the references even of an ID that is not in the stream.
    if (args.refs === 'delref') dropReferences(s, id);
    del.delete(id);
  }
  del.finish();
  return OK;
}

/** XACKDEL key group [KEEPREF|DELREF|ACKED] IDS numids id… */
function xackdel(ctx: CommandContext, argv: Bytes[]): ApplyOutcome {
  const found = streamForWrite(ctx, argv[1]!);
  if (found.kind === 'wrongtype') return errorOutcome(WRONGTYPE);
  const args = parseAckDelArgs(argv, 3);
  if (typeof args === 'string') return errorOutcome(args);
  const g = found.kind === 'stream' ? found.s.groups.get(argv[2]!) : undefined;
  if (found.kind !== 'stream' || !g) return OK;
  const s = found.s;
  const del = new Deleter(s);
  for (const id of args.ids) {
    if (!removePending(g, formatId(id))) continue;
    // Referenced-ness is asked after the ack: another group may still hold the entry.
    if (args.refs === 'acked' && referenceCheck(s)(id)) continue;
    if (args.refs === 'delref') dropReferences(s, id);
    del.delete(id);
  }
  del.finish();
  return OK;
}

export const streamAckDelWriteCommands: WriteCommand[] = [
  { name: 'xdelex', arity: -5, apply: xdelex, requires: 'redis-8.2-commands' },
  { name: 'xackdel', arity: -6, apply: xackdel, requires: 'redis-8.2-commands' },
];

