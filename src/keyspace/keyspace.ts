// Databases 0..N-1 of keys with their values and expiry, and the functions
// libraries. A replica never expires keys itself: expired keys stay until the
// master sends DEL; reads hide them (lookupKeyRead on a replica).
import type { KeyspaceDialect } from '../versions/profile';
import { DEFAULT_DIALECT } from '../versions/profiles';
import { noteStringPlaced } from './encoding';
import type { Bytes, Divergence, KeyEntry, Value } from './values';

/** Who a database reads its dialect from (its keyspace). */
export interface DialectOwner {
  readonly dialect: KeyspaceDialect;
}

/**
 * Hashes registered in their database's field-expiry index (db->hexpires,
 * INFO keyspace `subexpiry=`): one gets in when a field gets a TTL and, on a
 * replica, leaves only with the key (or, from Redis 8, when HDEL removes its
 * last field with a TTL). Registration belongs to the value, so it follows
 * RENAME, MOVE and SWAPDB, and COPY duplicates it.
 */
const subexpiryRegistered = new WeakSet<Value>();

export function isSubexpiryRegistered(v: Value): boolean {
  return subexpiryRegistered.has(v);
}

/** Registers a hash not stored yet (a load, RESTORE, COPY): Database.set counts it when it is placed. */
export function registerSubexpiry(v: Value): void {
  subexpiryRegistered.add(v);
}

/** A write the replica could not apply: on named keys, or (key null) on keys it cannot name. */
export interface DatasetDivergence extends Divergence {
  db: number;
  key: Bytes | null;
}

export class Database {
  private readonly entries = new Map<Bytes, KeyEntry>();
  private expiring = 0;
  private subexpiring = 0;

  constructor(public owner: DialectOwner) {}

  get size(): number {
    return this.entries.size;
  }

  /** Keys with an expiry (INFO keyspace `expires=`). */
  get expires(): number {
    return this.expiring;
  }

  /** Hashes registered for field expiry (INFO keyspace `subexpiry=`, 7.4+). */
  get subexpiry(): number {
    return this.subexpiring;
  }

  /** Registers a hash stored in this database for field expiry, or takes it out. */
  markSubexpiry(v: Value, on: boolean): void {
    if (on === subexpiryRegistered.has(v)) return;
    if (on) subexpiryRegistered.add(v);
    else subexpiryRegistered.delete(v);
    this.subexpiring += on ? 1 : -1;
  }

  /** The entry as the master's commands see it: expired or not. */
  get(key: Bytes): KeyEntry | undefined {
    return this.entries.get(key);
  }

  /** The entry as a read on the replica sees it: expired keys are hidden, not deleted. */
  read(key: Bytes, nowMs: number): KeyEntry | undefined {
    const e = this.entries.get(key);
    if (e && e.expireAt !== -1 && e.expireAt <= nowMs) return undefined;
    return e;
  }

  has(key: Bytes): boolean {
    return this.entries.has(key);
  }

  /** Sets a value; `expireAt` -1 = no expiry. Replaces whatever was there. */
  set(key: Bytes, value: Value, expireAt = -1): KeyEntry {
    const old = this.entries.get(key);
    if (old) {
      if (old.expireAt !== -1) this.expiring--;
      if (old.value.type === 'hash' && subexpiryRegistered.has(old.value)) this.subexpiring--;
    }
    if (value.type === 'string') noteStringPlaced(this.owner.dialect, value, key);
    else if (value.type === 'hash' && subexpiryRegistered.has(value)) this.subexpiring++;
    const entry: KeyEntry = { value, expireAt };
    if (expireAt !== -1) this.expiring++;
    this.entries.set(key, entry);
    return entry;
  }

  /** Changes the expiry of an existing key (PEXPIREAT, PERSIST, KEEPTTL kept by the caller). */
  setExpire(key: Bytes, expireAt: number): boolean {
    const e = this.entries.get(key);
    if (!e) return false;
    if (e.expireAt !== -1) this.expiring--;
    e.expireAt = expireAt;
    if (expireAt !== -1) this.expiring++;
    return true;
  }

  delete(key: Bytes): boolean {
    const e = this.entries.get(key);
    if (!e) return false;
    if (e.expireAt !== -1) this.expiring--;
    if (e.value.type === 'hash' && subexpiryRegistered.has(e.value)) this.subexpiring--;
    this.entries.delete(key);
    return true;
  }

  clear(): void {
    this.entries.clear();
    this.expiring = 0;
    this.subexpiring = 0;
  }

  keys(): IterableIterator<Bytes> {
    return this.entries.keys();
  }

  [Symbol.iterator](): IterableIterator<[Bytes, KeyEntry]> {
    return this.entries.entries();
  }
}

export interface FunctionLibrary {
  name: Bytes;
  engine: string;
  /** The full source, `#!lua name=…` line included, as FUNCTION LOAD received it. */
  code: Bytes;
  functions: { name: string; flags: string[]; description: string | null }[];
}

export class Keyspace {
  dbs: Database[];
  /** Libraries by name. */
  functions = new Map<Bytes, FunctionLibrary>();
  /** Every write that could not be applied since the last full load, oldest first. */
  divergences: DatasetDivergence[] = [];

  /**
   * The version whose dataset this is: how doubles print, which encodings and
   * commands exist (the replica's version profile; the 7.0 baseline by default).
   */
  dialect: KeyspaceDialect;

  constructor(readonly databases = 16, dialect: KeyspaceDialect = DEFAULT_DIALECT) {
    this.dbs = Array.from({ length: databases }, () => new Database(this));
    this.dialect = dialect;
  }

  db(index: number): Database {
    const d = this.dbs[index];
    if (!d) throw new RangeError(`DB index ${index} is out of range`);
    return d;
  }

  /** Keys in all databases (dbTotalServerKeyCount). */
  keyCount(): number {
    let n = 0;
    for (const d of this.dbs) n += d.size;
    return n;
  }

  flushAll(): void {
    for (const d of this.dbs) d.clear();
  }

  /** Marks keys (or, with no keys, the dataset) as unknown after a write that could not be applied. */
  diverge(db: number, keys: Bytes[], divergence: Divergence): void {
    if (keys.length === 0) {
      this.divergences.push({ ...divergence, db, key: null });
      return;
    }
    for (const key of keys) {
      const entry = this.db(db).get(key);
      if (entry) entry.diverged = divergence;
      this.divergences.push({ ...divergence, db, key });
    }
  }

  /** SWAPDB: the two databases exchange contents. */
  swap(a: number, b: number): void {
    const da = this.db(a);
    const db = this.db(b);
    this.dbs[a] = db;
    this.dbs[b] = da;
  }

  /** swapdb diskless load: take the whole content of another keyspace. */
  replaceWith(other: Keyspace): void {
    this.dbs = other.dbs;
    for (const d of this.dbs) d.owner = this;
    this.functions = other.functions;
    this.divergences = other.divergences;
  }
}
