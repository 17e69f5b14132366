// Databases 0..N-1 of keys with their values and expiry, and the functions
// libraries. A replica never expires keys itself: expired keys stay until the
// master sends DEL; reads hide them (lookupKeyRead on a replica).
import type { KeyspaceDialect } from '../versions/profile';
import { DEFAULT_DIALECT } from '../versions/profiles';
import { isPlainString, noteStringPlaced } from './encoding';
import type { Bytes, Divergence, Value } from './values';

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

/**
 * One database (redisDb): values by key, with the expiries in their own Map as
 * Redis keeps db->expires, and the divergences (writes the replica could not
 * apply) in a third. A string value with nothing to remember but its bytes is
 * stored as the bare latin1 string; an object only when it needs one (an
 * encoding tag, an in-place writable SdsString).
 */
export class Database {
  private readonly values = new Map<Bytes, Value | Bytes>();
  private readonly expiresAt = new Map<Bytes, number>();
  private readonly divergences = new Map<Bytes, Divergence>();
  private subexpiring = 0;

  constructor(public owner: DialectOwner) {}

  get size(): number {
    return this.values.size;
  }

  /** Keys with an expiry (INFO keyspace `expires=`). */
  get expires(): number {
    return this.expiresAt.size;
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

  /**
   * The value as the master's commands see it, expired or not. A bare string
   * comes back as an object that takes its place, so that what the command
   * does to it (an encoding tag, an in-place write) stays with the key.
   */
  get(key: Bytes): Value | undefined {
    const v = this.values.get(key);
    if (typeof v !== 'string') return v;
    const obj: Value = { type: 'string', value: v };
    this.values.set(key, obj);
    return obj;
  }

  /**
   * The value as the master's commands see it, for a look only (a type check,
   * a value to replace): a bare string comes back as a fresh object.
   */
  peek(key: Bytes): Value | undefined {
    const v = this.values.get(key);
    return typeof v === 'string' ? { type: 'string', value: v } : v;
  }

  /** The value as a read on the replica sees it: expired keys are hidden, not deleted. Not to be changed. */
  read(key: Bytes, nowMs: number): Value | undefined {
    const v = this.values.get(key);
    if (v === undefined) return undefined;
    if (this.expiresAt.size > 0) {
      const at = this.expiresAt.get(key);
      if (at !== undefined && at <= nowMs) return undefined;
    }
    return typeof v === 'string' ? { type: 'string', value: v } : v;
  }

  has(key: Bytes): boolean {
    return this.values.has(key);
  }

  /** The key's expiry as absolute unix ms, -1 for none (or no key). */
  expireAt(key: Bytes): number {
    return this.expiresAt.get(key) ?? -1;
  }

  /** Whether a read at `nowMs` sees the key: present and not logically expired. */
  isLive(key: Bytes, nowMs: number): boolean {
    const at = this.expiresAt.get(key);
    return at === undefined ? this.values.has(key) : at > nowMs;
  }

  /** Why the key's value is unknown, if a write on it could not be applied. */
  divergence(key: Bytes): Divergence | undefined {
    return this.divergences.size > 0 ? this.divergences.get(key) : undefined;
  }

  /** Keys whose value is unknown, with why, in the order they were marked. */
  divergedKeys(): IterableIterator<[Bytes, Divergence]> {
    return this.divergences.entries();
  }

  /** Marks an existing key's value as unknown. */
  markDiverged(key: Bytes, divergence: Divergence): void {
    if (this.values.has(key)) this.divergences.set(key, divergence);
  }

  /** Sets a value; `expireAt` -1 = no expiry. Replaces whatever was there, its divergence included. */
  set(key: Bytes, value: Value, expireAt = -1): void {
    // The old value matters only for the two counts below; with neither in use
    // (the usual case) a SET costs one lookup in a Map of millions, not two.
    if (this.subexpiring > 0 || this.divergences.size > 0) {
      const old = this.values.get(key);
      if (old !== undefined) {
        if (typeof old !== 'string' && old.type === 'hash' && subexpiryRegistered.has(old)) this.subexpiring--;
        if (this.divergences.size > 0) this.divergences.delete(key);
      }
    }
    this.place(key, value);
    if (expireAt !== -1) this.expiresAt.set(key, expireAt);
    else if (this.expiresAt.size > 0) this.expiresAt.delete(key);
  }

  /** A new value for an existing key, its expiry and divergence kept (dbReplaceValue). */
  replaceValue(key: Bytes, value: Value): void {
    const old = this.values.get(key);
    if (old === undefined) throw new RangeError('replaceValue on a missing key');
    if (typeof old !== 'string' && old.type === 'hash' && subexpiryRegistered.has(old)) this.subexpiring--;
    this.place(key, value);
  }

  private place(key: Bytes, value: Value): void {
    if (value.type === 'string') {
      noteStringPlaced(this.owner.dialect, value, key);
      this.values.set(key, isPlainString(value) ? value.value : value);
      return;
    }
    if (value.type === 'hash' && subexpiryRegistered.has(value)) this.subexpiring++;
    this.values.set(key, value);
  }

  /** Changes the expiry of an existing key (PEXPIREAT, PERSIST, KEEPTTL kept by the caller). */
  setExpire(key: Bytes, expireAt: number): boolean {
    if (!this.values.has(key)) return false;
    if (expireAt !== -1) this.expiresAt.set(key, expireAt);
    else this.expiresAt.delete(key);
    return true;
  }

  delete(key: Bytes): boolean {
    const v = this.values.get(key);
    if (v === undefined) return false;
    if (typeof v !== 'string' && v.type === 'hash' && subexpiryRegistered.has(v)) this.subexpiring--;
    this.values.delete(key);
    if (this.expiresAt.size > 0) this.expiresAt.delete(key);
    if (this.divergences.size > 0) this.divergences.delete(key);
    return true;
  }

  clear(): void {
    this.values.clear();
    this.expiresAt.clear();
    this.divergences.clear();
    this.subexpiring = 0;
  }

  keys(): IterableIterator<Bytes> {
    return this.values.keys();
  }

  /** Keys and values, in insertion order; a bare string comes as a fresh object (not to be changed). */
  *[Symbol.iterator](): IterableIterator<[Bytes, Value]> {
    for (const [k, v] of this.values) yield [k, typeof v === 'string' ? { type: 'string', value: v } : v];
  }
}

export interface FunctionLibrary {
  name: Bytes;
  engine: string;
  /** The full source, `#!lua name=…` line included, as FUNCTION LOAD received it. */
  code: Bytes;
  functions: { name: string; flags: string[]; description: string | null }[];
}

/** How much of the dataset a Keyspace holds: the config's `dataset` once `auto` has chosen. */
export type Footprint = 'full' | 'none';

/** A read of a dataset the replica does not keep: said plainly, never an empty answer. */
export const NO_DATASET_ERROR = 'ERR this replica keeps no dataset (dataset none): it replicates and verifies every byte of the RDB and the stream but keeps no keys, so it cannot answer reads; use dataset full, or auto with more memory';

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

  /**
   * How much of the dataset this holds (config/replicaConfig.ts). `none`: no
   * key is ever stored; loads and replicated writes pass through it, and its
   * reads are refused (NO_DATASET_ERROR) rather than answered empty.
   */
  footprint: Footprint = 'full';
  /** Why this footprint was chosen, for views and INFO. */
  footprintReason = 'every value is kept';

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
      this.db(db).markDiverged(key, divergence);
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
    this.footprint = other.footprint;
    this.footprintReason = other.footprintReason;
  }

  /** Whether values are kept at all. */
  get keepsValues(): boolean {
    return this.footprint === 'full';
  }
}
