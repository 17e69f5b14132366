// Redis 8.8's XNACK: releases pending entries back to the group without
// acknowledging them. Each leaves its consumer, joins the end of the group's
// NACK zone (owned by nobody, delivery time 0, claimable at once) and has its
// delivery count adjusted by the mode; FORCE creates such an entry for an ID
// the PEL lacks but the stream has. Arrives verbatim in the master's stream.
import { errorOutcome, OK, WRONGTYPE, type ApplyOutcome, type CommandContext, type WriteCommand } from '../command';
import type { Bytes, StreamId, StreamPendingEntry } from '../values';
import { cText } from './replyText';
import { formatId, INVALID_ID, NOT_INTEGER, parseStrictId, string2ll } from './streamId';
import { DELIVERY_COUNT_MAX } from './streamGroups';
import { hasEntry } from './streamOps';
import { streamForWrite } from './streamEntries';

type Mode = 'silent' | 'fail' | 'fatal';
const INT_MAX = 2147483647n;

/** nackSetDeliveryCount */
function setDeliveryCount(nack: StreamPendingEntry, mode: Mode, retryCount: number): void {
  if (retryCount >= 0) nack.deliveryCount = retryCount;
  else if (mode === 'silent') nack.deliveryCount = Math.max(0, nack.deliveryCount - 1);
  else if (mode === 'fatal') nack.deliveryCount = DELIVERY_COUNT_MAX;
}

/** XNACK key group SILENT|FAIL|FATAL IDS numids id… [RETRYCOUNT n] [FORCE] */
function xnack(ctx: CommandContext, argv: Bytes[]): ApplyOutcome {
  const found = streamForWrite(ctx, argv[1]!);
  if (found.kind === 'wrongtype') return errorOutcome(WRONGTYPE);
  const g = found.kind === 'stream' ? found.s.groups.get(argv[2]!) : undefined;
  if (found.kind !== 'stream' || !g) {
    return errorOutcome(`NOGROUP No such key '${cText(argv[1]!)}' or consumer group '${cText(argv[2]!)}'`);
  }
  const mode = argv[3]!.toLowerCase();
  if (mode !== 'silent' && mode !== 'fail' && mode !== 'fatal') return errorOutcome('ERR mode must be SILENT, FAIL, or FATAL');
  let start = 0, numids = 0, force = false, retryCount = -1;
  for (let i = 4; i < argv.length; i++) {
    const more = argv.length - 1 - i;
    const opt = argv[i]!.toLowerCase();
    if (opt === 'ids' && more) {
      const n = string2ll(argv[i + 1]!);
      if (n === null || n < 1n || n > INT_MAX) return errorOutcome('ERR numids must be a positive integer');
      numids = Number(n);
      start = i + 2;
      if (numids > argv.length - start) return errorOutcome("ERR number of IDs doesn't match numids");
      i = start + numids - 1;
    } else if (opt === 'force') {
      force = true;
    } else if (opt === 'retrycount' && more) {
      const n = string2ll(argv[++i]!);
      if (n === null) return errorOutcome(NOT_INTEGER);
      if (n < 0n) return errorOutcome('ERR Invalid RETRYCOUNT value, must be >= 0');
      retryCount = Number(n);
    } else {
      return errorOutcome(`ERR Unrecognized XNACK option '${cText(argv[i]!)}'`);
    }
  }
  if (start === 0) return errorOutcome('ERR syntax error, expected IDS keyword');
  const ids: StreamId[] = [];
  for (let j = 0; j < numids; j++) {
    const id = parseStrictId(argv[start + j]!);
    if (!id) return errorOutcome(INVALID_ID);
    ids.push(id);
  }
  const s = found.s;
  for (const id of ids) {
    const key = formatId(id);
    let nack = g.pending.get(key);
    if (nack !== undefined) {
      setDeliveryCount(nack, mode, retryCount);
      if (nack.consumer !== null) {
        g.consumers.get(nack.consumer)?.pending.delete(key);
        nack.consumer = null;
      }
      // To the end of the zone, wherever it was (pelListUnlink + pelListInsertNacked).
      g.nacked.delete(key);
    } else {
      if (!force || !hasEntry(s, id)) continue;
      // A made-up entry: no delivery yet, so the mode starts from 0.
      nack = { id, consumer: null, deliveryTime: 0, deliveryCount: 0 };
      setDeliveryCount(nack, mode, retryCount);
      g.pending.set(key, nack);
    }
    nack.deliveryTime = 0;
    g.nacked.add(key);
  }
  return OK;
}

export const streamNackWriteCommands: WriteCommand[] = [
  { name: 'xnack', arity: -7, apply: xnack, requires: 'redis-8.8-commands' },
];
