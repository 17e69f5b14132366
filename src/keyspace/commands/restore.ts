// RESTORE (cluster.c restoreCommand). A 7.0 master replicates it with an
// absolute TTL (`RESTORE key <abs ms> payload … ABSTTL`). The payload is
// `<rdb type byte><rdb value><rdb version u16 LE><crc64 LE>`. The checks and
// options are Redis's; the value is decoded here for plain strings only: the
// aggregate encodings need the RDB value decoder (src/rdb, in progress), and
// until it lands such a RESTORE is reported as a divergence, never guessed.
import type { ApplyOutcome, CommandContext } from '../command';
import { crc64 } from '../../rdb/crc64';
import { readString } from '../../rdb/lengths';
import type { DecodedValue } from '../../rdb/decodedValue';
import type { Bytes, StreamConsumer, StreamGroup, StreamPendingEntry, Value } from '../values';
import { toBytes } from '../values';
import { diverged, ERR_SYNTAX, fail, OK_OUTCOME, parseInt64, writeEntry } from './util';

/** Highest payload version accepted: 7.4's RDB 12 (a 7.0 server accepts up to 10). */
const MAX_RDB_VERSION = 12;
const RDB_TYPE_STRING = 0;

/**
 * A decoder for non-string payloads, installed by whoever owns the RDB value
 * decoder: given the payload without its footer, the decoded value or an
 * error text ("Bad data format").
 */
export type PayloadDecoder = (body: Buffer) => DecodedValue | { error: string };
let payloadDecoder: PayloadDecoder | null = null;

export function setRestorePayloadDecoder(d: PayloadDecoder | null): void {
  payloadDecoder = d;
}

export function restoreValue(ctx: CommandContext, argv: Bytes[]): ApplyOutcome {
  const key = argv[1]!;
  let replace = false, absttl = false, idle = -1n, freq = -1n;
  for (let j = 4; j < argv.length; j++) {
    const opt = argv[j]!.toLowerCase();
    const more = argv.length - j - 1;
    if (opt === 'replace') replace = true;
    else if (opt === 'absttl') absttl = true;
    else if (opt === 'idletime' && more >= 1 && freq === -1n) {
      const v = parseInt64(argv[++j]!);
      if (v === null) return fail('ERR value is not an integer or out of range');
      if (v < 0n) return fail('ERR Invalid IDLETIME value, must be >= 0');
      idle = v;
    } else if (opt === 'freq' && more >= 1 && idle === -1n) {
      const v = parseInt64(argv[++j]!);
      if (v === null) return fail('ERR value is not an integer or out of range');
      if (v < 0n || v > 255n) return fail('ERR Invalid FREQ value, must be >= 0 and <= 255');
      freq = v;
    } else return fail(ERR_SYNTAX);
  }
  const db = ctx.ks.db(ctx.db);
  if (!replace && writeEntry(ctx, key)) return fail('BUSYKEY Target key name already exists.');
  const ttl = parseInt64(argv[2]!);
  if (ttl === null) return fail('ERR value is not an integer or out of range');
  if (ttl < 0n) return fail('ERR Invalid TTL value, must be >= 0');
  const payload = Buffer.from(argv[3]!, 'latin1');
  if (!footerOk(payload)) return fail('ERR DUMP payload version or checksum are wrong');
  const body = payload.subarray(0, payload.length - 10);
  const value = decode(body);
  if (value === 'bad') return fail('ERR Bad data format');
  if (value === 'unsupported') {
    return diverged([key], `RESTORE of an RDB type ${body[0]} payload needs the RDB value decoder, which is not available yet`);
  }
  if (replace) db.delete(key);
  let when = -1;
  if (ttl !== 0n) when = Number(absttl ? ttl : ttl + BigInt(ctx.now));
  // On a replica checkAlreadyExpired is false: a past TTL is kept, the key hidden.
  db.set(key, value, when);
  return OK_OUTCOME;
}

function footerOk(p: Buffer): boolean {
  if (p.length < 10) return false;
  const version = p.readUInt16LE(p.length - 10);
  if (version > MAX_RDB_VERSION) return false;
  return crc64(p.subarray(0, p.length - 8)) === p.readBigUInt64LE(p.length - 8);
}

function decode(body: Buffer): Value | 'bad' | 'unsupported' {
  if (body.length === 0) return 'bad';
  if (body[0] === RDB_TYPE_STRING) {
    const s = readString(body, 1, Number.MAX_SAFE_INTEGER);
    if (s.kind !== 'ok' || s.next !== body.length) return 'bad';
    return { type: 'string', value: toBytes(s.value) };
  }
  if (!payloadDecoder) return 'unsupported';
  const d = payloadDecoder(body);
  if ('error' in d) return 'bad';
  return fromDecoded(d);
}

/** The keyspace value for a decoded RDB value (the RDB loader can use it too). */
export function fromDecoded(d: DecodedValue): Value {
  switch (d.type) {
    case 'string':
      return { type: 'string', value: toBytes(d.value) };
    case 'list':
      return { type: 'list', items: d.items.map(toBytes) };
    case 'set':
      return { type: 'set', members: new Set(d.members.map(toBytes)) };
    case 'zset':
      return { type: 'zset', scores: new Map(d.entries.map((e) => [toBytes(e.member), e.score])) };
    case 'hash': {
      const fields = new Map<Bytes, Bytes>();
      const fieldExpires = new Map<Bytes, number>();
      for (const e of d.entries) {
        const f = toBytes(e.field);
        fields.set(f, toBytes(e.value));
        if (e.expireAt !== 0) fieldExpires.set(f, e.expireAt);
      }
      return { type: 'hash', fields, fieldExpires };
    }
    case 'stream': {
      const id = (x: { ms: bigint; seq: bigint }) => ({ ms: x.ms, seq: x.seq });
      const groups = new Map<Bytes, StreamGroup>();
      for (const g of d.groups) {
        const pending = new Map<string, StreamPendingEntry>();
        const owner = new Map<string, Bytes>();
        const consumers = new Map<Bytes, StreamConsumer>();
        for (const c of g.consumers) {
          const name = toBytes(c.name);
          const mine = new Set<string>();
          for (const p of c.pending) {
            const k = `${p.ms}-${p.seq}`;
            mine.add(k);
            owner.set(k, name);
          }
          consumers.set(name, { name, seenTime: Number(c.seenTime), activeTime: Number(c.activeTime), pending: mine });
        }
        for (const p of g.pending) {
          const k = `${p.id.ms}-${p.id.seq}`;
          pending.set(k, { id: id(p.id), consumer: owner.get(k) ?? '', deliveryTime: Number(p.deliveryTime), deliveryCount: Number(p.deliveryCount) });
        }
        const name = toBytes(g.name);
        groups.set(name, { name, lastId: id(g.lastId), entriesRead: Number(g.entriesRead), pending, consumers });
      }
      return {
        type: 'stream',
        stream: {
          entries: d.entries.map((e) => ({ id: id(e.id), fields: e.fields.map(toBytes) })),
          lastId: id(d.lastId), firstId: id(d.firstId), maxDeletedId: id(d.maxDeletedId),
          entriesAdded: Number(d.entriesAdded), groups,
        },
      };
    }
    case 'module':
      return { type: 'module', moduleName: d.moduleName, moduleId: d.moduleId, encver: d.encver, raw: d.raw };
  }
}
