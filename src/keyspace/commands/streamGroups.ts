// Replicated consumer-group writes: XGROUP, XACK, and XCLAIM — the form a
// master propagates for XREADGROUP (with or without 8.8's CLAIM), XCLAIM and
// XAUTOCLAIM alike:
//   XCLAIM key group consumer 0 id TIME ms RETRYCOUNT n FORCE JUSTID LASTID id
// XAUTOCLAIM itself is implemented too (it is never propagated verbatim).
// An entry XNACK released (8.8, streamNack.ts) is owned by no consumer and
// can be claimed whatever its idle time.
import { errorOutcome, OK, WRONGTYPE, type ApplyOutcome, type CommandContext, type WriteCommand } from '../command';
import type { Bytes, StreamConsumer, StreamGroup, StreamId, StreamPendingEntry, StreamValue } from '../values';
import { arityError, cText, subcommandSyntaxError, unknownSubcommand } from './replyText';
import { compareIds, formatId, INVALID_ID, NOT_INTEGER, parseId, parseIdKey, parseLongLong, parseRangeBound, parseStrictId, SYNTAX_ERROR, ZERO_ID } from './streamId';
import { hasEntry, INVALID_ENTRIES_READ, newGroup, newStream } from './streamOps';
import { streamForWrite } from './streamEntries';

type GroupLookup = { error: string } | { s: StreamValue; g: StreamGroup };

function noGroupKeyError(key: Bytes, group: Bytes): string {
  return `NOGROUP No such key '${cText(key)}' or consumer group '${cText(group)}'`;
}

/** XCLAIM/XAUTOCLAIM: the key and the group must both exist. */
function groupForClaim(ctx: CommandContext, argv: Bytes[]): GroupLookup {
  const found = streamForWrite(ctx, argv[1]!);
  if (found.kind === 'wrongtype') return { error: WRONGTYPE };
  const g = found.kind === 'stream' ? found.s.groups.get(argv[2]!) : undefined;
  if (found.kind !== 'stream' || !g) return { error: noGroupKeyError(argv[1]!, argv[2]!) };
  return { s: found.s, g };
}

function newConsumer(name: Bytes, now: number): StreamConsumer {
  return { name, seenTime: now, activeTime: -1, pending: new Set() };
}

/** streamLookupConsumer(SLC_DEFAULT) or streamCreateConsumer: either way it was seen now. */
function touchConsumer(g: StreamGroup, name: Bytes, now: number): StreamConsumer {
  let c = g.consumers.get(name);
  if (c) c.seenTime = now;
  else g.consumers.set(name, (c = newConsumer(name, now)));
  return c;
}

/** Removes a PEL entry from the group, its owner's PEL and the NACK zone; true when there was one. */
export function removePending(g: StreamGroup, key: string): boolean {
  const nack = g.pending.get(key);
  if (!nack) return false;
  g.pending.delete(key);
  if (nack.consumer !== null) g.consumers.get(nack.consumer)?.pending.delete(key);
  else g.nacked.delete(key);
  return true;
}

/** Moves a NACK to `consumer`, as XCLAIM and XAUTOCLAIM do after their checks (leaving the NACK zone, if it was there). */
function assignPending(g: StreamGroup, key: string, nack: StreamPendingEntry, consumer: StreamConsumer, now: number): void {
  if (nack.consumer !== consumer.name) {
    if (nack.consumer !== null) g.consumers.get(nack.consumer)?.pending.delete(key);
    else g.nacked.delete(key);
    nack.consumer = consumer.name;
    consumer.pending.add(key);
  }
  // 7.2's active-time (not shown by 7.0): the consumer did something.
  consumer.activeTime = now;
}

/** LLONG_MAX, where XCLAIM stops counting deliveries (8.x) and XNACK FATAL puts the count. */
export const DELIVERY_COUNT_MAX = 2 ** 63;

function countDelivery(nack: StreamPendingEntry): void {
  if (nack.deliveryCount < DELIVERY_COUNT_MAX) nack.deliveryCount++;
}

/** Claims need an owner's idle time: an entry no consumer owns (XNACK) is always claimable. */
function tooRecent(nack: StreamPendingEntry, minIdle: number, now: number): boolean {
  return nack.consumer !== null && minIdle !== 0 && now - nack.deliveryTime < minIdle;
}

// ---- XGROUP ----

const XGROUP_ARITY: Record<string, number> = { create: -5, setid: -5, destroy: 4, createconsumer: 5, delconsumer: 5, help: 2 };

function arityOk(arity: number, argc: number): boolean {
  return arity > 0 ? argc === arity : argc >= -arity;
}

function xgroup(ctx: CommandContext, argv: Bytes[]): ApplyOutcome {
  const sub = argv[1]!;
  const opt = sub.toLowerCase();
  const arity = XGROUP_ARITY[opt];
  if (arity === undefined) return errorOutcome(unknownSubcommand('xgroup', sub));
  if (!arityOk(arity, argv.length)) return errorOutcome(arityError(`xgroup|${opt}`));
  if (opt === 'help') return OK;

  let mkstream = false;
  let entriesRead = INVALID_ENTRIES_READ;
  for (let i = 5; i < argv.length; ) {
    const a = argv[i]!.toLowerCase();
    if (opt === 'create' && a === 'mkstream') {
      mkstream = true;
      i++;
    } else if ((opt === 'create' || opt === 'setid') && a === 'entriesread' && i + 1 < argv.length) {
      const n = parseLongLong(argv[i + 1]!);
      if (n === null) return errorOutcome(NOT_INTEGER);
      if (n < 0 && n !== INVALID_ENTRIES_READ) return errorOutcome('ERR value for ENTRIESREAD must be positive or -1');
      entriesRead = n;
      i += 2;
    } else {
      return errorOutcome(subcommandSyntaxError('xgroup', sub));
    }
  }
  const key = argv[2]!;
  const groupName = argv[3]!;
  const found = streamForWrite(ctx, key);
  if (found.kind === 'wrongtype') return errorOutcome(WRONGTYPE);
  let s = found.kind === 'stream' ? found.s : null;
  const g = s?.groups.get(groupName);
  if (!mkstream) {
    if (!s) {
      return errorOutcome(
        'ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.',
      );
    }
    if (!g && opt !== 'create' && opt !== 'destroy') {
      return errorOutcome(`NOGROUP No such consumer group '${cText(groupName)}' for key name '${cText(key)}'`);
    }
  }

  switch (opt) {
    case 'create': {
      if (argv.length > 8) return errorOutcome(subcommandSyntaxError('xgroup', sub));
      let id: StreamId;
      if (argv[4] === '$') {
        id = s ? s.lastId : ZERO_ID;
      } else {
        const parsed = parseStrictId(argv[4]!);
        if (!parsed) return errorOutcome(INVALID_ID);
        id = parsed;
      }
      if (!s) {
        s = newStream();
        ctx.ks.db(ctx.db).set(key, { type: 'stream', stream: s });
      }
      if (s.groups.has(groupName)) return errorOutcome('BUSYGROUP Consumer Group name already exists');
      s.groups.set(groupName, newGroup(groupName, id, entriesRead));
      return OK;
    }
    case 'setid': {
      if (argv.length !== 5 && argv.length !== 7) return errorOutcome(subcommandSyntaxError('xgroup', sub));
      let id: StreamId;
      if (argv[4] === '$') {
        id = s!.lastId;
      } else {
        const parsed = parseId(argv[4]!, 0n, false);
        if (!parsed) return errorOutcome(INVALID_ID);
        id = parsed.id;
      }
      g!.lastId = id;
      g!.entriesRead = entriesRead;
      return OK;
    }
    case 'destroy':
      if (g) s!.groups.delete(groupName);
      return OK;
    case 'createconsumer':
      if (!g!.consumers.has(argv[4]!)) g!.consumers.set(argv[4]!, newConsumer(argv[4]!, ctx.now));
      return OK;
    case 'delconsumer': {
      const c = g!.consumers.get(argv[4]!);
      if (c) {
        for (const k of c.pending) g!.pending.delete(k);
        g!.consumers.delete(argv[4]!);
      }
      return OK;
    }
  }
  return errorOutcome(subcommandSyntaxError('xgroup', sub));
}

// ---- XACK ----

function xack(ctx: CommandContext, argv: Bytes[]): ApplyOutcome {
  const found = streamForWrite(ctx, argv[1]!);
  if (found.kind === 'wrongtype') return errorOutcome(WRONGTYPE);
  const g = found.kind === 'stream' ? found.s.groups.get(argv[2]!) : undefined;
  if (!g) return OK;
  const keys: string[] = [];
  for (const a of argv.slice(3)) {
    const id = parseStrictId(a);
    if (!id) return errorOutcome(INVALID_ID);
    keys.push(formatId(id));
  }
  for (const k of keys) removePending(g, k);
  return OK;
}

// ---- XCLAIM ----

interface ClaimOptions {
  force: boolean;
  justId: boolean;
  /** -1: not given */
  deliveryTime: number;
  retryCount: number;
  lastId: StreamId;
}

function parseClaimOptions(argv: Bytes[], from: number, now: number): ClaimOptions | string {
  const o: ClaimOptions = { force: false, justId: false, deliveryTime: -1, retryCount: -1, lastId: ZERO_ID };
  for (let j = from; j < argv.length; j++) {
    const moreargs = argv.length - 1 - j;
    const opt = argv[j]!.toLowerCase();
    if (opt === 'force') {
      o.force = true;
    } else if (opt === 'justid') {
      o.justId = true;
    } else if ((opt === 'idle' || opt === 'time' || opt === 'retrycount') && moreargs) {
      const n = parseLongLong(argv[++j]!);
      if (n === null) return `ERR Invalid ${opt.toUpperCase()} option argument for XCLAIM`;
      if (opt === 'idle') o.deliveryTime = now - n;
      else if (opt === 'time') o.deliveryTime = n;
      else o.retryCount = n;
    } else if (opt === 'lastid' && moreargs) {
      const id = parseStrictId(argv[++j]!);
      if (!id) return INVALID_ID;
      o.lastId = id;
    } else {
      return `ERR Unrecognized XCLAIM option '${cText(argv[j]!)}'`;
    }
  }
  return o;
}

function xclaim(ctx: CommandContext, argv: Bytes[]): ApplyOutcome {
  const found = groupForClaim(ctx, argv);
  if ('error' in found) return errorOutcome(found.error);
  const { s, g } = found;
  const minIdleArg = parseLongLong(argv[4]!);
  if (minIdleArg === null) return errorOutcome('ERR Invalid min-idle-time argument for XCLAIM');
  const minIdle = Math.max(0, minIdleArg);
  // IDs run until the first argument that is not one; the rest are options.
  const ids: StreamId[] = [];
  let j = 5;
  for (; j < argv.length; j++) {
    const id = parseStrictId(argv[j]!);
    if (!id) break;
    ids.push(id);
  }
  const now = ctx.now;
  const o = parseClaimOptions(argv, j, now);
  if (typeof o === 'string') return errorOutcome(o);
  if (compareIds(o.lastId, g.lastId) > 0) g.lastId = o.lastId;
  let deliveryTime = o.deliveryTime;
  // A bogus (future or negative) time becomes now, as Redis does rather than failing.
  if (deliveryTime === -1 || deliveryTime < 0 || deliveryTime > now) deliveryTime = now;

  // 7.2+ create (and see) the consumer before claiming anything; 7.0 only once it claims.
  let consumer: StreamConsumer | undefined = ctx.ks.dialect.has('stream-consumer-active-time') ? touchConsumer(g, argv[3]!, now) : undefined;
  for (const id of ids) {
    const key = formatId(id);
    let nack = g.pending.get(key);
    if (!hasEntry(s, id)) {
      // The entry is gone: its NACK goes too.
      if (nack) removePending(g, key);
      continue;
    }
    let created = false;
    if (o.force && !nack) {
      nack = { id, consumer: null, deliveryTime: now, deliveryCount: 1 };
      g.pending.set(key, nack);
      created = true;
    }
    if (!nack) continue;
    if (!created && tooRecent(nack, minIdle, now)) continue;
    consumer ??= touchConsumer(g, argv[3]!, now);
    nack.deliveryTime = deliveryTime;
    if (o.retryCount >= 0) nack.deliveryCount = o.retryCount;
    else if (!o.justId) countDelivery(nack);
    if (created) {
      nack.consumer = consumer.name;
      consumer.pending.add(key);
      consumer.activeTime = now;
    } else {
      assignPending(g, key, nack, consumer, now);
    }
  }
  return OK;
}

// ---- XAUTOCLAIM ----

const LONG_MAX_OVER_10 = Math.floor(9223372036854775807 / 10);

function xautoclaim(ctx: CommandContext, argv: Bytes[]): ApplyOutcome {
  const minIdleArg = parseLongLong(argv[4]!);
  if (minIdleArg === null) return errorOutcome('ERR Invalid min-idle-time argument for XAUTOCLAIM');
  const minIdle = Math.max(0, minIdleArg);
  const start = parseRangeBound(argv[5]!, true);
  if (typeof start === 'string') return errorOutcome(start);
  let count = 100;
  let justId = false;
  for (let j = 6; j < argv.length; j++) {
    const opt = argv[j]!.toLowerCase();
    if (opt === 'count' && argv.length - 1 - j > 0) {
      const n = parseLongLong(argv[++j]!);
      if (n === null || n < 1 || n > LONG_MAX_OVER_10) return errorOutcome('ERR COUNT must be > 0');
      count = n;
    } else if (opt === 'justid') {
      justId = true;
    } else {
      return errorOutcome(SYNTAX_ERROR);
    }
  }
  const found = groupForClaim(ctx, argv);
  if ('error' in found) return errorOutcome(found.error);
  const { s, g } = found;
  const now = ctx.now;
  let attempts = count * 10;
  let consumer: StreamConsumer | undefined = ctx.ks.dialect.has('stream-consumer-active-time') ? touchConsumer(g, argv[3]!, now) : undefined;
  const keys = [...g.pending.keys()].map((k) => ({ k, id: parseIdKey(k) })).filter((e) => compareIds(e.id, start) >= 0);
  keys.sort((a, b) => compareIds(a.id, b.id));
  for (const { k, id } of keys) {
    if (!(attempts-- && count)) break;
    const nack = g.pending.get(k)!;
    if (!hasEntry(s, id)) {
      removePending(g, k);
      count--;
      continue;
    }
    if (tooRecent(nack, minIdle, now)) continue;
    consumer ??= touchConsumer(g, argv[3]!, now);
    nack.deliveryTime = now;
    if (!justId) countDelivery(nack);
    assignPending(g, k, nack, consumer, now);
    count--;
  }
  return OK;
}

export const streamGroupWriteCommands: WriteCommand[] = [
  { name: 'xgroup', arity: -2, apply: xgroup },
  { name: 'xack', arity: -4, apply: xack },
  { name: 'xclaim', arity: -6, apply: xclaim },
  { name: 'xautoclaim', arity: -6, apply: xautoclaim },
];
