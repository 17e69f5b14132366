// IDMP, Redis 8.6's idempotent XADD: per stream, for each producer ID (pid),
// the idempotent IDs (iids) it sent and the entry each one added, oldest
// first. XADD … IDMP pid iid (or IDMPAUTO pid: the iid is a hash of the
// fields) adds nothing when the iid is known; XCFGSET sets how long records
// live and how many a producer keeps; XIDMPRECORD (AOF rewrite) records one.
//
// Records expire by time: Redis's cron drops, once a second, those whose
// entry ID's ms is at least IDMP-DURATION old. A replica's keyspace has no
// cron, so the same rule is applied whenever the records are used (a lookup,
// XINFO): what a cron that never lags would leave. Each drop happens once,
// from the oldest end, so it costs what the cron's does.
import { errorOutcome, OK, WRONGTYPE, type ApplyOutcome, type CommandContext, type WriteCommand } from '../command';
import type { Bytes, StreamId, StreamIdmp, StreamValue } from '../values';
import { idempotencyHash } from './idmpHash';
import { SYNTAX_ERROR, compareIds, INVALID_ID, NOT_INTEGER, parseLongLong, parseStrictId } from './streamId';
import { hasEntry } from './streamOps';
import { streamForWrite } from './streamEntries';

/** CONFIG_STREAM_IDMP_{MIN,MAX}_{DURATION,MAXSIZE} */
const MIN_DURATION = 1, MAX_DURATION = 86400, MIN_MAXSIZE = 1, MAX_MAXSIZE = 10000;

/** handleExpiredIdmpEntries for one stream at `now`: expired records go, and producers left with none. */
export function expireIdmp(idmp: StreamIdmp, now: number): void {
  if (idmp.producers.size === 0) return;
  const expireTime = BigInt(Math.floor(now)) - BigInt(idmp.duration) * 1000n;
  for (const [pid, records] of idmp.producers) {
    for (const [iid, id] of records) {
      if (id.ms > expireTime) break;
      records.delete(iid);
    }
    if (records.size === 0) idmp.producers.delete(pid);
  }
}

/** Records of one producer, after its own expiry (idmpGetOrCreateProducer creates it). */
function producerRecords(idmp: StreamIdmp, pid: Bytes, now: number): Map<Bytes, StreamId> {
  let records = idmp.producers.get(pid);
  if (records === undefined) {
    records = new Map();
    idmp.producers.set(pid, records);
    return records;
  }
  const expireTime = BigInt(Math.floor(now)) - BigInt(idmp.duration) * 1000n;
  for (const [iid, id] of records) {
    if (id.ms > expireTime) break;
    records.delete(iid);
  }
  return records;
}

/** idmpInsertEntry: the new record, and the producer's oldest one out when it has too many. */
function insertRecord(idmp: StreamIdmp, records: Map<Bytes, StreamId>, iid: Bytes, id: StreamId): void {
  records.set(iid, id);
  idmp.iidsAdded++;
  if (records.size > idmp.maxEntries) records.delete(records.keys().next().value!);
}

/** What XADD asked of IDMP: the producer and its iid (IDMPAUTO: the hash of the fields). */
export interface IdmpRequest {
  pid: Bytes;
  /** null for IDMPAUTO. */
  iid: Bytes | null;
}

/**
 * XADD's IDMP step, before the entry is added: the iid's record when the
 * producer already sent it (XADD then adds nothing and counts a duplicate),
 * else a function recording the iid once the entry has its ID.
 */
export function idmpCheck(s: StreamValue, req: IdmpRequest, fields: Bytes[], now: number): { duplicate: StreamId } | { record: (id: StreamId) => void } {
  const records = producerRecords(s.idmp, req.pid, now);
  const iid = req.iid ?? idempotencyHash(fields);
  const known = records.get(iid);
  if (known !== undefined) {
    s.idmp.iidsDuplicates++;
    return { duplicate: known };
  }
  return { record: (id) => insertRecord(s.idmp, records, iid, id) };
}

/** streamClearIdmpEntries: a changed configuration forgets every record. */
function clearIdmp(idmp: StreamIdmp): void {
  idmp.producers.clear();
}

/** XCFGSET key [IDMP-DURATION seconds] [IDMP-MAXSIZE n] */
function xcfgset(ctx: CommandContext, argv: Bytes[]): ApplyOutcome {
  const found = streamForWrite(ctx, argv[1]!);
  if (found.kind === 'missing') return errorOutcome('ERR no such key');
  if (found.kind === 'wrongtype') return errorOutcome(WRONGTYPE);
  let duration = -1, maxsize = -1;
  for (let i = 2; i < argv.length; i++) {
    const more = argv.length - i - 1;
    const opt = argv[i]!.toLowerCase();
    if (opt === 'idmp-duration' && more) {
      if (duration !== -1) return errorOutcome('ERR IDMP-DURATION specified multiple times');
      const n = parseLongLong(argv[++i]!);
      if (n === null) return errorOutcome(NOT_INTEGER);
      if (n < MIN_DURATION || n > MAX_DURATION) {
        return errorOutcome(`ERR IDMP-DURATION must be between ${MIN_DURATION} and ${MAX_DURATION} seconds`);
      }
      duration = n;
    } else if (opt === 'idmp-maxsize' && more) {
      if (maxsize !== -1) return errorOutcome('ERR IDMP-MAXSIZE specified multiple times');
      const n = parseLongLong(argv[++i]!);
      if (n === null) return errorOutcome(NOT_INTEGER);
      if (n < MIN_MAXSIZE || n > MAX_MAXSIZE) {
        return errorOutcome(`ERR IDMP-MAXSIZE must be between ${MIN_MAXSIZE} and ${MAX_MAXSIZE} entries`);
      }
      maxsize = n;
    } else {
      return errorOutcome(SYNTAX_ERROR);
    }
  }
  if (duration === -1 && maxsize === -1) return errorOutcome('ERR At least one parameter must be specified');
  const idmp = found.s.idmp;
  // An unchanged value keeps the records: several producers may set the same configuration.
  if (duration !== -1 && idmp.duration !== duration) {
    idmp.duration = duration;
    clearIdmp(idmp);
  }
  if (maxsize !== -1 && idmp.maxEntries !== maxsize) {
    idmp.maxEntries = maxsize;
    clearIdmp(idmp);
  }
  return OK;
}

/** XIDMPRECORD key pid iid id: the record an AOF rewrite writes for an entry that has one. */
function xidmprecord(ctx: CommandContext, argv: Bytes[]): ApplyOutcome {
  const id = parseStrictId(argv[4]!);
  if (!id) return errorOutcome(INVALID_ID);
  const pid = argv[2]!, iid = argv[3]!;
  if (pid.length === 0) return errorOutcome('ERR producer ID must be non-empty');
  if (iid.length === 0) return errorOutcome('ERR idempotent ID must be non-empty');
  const found = streamForWrite(ctx, argv[1]!);
  if (found.kind === 'missing') return errorOutcome('ERR no such key');
  if (found.kind === 'wrongtype') return errorOutcome(WRONGTYPE);
  const s = found.s;
  if (!hasEntry(s, id)) return errorOutcome('ERR No such message in stream');
  const records = producerRecords(s.idmp, pid, ctx.now);
  const known = records.get(iid);
  if (known !== undefined) {
    return compareIds(known, id) === 0 ? OK : errorOutcome('ERR IID already exists for this producer with a different stream ID');
  }
  insertRecord(s.idmp, records, iid, id);
  return OK;
}

export const streamIdmpWriteCommands: WriteCommand[] = [
  { name: 'xcfgset', arity: -2, apply: xcfgset, requires: 'redis-8.6-commands' },
  { name: 'xidmprecord', arity: 5, apply: xidmprecord, requires: 'redis-8.6-commands' },
];
