// Streaming RDB decoder, pull style (h11): write() only buffers; next() returns
// one event or a status. Records are read whole when small; values that are
// collections go through a parser that commits one item (one quicklist node,
// one stream node…) at a time. A read past the buffered bytes rewinds to the
// last commit and is retried only once the bytes it was missing have arrived,
// so feeding the payload byte by byte or in any chunks gives the same events
// and re-reads at most the one item that straddled a boundary.
//
// Pauses (pauseEveryBytes) happen at commit points: between records, and
// inside collection values between items. When a record that crosses the
// boundary ends in an event, the event comes first and the pause next.
//
// Keys and values in key events are latin1 strings (Bytes), copied out of the
// chunks once: they pin no chunk. The Buffers in other events (AUX fields,
// function code, module payloads) are views of the written chunks (or of the
// decoder's own joined copies), which the decoder never writes to: callers must
// not modify a chunk after write(), and should treat event Buffers as
// read-only; copy one to keep it without pinning its chunk.
import { readBlobValue, type Containers } from './blobValues';
import type { ValueParser } from './collectionValues';
import type { Bytes, DecodedKey, DecodedValue, KeyMetaClass, RdbEncoding } from './decodedValue';
import type { RdbDecoderOptions, RdbEvent, RdbNext, RdbPosition } from './decoderEvents';
import { DecoderInput } from './decoderInput';
import { ListpackCursor } from './listpack';
import { KeyMetaParser, ModuleAuxParser, moduleTypeName } from './moduleValue';
import { ERR_SHORT_READ, readRdbHeader } from './payloadVerifier';
import { isOpcode, knownType, Op, OPCODE_NAMES, type RdbFormat } from './rdbTypes';
import { fail, NEED_MORE, PAUSE, RdbFormatError, RdbReader } from './reader';
import { BLOB, valueReader } from './valueDispatch';
import { ZiplistCursor } from './ziplist';

export type { RdbDecoderOptions, RdbEvent, RdbNext, RdbPosition } from './decoderEvents';

const enum State { Header, Record, Value, ModuleAux, KeyMeta, Checksum, Done, Failed }

const DEFAULT_MAX_VERSION = 12;
const DEFAULT_MAX_ELEMENT = 512 * 1024 * 1024;
const FIRST_CRC_VERSION = 5;
const NEED_MORE_RESULT: RdbNext = Object.freeze({ status: 'need-more' });
const DONE_RESULT: RdbNext = Object.freeze({ status: 'done' });

export class RdbDecoder {
  private readonly r: RdbReader;
  private readonly maxVersion: number;
  private readonly product: RdbFormat;
  /** The file's numbering, from its magic. */
  private format: RdbFormat = 'redis';
  /** The highest version whose types and opcodes this file may use (the reader's, for its format). */
  private typesUpTo = 0;
  private readonly c: Containers = { lp: new ListpackCursor(), zl: new ZiplistCursor() };
  private readonly input: DecoderInput;
  private state = State.Header;
  private version = 0;
  /** The CRC of every byte through the EOF opcode, once it has been read. */
  private computedCrc = 0n;
  private failure: RdbNext | null = null;
  private pausePending = false;

  // The key record in progress, and the prefixes (expiry, LRU, LFU) set for it.
  private db = 0;
  private expireAt = -1;
  private idle = -1;
  private freq = -1;
  private opcode: string | null = null;
  private typeName: string | null = null;
  private key: Bytes | null = null;
  private rdbType = 0;
  private encoding: RdbEncoding = 'string';
  private parser: ValueParser | null = null;
  private auxParser: ModuleAuxParser | null = null;
  private keyMetaParser: KeyMetaParser | null = null;
  /** The KEY_META classes read for the key record that follows. */
  private keyMeta: KeyMetaClass[] | null = null;
  private readonly keysByDb: Map<number, Set<Bytes>> | null;
  private readonly verifyCrc: boolean;

  constructor(opts: RdbDecoderOptions = {}) {
    this.maxVersion = opts.maxVersion ?? DEFAULT_MAX_VERSION;
    this.product = opts.product ?? 'redis';
    this.r = new RdbReader(
      opts.pauseEveryBytes ?? 0,
      opts.maxElementBytes ?? DEFAULT_MAX_ELEMENT,
      opts.expectedSize ?? Infinity,
    );
    this.verifyCrc = opts.skipChecksum !== true;
    this.input = new DecoderInput(this.r, this.verifyCrc);
    this.keysByDb = opts.detectDuplicateKeys ? new Map() : null;
  }

  /** Buffers a chunk; it is kept by reference, not copied, so the caller must not modify it afterwards. */
  write(chunk: Buffer): void {
    this.input.write(chunk);
  }

  get bytesConsumed(): number {
    return this.r.base + this.r.start;
  }

  position(): RdbPosition {
    return { offset: this.bytesConsumed, opcode: this.opcode, type: this.typeName, key: this.key, db: this.db };
  }

  next(): RdbNext {
    if (this.failure !== null) return this.failure;
    if (this.pausePending) {
      this.pausePending = false;
      return { status: 'paused', position: this.position() };
    }
    const r = this.r;
    for (;;) {
      if (r.needEnd > r.base + r.buf.length) {
        if (r.needEnd > r.payloadEnd) {
          return this.fail(`${ERR_SHORT_READ} (the element at offset ${this.bytesConsumed} runs past the end of the ${r.payloadEnd}-byte payload)`);
        }
        if (!this.input.fill()) return NEED_MORE_RESULT;
      }
      try {
        const result = this.step();
        if (result !== null) return result;
      } catch (e) {
        r.p = r.start;
        if (e === NEED_MORE) continue;
        if (e === PAUSE) return { status: 'paused', position: this.position() };
        if (e instanceof RdbFormatError) return this.fail(e.message);
        // Input this decoder did not foresee: an error status, never an exception into the engine.
        return this.fail(`RDB decoder failure at offset ${this.bytesConsumed}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  }

  private step(): RdbNext | null {
    switch (this.state) {
      case State.Record: return this.record();
      case State.Value: return this.finishKey(this.parser!.step(this.r));
      case State.ModuleAux: {
        const aux = this.auxParser!.step(this.r);
        this.auxParser = null;
        this.state = State.Record;
        return this.emit({ kind: 'module-aux', ...aux });
      }
      case State.KeyMeta: {
        this.keyMeta = this.keyMetaParser!.step(this.r);
        this.keyMetaParser = null;
        this.state = State.Record;
        return this.silent();
      }
      case State.Header: return this.header();
      case State.Checksum: return this.checksum();
      case State.Done: return this.done();
      case State.Failed: return this.failure;
    }
  }

  private header(): RdbNext {
    const h = readRdbHeader(this.r.bytes(9), this.maxVersion, this.product);
    if ('error' in h) fail(h.error);
    this.version = h.version;
    this.format = h.format;
    this.typesUpTo = h.typesUpTo;
    this.state = State.Record;
    return this.emit({ kind: 'header', version: h.version, magic: h.magic });
  }

  private record(): RdbNext | null {
    const r = this.r;
    const t = r.u8();
    const opcode = isOpcode(t, this.format, this.typesUpTo);
    if (opcode && this.keyMeta === null) return this.opcodeRecord(t);
    this.opcode = null;
    const info = opcode ? undefined : knownType(t, this.typesUpTo, this.format);
    this.typeName = info === undefined ? `unknown type ${t}` : info.name;
    this.key = null;
    // rdbResolveKeyType: what follows KEY_META must be a value type.
    if (this.keyMeta !== null && info === undefined) {
      return fail(`Unexpected EOF reading RDB file: KEY_META is followed by byte ${t}, not a value type`);
    }
    // Redis reads a key first and then fails on the type; what follows an
    // unknown type byte need not be a key at all (Redis Enterprise records),
    // and reading it would report a short read instead of the real fault.
    if (info === undefined) return fail(`Unknown RDB encoding type ${t}`);
    const key = r.string();
    this.key = key;
    this.rdbType = t;
    this.encoding = info.encoding;
    const reader = valueReader(t, this.format, this.c);
    if (reader === BLOB) return this.finishKey(readBlobValue(t, r, this.c));
    if (reader === undefined) {
      const name = moduleTypeName(r.lengthBig());
      return fail(
        `The RDB file contains module data I can't load: no matching module type '${name}' ` +
        '(a pre-GA type 6 module value is not self-describing, so a module without a handler cannot be skipped)',
      );
    }
    this.parser = reader;
    this.state = State.Value;
    r.commitItem();
    return null;
  }

  private opcodeRecord(t: number): RdbNext | null {
    const r = this.r;
    this.opcode = OPCODE_NAMES[t];
    this.typeName = null;
    this.key = null;
    switch (t) {
      case Op.EXPIRETIME_MS:
        this.expireAt = r.int64();
        return this.silent();
      case Op.EXPIRETIME:
        this.expireAt = r.int32() * 1000;
        return this.silent();
      case Op.IDLE:
        this.idle = r.length();
        return this.silent();
      case Op.FREQ:
        this.freq = r.u8();
        return this.silent();
      case Op.SELECTDB: {
        const db = r.length();
        this.db = db;
        return this.emit({ kind: 'selectdb', db });
      }
      case Op.RESIZEDB: {
        const dbSize = r.length();
        return this.emit({ kind: 'resizedb', dbSize, expiresSize: r.length() });
      }
      case Op.AUX: {
        const name = r.blob();
        return this.emit({ kind: 'aux', name, value: r.blob() });
      }
      case Op.FUNCTION2:
        return this.emit({ kind: 'function', code: r.blob() });
      case Op.FUNCTION_PRE_GA:
        return this.emit({ kind: 'function', code: readPreGaFunction(this.r) });
      case Op.SLOT_INFO: {
        const slot = r.length();
        const slotSize = r.length();
        return this.emit({ kind: 'slot-info', slot, slotSize, expiresSlotSize: r.length() });
      }
      case Op.MODULE_AUX:
        this.auxParser = new ModuleAuxParser();
        this.state = State.ModuleAux;
        r.commitItem();
        return null;
      case Op.KEY_META:
        this.keyMetaParser = new KeyMetaParser();
        this.state = State.KeyMeta;
        r.commitItem();
        return null;
      case Op.EOF:
        return this.eofOpcode();
    }
    return fail(`Unknown RDB opcode ${t}`);
  }

  private eofOpcode(): RdbNext | null {
    const r = this.r;
    const crossed = r.commitRecord();
    this.computedCrc = this.input.finishCrc();
    if (this.version >= FIRST_CRC_VERSION) {
      this.state = State.Checksum;
      return crossed ? { status: 'paused', position: this.position() } : null;
    }
    this.state = State.Done;
    if (crossed) this.pausePending = true;
    return { status: 'event', event: { kind: 'eof', checksum: null } };
  }

  private checksum(): RdbNext {
    const stored = this.r.bytes(8).readBigUInt64LE(0);
    if (stored !== 0n && this.verifyCrc) {
      const computed = this.computedCrc;
      // rdbLoad's wording: "expected" is what it computed, "got" what the file holds.
      if (stored !== computed) {
        fail(`Wrong RDB checksum expected: (${computed.toString(16)}) but got (${stored.toString(16)}). Aborting now.`);
      }
    }
    this.state = State.Done;
    return this.emit({ kind: 'eof', checksum: stored === 0n ? null : stored });
  }

  private done(): RdbNext {
    // Named by offset, not count: how many stray bytes are buffered depends on the chunking.
    if (this.input.undecoded > 0) {
      return this.fail(`Unexpected data after the end of the RDB payload (from offset ${this.bytesConsumed})`);
    }
    return DONE_RESULT;
  }

  private finishKey(value: DecodedValue | null): RdbNext | null {
    const r = this.r;
    const keyName = this.key!;
    if (value !== null && this.keysByDb !== null) this.checkDuplicate(keyName);
    const crossed = r.commitRecord();
    const expireAt = this.expireAt, idle = this.idle, freq = this.freq, keyMeta = this.keyMeta;
    this.expireAt = this.idle = this.freq = -1;
    this.keyMeta = null;
    this.parser = null;
    this.state = State.Record;
    if (value === null) {
      // An empty aggregate: Redis skips the key ("rdbLoadObject skipping empty key").
      return crossed ? { status: 'paused', position: this.position() } : null;
    }
    const key: DecodedKey = { db: this.db, key: keyName, expireAt, value, encoding: this.encoding, rdbType: this.rdbType };
    if (idle !== -1) key.idle = idle;
    if (freq !== -1) key.freq = freq;
    if (keyMeta !== null && keyMeta.length > 0) key.keyMeta = keyMeta;
    if (crossed) this.pausePending = true;
    return { status: 'event', event: { kind: 'key', key } };
  }

  private checkDuplicate(key: Bytes): void {
    let keys = this.keysByDb!.get(this.db);
    if (keys === undefined) this.keysByDb!.set(this.db, (keys = new Set()));
    const size = keys.size;
    keys.add(key);
    if (keys.size === size) fail(`Duplicated key found in RDB file: RDB has duplicated key '${key}' in DB ${this.db}`);
  }

  /** A record that sets state for the next key and emits nothing. */
  private silent(): RdbNext | null {
    return this.r.commitRecord() ? { status: 'paused', position: this.position() } : null;
  }

  private emit(event: RdbEvent): RdbNext {
    if (this.r.commitRecord()) this.pausePending = true;
    return { status: 'event', event };
  }

  private fail(error: string): RdbNext {
    this.state = State.Failed;
    this.failure = { status: 'error', error, position: this.position() };
    return this.failure;
  }
}

/** The 7.0-rc FUNCTION record, converted as Redis 7.0 GA converts it on load. */
function readPreGaFunction(r: RdbReader): Buffer {
  const name = r.blob();
  const engine = r.blob();
  if (r.length() !== 0) r.blob(); // the description, which Redis drops
  const code = r.blob();
  return Buffer.concat([Buffer.from(`#!${engine.toString('latin1')} name=${name.toString('latin1')}\n`, 'latin1'), code]);
}
