// RESTORE (cluster.c restoreCommand). A 7.0 master replicates it with an
// absolute TTL (`RESTORE key <abs ms> payload … ABSTTL`). The payload is
// `[KEY_META]<rdb type byte><rdb value><rdb version u16 LE><crc64 LE>`,
// refused when its version is newer than the replica's own; it is verified
// and decoded by src/rdb/dumpPayload (the RDB load's own value parsers), and
// the value is stored as an RDB load would store it. The checks, options and
// replies are Redis's.
import type { ApplyOutcome, CommandContext } from '../command';
import { decodeDumpValue, verifyDumpPayload } from '../../rdb/dumpPayload';
import { keyMetaRefusal, noteLoaded, valueFromDecoded } from '../load';
import type { Bytes } from '../values';
import { ERR_SYNTAX, fail, OK_OUTCOME, parseInt64, writeEntry } from './util';

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
  // The server's own RDB_VERSION bounds the payloads it takes, as for a load.
  const dialect = ctx.ks.dialect;
  const maxVersion = dialect.rdbVersion;
  if (!verifyDumpPayload(payload, { maxVersion, zeroCrcSkips: dialect.has('dump-zero-crc') })) {
    return fail('ERR DUMP payload version or checksum are wrong');
  }
  const decoded = decodeDumpValue(payload, { maxVersion, format: dialect.product });
  // A module's value (MODULE_2) decodes as an opaque blob, kept as is (its digest is the module's);
  // a type the version does not read is Redis's own refusal.
  // rdbResolveKeyType or rdbLoadObject failed, or (an empty aggregate) returned nothing to store.
  const value = decoded.ok && (decoded.keyMeta === undefined || keyMetaRefusal(decoded.keyMeta) === null)
    ? valueFromDecoded(decoded.value, dialect)
    : null;
  if (value === null || !decoded.ok) return fail('ERR Bad data format');
  noteLoaded(value, decoded.rdbType);
  if (replace) db.delete(key);
  let when = -1;
  if (ttl !== 0n) when = Number(absttl ? ttl : ttl + BigInt(ctx.now));
  // On a replica checkAlreadyExpired is false: a past TTL is kept, the key hidden.
  db.set(key, value, when);
  return OK_OUTCOME;
}
