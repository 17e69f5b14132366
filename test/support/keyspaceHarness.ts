// Helpers for the keyspace tests: split a captured replication stream into
// commands, apply them to a Keyspace the way a replica does (SELECT tracked
// here, MULTI/EXEC applied in order), and take comparable snapshots of a real
// server and of a Keyspace through the same read commands.
import type { ReplyValue } from '../../src/resp/encode';
import type { ApplyOutcome, CommandContext } from '../../src/keyspace/command';
import { Keyspace } from '../../src/keyspace/keyspace';
import { applyWrite, readCommands, runRead } from '../../src/keyspace/commands/registry';
import { RedisClient, ReplyError, type Reply } from '../../src/net/redisClient';

/** The RESP multibulk commands in a stream, arguments as latin1 strings. */
export function parseCommands(bytes: Buffer): string[][] {
  const out: string[][] = [];
  let p = 0;
  const line = (): string => {
    const e = bytes.indexOf('\r\n', p);
    if (e === -1) throw new Error(`unterminated line at ${p}`);
    const s = bytes.toString('latin1', p, e);
    p = e + 2;
    return s;
  };
  while (p < bytes.length) {
    if (bytes[p] === 0x0a) {
      p++;
      continue;
    }
    const head = line();
    if (head[0] !== '*') throw new Error(`expected a multibulk at ${p}: ${head}`);
    const n = Number(head.slice(1));
    const argv: string[] = [];
    for (let i = 0; i < n; i++) {
      const len = Number(line().slice(1));
      argv.push(bytes.toString('latin1', p, p + len));
      p += len + 2;
    }
    out.push(argv);
  }
  return out;
}

export interface AppliedCommand {
  db: number;
  argv: string[];
  outcome: ApplyOutcome;
}

/** Applies a stream's commands to `ks` as a replica does; returns the outcome of every keyspace write. */
export function applyCommands(ks: Keyspace, commands: string[][], now: () => number = Date.now): AppliedCommand[] {
  const results: AppliedCommand[] = [];
  let db = 0;
  const exec = (argv: string[]): void => {
    const name = argv[0]!.toLowerCase();
    if (name === 'select') {
      db = Number(argv[1]);
      return;
    }
    if (name === 'ping' || name === 'replconf' || name === 'multi' || name === 'exec') return;
    const ctx: CommandContext = { ks, db, now: now() };
    results.push({ db, argv, outcome: applyWrite(ctx, argv) });
  };
  for (const argv of commands) exec(argv);
  return results;
}

/**
 * applyCommands over a stream read in pieces: the selected db carries over
 * from one piece to the next, and a write the keyspace cannot reproduce marks
 * its keys as the engine's master client does (Keyspace.diverge).
 */
export class StreamApplier {
  readonly applied: AppliedCommand[] = [];
  private db = 0;

  constructor(private readonly ks: Keyspace, private readonly now: () => number = Date.now) {}

  apply(commands: string[][]): void {
    for (const argv of commands) {
      const name = argv[0]!.toLowerCase();
      if (name === 'select') this.db = Number(argv[1]);
      else if (name !== 'ping' && name !== 'replconf' && name !== 'multi' && name !== 'exec') {
        const outcome = applyWrite({ ks: this.ks, db: this.db, now: this.now() }, argv);
        if (outcome.kind === 'diverged') this.ks.diverge(this.db, outcome.keys, { command: name, reason: outcome.reason, offset: 0 });
        this.applied.push({ db: this.db, argv, outcome });
      }
    }
  }
}

// ---- snapshots ------------------------------------------------------------------

export interface KeySnapshot {
  type: string;
  value: unknown;
  pexpiretime: number;
  encoding: string;
}

export type DbSnapshot = Map<string, KeySnapshot>;

/** A command runner: a real server or a keyspace answering through the read commands. */
export type Runner = (argv: string[]) => Promise<unknown>;

export function serverRunner(client: RedisClient): Runner {
  return async (argv) => normalizeReply(await client.send(...argv.map((a) => Buffer.from(a, 'latin1'))));
}

export function keyspaceRunner(ks: Keyspace, db: () => number, now: () => number = Date.now): Runner {
  return async (argv) => normalizeValue(runRead({ ks, db: db(), now: now() }, argv));
}

/** A client reply (returnBuffers) as plain JS: strings latin1, errors as { error }. */
export function normalizeReply(r: Reply): unknown {
  if (r instanceof ReplyError) return { error: r.message };
  if (Buffer.isBuffer(r)) return r.toString('latin1');
  if (Array.isArray(r)) return r.map(normalizeReply);
  return r;
}

/** A ReplyValue in the same shape as normalizeReply gives (simple strings and bulks alike). */
export function normalizeValue(r: ReplyValue): unknown {
  switch (r.type) {
    case 'simple':
      return r.value;
    case 'error':
      return { error: r.value };
    case 'integer':
      return Number(r.value);
    case 'bulk':
      return r.value === null ? null : Buffer.isBuffer(r.value) ? r.value.toString('latin1') : r.value;
    case 'array':
      return r.value === null ? null : r.value.map(normalizeValue);
  }
}

/** Every key of the selected db (SCAN to the end). */
export async function allKeys(run: Runner): Promise<string[]> {
  const keys = new Set<string>();
  let cursor = '0';
  do {
    const r = (await run(['SCAN', cursor, 'COUNT', '100'])) as [string, string[]];
    cursor = r[0];
    for (const k of r[1]) keys.add(k);
  } while (cursor !== '0');
  return [...keys].sort();
}

function pairs(flat: string[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i < flat.length; i += 2) out.push([flat[i]!, flat[i + 1]!]);
  return out;
}

export async function valueOf(run: Runner, key: string, type: string): Promise<unknown> {
  switch (type) {
    case 'string':
      return run(['GET', key]);
    case 'list':
      return run(['LRANGE', key, '0', '-1']);
    case 'set':
      return ((await run(['SMEMBERS', key])) as string[]).slice().sort();
    case 'zset':
      return run(['ZRANGE', key, '0', '-1', 'WITHSCORES']);
    case 'hash':
      return pairs((await run(['HGETALL', key])) as string[]).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    default:
      return null;
  }
}

/** Snapshot of the selected db: type, value, absolute expiry, encoding of every key. */
export async function snapshotDb(run: Runner): Promise<DbSnapshot> {
  const snap: DbSnapshot = new Map();
  for (const key of await allKeys(run)) {
    const type = String(await run(['TYPE', key]));
    if (type === 'none') continue; // expired while we looked
    snap.set(key, {
      type,
      value: await valueOf(run, key, type),
      pexpiretime: Number(await run(['PEXPIRETIME', key])),
      encoding: String(await run(['OBJECT', 'ENCODING', key])),
    });
  }
  return snap;
}

/** The differences between two snapshots, as readable lines (empty when equal). */
export function diffSnapshots(label: string, expected: DbSnapshot, actual: DbSnapshot, fields: (keyof KeySnapshot)[]): string[] {
  const out: string[] = [];
  for (const [k, e] of expected) {
    const a = actual.get(k);
    if (!a) {
      out.push(`${label} ${JSON.stringify(k)}: missing in keyspace (${e.type})`);
      continue;
    }
    for (const f of fields) {
      const ev = JSON.stringify(e[f]), av = JSON.stringify(a[f]);
      if (ev !== av) out.push(`${label} ${JSON.stringify(k)} ${f}: ${firstDifference(ev, av)}`);
    }
  }
  for (const k of actual.keys()) if (!expected.has(k)) out.push(`${label} ${JSON.stringify(k)}: extra in keyspace`);
  return out;
}

/** The two texts around their first difference. */
function firstDifference(e: string, a: string): string {
  let i = 0;
  while (i < e.length && i < a.length && e[i] === a[i]) i++;
  const from = Math.max(0, i - 60);
  return `expected …${e.slice(from, i + 80)} got …${a.slice(from, i + 80)} (at ${i})`;
}

/** Seeded PRNG (mulberry32): reproducible workloads. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ---- differential runs against a real server ----------------------------------

/** Commands whose client reply is compared as a read (the keyspace answers them through runRead). */
function isRead(name: string): boolean {
  return readCommands.has(name.toLowerCase());
}

/**
 * Runs `cmds` on a real server (after FLUSHALL) and on a fresh Keyspace: writes
 * through applyWrite (an error must be redis-server's exact error, success
 * must be success), reads through runRead (the reply must be equal). Then the
 * whole db 0 must be equal (type, value, encoding; expiry within 2 s).
 * PFCOUNT is both: compared as a read, then applied as the write a master replicates.
 * Returns the differences as readable lines.
 */
export async function differential(client: RedisClient, cmds: (string | Buffer)[][]): Promise<string[]> {
  await client.send('FLUSHALL');
  const ks = new Keyspace(16);
  const out: string[] = [];
  const ctx = (): CommandContext => ({ ks, db: 0, now: Date.now() });
  for (const raw of cmds) {
    const argv = raw.map((a) => (Buffer.isBuffer(a) ? a.toString('latin1') : a));
    const server = normalizeReply(await client.send(...argv.map((a) => Buffer.from(a, 'latin1'))));
    const name = argv[0]!.toLowerCase();
    const label = argv.join(' ').slice(0, 100);
    if (isRead(name)) {
      const mine = normalizeValue(runRead(ctx(), argv));
      if (JSON.stringify(mine) !== JSON.stringify(server)) out.push(`${label}: reply ${JSON.stringify(mine)} != server ${JSON.stringify(server)}`);
      if (name !== 'pfcount' || (server as { error?: string }).error) continue;
    }
    const outcome = applyWrite(ctx(), argv);
    const serverError = typeof server === 'object' && server !== null && 'error' in server ? (server as { error: string }).error : null;
    if (serverError !== null) {
      if (outcome.kind !== 'error' || outcome.error !== serverError) out.push(`${label}: server error ${JSON.stringify(serverError)}, keyspace ${JSON.stringify(outcome)}`);
    } else if (outcome.kind !== 'ok') out.push(`${label}: server ${JSON.stringify(server)}, keyspace ${JSON.stringify(outcome)}`);
  }
  const theirs = await snapshotDb(serverRunner(client));
  const mine = await snapshotDb(keyspaceRunner(ks, () => 0));
  out.push(...diffSnapshots('db0', theirs, mine, ['type', 'value', 'encoding']));
  for (const [k, e] of theirs) {
    const a = mine.get(k);
    if (a && (e.pexpiretime < 0 ? a.pexpiretime !== e.pexpiretime : Math.abs(a.pexpiretime - e.pexpiretime) > 2000)) {
      out.push(`db0 ${k} pexpiretime: expected ${e.pexpiretime} got ${a.pexpiretime}`);
    }
  }
  return out;
}
