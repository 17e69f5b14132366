// Values stored as a count and then that many items (plain lists, sets,
// zsets, hashes, hashes with field TTLs, quicklists). They are read one item
// (one quicklist node) at a time and committed after each, so a large value
// arriving in many chunks is never re-parsed from its start.
import { ArrayParser } from './arrayValue';
import type { Containers } from './blobValues';
import type { Bytes } from './bytes';
import type { DecodedValue } from './decodedValue';
import { readTextDouble } from './doubles';
import { fail, type RdbReader } from './reader';

export interface ValueParser {
  /**
   * Reads on from the last committed item; returns the value once complete
   * (null: an empty aggregate, which Redis skips). Throws NEED_MORE or PAUSE
   * with every item read so far committed and recorded.
   */
  step(r: RdbReader): DecodedValue | null;
}

abstract class Counted implements ValueParser {
  private left = -1;
  constructor(private readonly countName: string) {}

  step(r: RdbReader): DecodedValue | null {
    if (this.left < 0) {
      this.header(r);
      this.left = r.count(this.countName);
      r.commitItem();
    }
    while (this.left > 0) {
      this.item(r);
      this.left--;
      r.commitItem();
    }
    return this.result();
  }

  protected header(_r: RdbReader): void {}
  /** Reads one item and records it; must not record anything until the item is complete. */
  protected abstract item(r: RdbReader): void;
  protected abstract result(): DecodedValue | null;
}

class ListParser extends Counted {
  private readonly items: Bytes[] = [];
  constructor() { super('list length'); }
  protected item(r: RdbReader): void { this.items.push(r.string()); }
  protected result(): DecodedValue | null {
    return this.items.length === 0 ? null : { type: 'list', items: this.items };
  }
}

// Repeated members or fields in these hashtable-era layouts fail the load with
// Redis 7.0's words (rdbLoadObject adds each to a dict, or an intset, and
// refuses a repeat). For a plain hash Redis checks only once the hash is past
// hash-max-listpack-entries (or with sanitize-dump-payload); Redis writes this
// layout only for such hashes, and a model holding one value per field could
// not keep both anyway.

class SetParser extends Counted {
  private readonly members = new Set<Bytes>();
  constructor() { super('set size'); }
  protected item(r: RdbReader): void {
    const size = this.members.size;
    this.members.add(r.string());
    if (this.members.size === size) fail('Duplicate set members detected');
  }
  protected result(): DecodedValue | null {
    return this.members.size === 0 ? null : { type: 'set', members: this.members };
  }
}

class ZsetParser extends Counted {
  private readonly scores = new Map<Bytes, number>();
  constructor(private readonly binaryScores: boolean) { super('zset size'); }
  protected item(r: RdbReader): void {
    const member = r.string();
    const score = this.binaryScores ? r.binaryDouble() : readTextDouble(r);
    if (Number.isNaN(score)) fail('Zset with NAN score detected');
    const size = this.scores.size;
    this.scores.set(member, score);
    if (this.scores.size === size) fail('Duplicate zset fields detected');
  }
  protected result(): DecodedValue | null {
    return this.scores.size === 0 ? null : { type: 'zset', scores: this.scores };
  }
}

class HashParser extends Counted {
  private readonly fields = new Map<Bytes, Bytes>();
  constructor() { super('hash size'); }
  protected item(r: RdbReader): void {
    const field = r.string();
    const value = r.string();
    const size = this.fields.size;
    this.fields.set(field, value);
    if (this.fields.size === size) fail('Duplicate hash fields detected');
  }
  protected result(): DecodedValue | null {
    return this.fields.size === 0 ? null : { type: 'hash', fields: this.fields, fieldExpires: new Map() };
  }
}

/**
 * Hashes with field TTLs. 7.4 (type 24) stores minExpire first and each TTL as
 * 0 (none) or expire − minExpire + 1; the 7.4 release candidates (type 22)
 * stored absolute times.
 */
class HashMetadataParser extends Counted {
  private readonly fields = new Map<Bytes, Bytes>();
  private readonly fieldExpires = new Map<Bytes, number>();
  private minExpire = 0;
  constructor(private readonly relative: boolean) { super('hash size'); }
  protected header(r: RdbReader): void {
    if (this.relative) this.minExpire = r.int64();
  }
  protected item(r: RdbReader): void {
    const ttl = r.length();
    const field = r.string();
    const value = r.string();
    const expireAt = ttl === 0 || !this.relative ? ttl : this.minExpire + ttl - 1;
    const size = this.fields.size;
    this.fields.set(field, value);
    if (this.fields.size === size) fail('Duplicate hash fields detected');
    if (expireAt > 0) this.fieldExpires.set(field, expireAt);
  }
  protected result(): DecodedValue | null {
    return this.fields.size === 0 ? null : { type: 'hash', fields: this.fields, fieldExpires: this.fieldExpires };
  }
}

/**
 * Valkey 9's hash with field TTLs (VALKEY080 type 22, HASH_2): per field its
 * name, its value and its expiry as a little-endian int64 of absolute unix ms,
 * -1 for a field without one (read from versions.md §7 and the one published
 * file that has it: no Valkey 9 server runs here).
 */
class Hash2Parser extends Counted {
  private readonly fields = new Map<Bytes, Bytes>();
  private readonly fieldExpires = new Map<Bytes, number>();
  constructor() { super('hash size'); }
  protected item(r: RdbReader): void {
    const field = r.string();
    const value = r.string();
    const expireAt = r.int64();
    if (expireAt < -1) fail(`Hash field expiration time ${expireAt} is not valid`);
    const size = this.fields.size;
    this.fields.set(field, value);
    if (this.fields.size === size) fail('Duplicate hash fields detected');
    if (expireAt !== -1) this.fieldExpires.set(field, expireAt);
  }
  protected result(): DecodedValue | null {
    return this.fields.size === 0 ? null : { type: 'hash', fields: this.fields, fieldExpires: this.fieldExpires };
  }
}

/** Quicklist v1 (type 14: ziplist nodes) and v2 (type 18: PACKED listpack or PLAIN nodes). */
class QuicklistParser extends Counted {
  private readonly items: Bytes[] = [];
  constructor(private readonly v2: boolean, private readonly c: Containers) { super('quicklist node count'); }
  protected item(r: RdbReader): void {
    if (!this.v2) {
      this.addAll(this.c.zl.reset(r.blob(), 'Quicklist ziplist'));
      return;
    }
    const container = r.length();
    if (container === 1) this.items.push(r.string());
    else if (container === 2) this.addAll(this.c.lp.reset(r.blob(), 'Quicklist listpack'));
    else {
      r.blob();
      fail(`Quicklist integrity check failed. (node container ${container})`);
    }
  }
  // An empty node adds nothing, as Redis skips it. A corrupt one fails the whole load.
  private addAll(cur: { next(): boolean; bytes(): Bytes }): void {
    while (cur.next()) this.items.push(cur.bytes());
  }
  protected result(): DecodedValue | null {
    return this.items.length === 0 ? null : { type: 'list', items: this.items };
  }
}

/** Valkey's own meanings of type bytes Redis uses differently (versions.md §7.2). */
export function valkeyCollectionParser(type: number): ValueParser | undefined {
  return type === 22 ? new Hash2Parser() : undefined;
}

export function collectionParser(type: number, c: Containers): ValueParser | undefined {
  switch (type) {
    case 1: return new ListParser();
    case 2: return new SetParser();
    case 3: return new ZsetParser(false);
    case 4: return new HashParser();
    case 5: return new ZsetParser(true);
    case 14: return new QuicklistParser(false, c);
    case 18: return new QuicklistParser(true, c);
    case 22: return new HashMetadataParser(false);
    case 24: return new HashMetadataParser(true);
    case 28: return new ArrayParser();
  }
  return undefined;
}
