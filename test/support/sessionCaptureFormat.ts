// The format of test/fixtures/sessions/*.json: a real redis-server replica's
// replication sessions, recorded by a logging TCP proxy between it and a real
// master (test/fixtures/captureSessions.ts writes them; fakeMaster.ts replays
// them into the engine). Times are wall-clock milliseconds after `epochMs`, so
// that a replay's clock sees the same whole-second boundaries the real replica
// saw. Nothing in these files is typed by hand.
import * as fs from 'node:fs';
import * as path from 'node:path';

export const SESSION_FORMAT = 1;

/** One thing the proxy saw, in the order it saw it (`seq` is global across links). */
export type ProxyEvent =
  /** The replica's TCP connection to the proxy (its `connect()` succeeded). */
  | { seq: number; t: number; link: number; kind: 'accept' }
  /** Bytes the replica received: what the master sent, or what the capture injected. */
  | { seq: number; t: number; link: number; kind: 'm2r'; b64: string; preview: string; injected?: true }
  /** Bytes the replica wrote. */
  | { seq: number; t: number; link: number; kind: 'r2m'; b64: string; preview: string }
  /** The link ended; `by` says who closed it (`proxy` = the capture cut it on purpose). */
  | { seq: number; t: number; link: number; kind: 'close'; by: 'master' | 'replica' | 'proxy' };

export interface Checkpoint {
  /** Every event with a smaller seq had been seen by the replica when it answered INFO. */
  seq: number;
  t: number;
  label: string;
  /** The master's INFO replication. */
  master: Record<string, string>;
  /** The real replica's INFO replication. */
  replica: Record<string, string>;
}

export type RedisLogLevel = 'debug' | 'verbose' | 'notice' | 'warning';

export interface ReplicaLogLine {
  t: number;
  level: RedisLogLevel;
  message: string;
}

/** What the master answered, pulled out of the bytes for people reading the file. */
export interface SessionSummary {
  psync: { link: number; request: string; reply: string }[];
  /** `$<len>` or `$EOF:<mark>` per full sync. */
  payloads: { link: number; header: string; rdbBytes: number }[];
}

export interface SessionFixture {
  format: typeof SESSION_FORMAT;
  scenario: string;
  description: string;
  capturedWith: { master: string; replica: string };
  capturedAt: string;
  epochMs: number;
  endedAt: number;
  master: { args: string[] };
  /**
   * The real replica's settings under redis.conf names; an engine replaying
   * the session uses the same ones (`port` is what REPLCONF listening-port announces).
   */
  replica: {
    args: string[];
    config: {
      replicaof: { host: string; port: number };
      port: number;
      'repl-timeout': number;
      masterauth: string | null;
      masteruser: string | null;
      'replica-announce-ip'?: string | null;
      'replica-announce-port'?: number;
    };
  };
  /** What the capture did, in order (workload commands, cuts, freezes, injections). */
  script: { t: number; what: string }[];
  events: ProxyEvent[];
  checkpoints: Checkpoint[];
  /** The real replica's log from its first replication line up to endedAt. */
  replicaLog: ReplicaLogLine[];
  summary: SessionSummary;
}

function findSessionDir(): string {
  // Compiled tests run from out/test/…; the JSON files stay in the source tree, so skip out/.
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'test', 'fixtures', 'sessions');
    if (path.basename(dir) !== 'out' && fs.existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) throw new Error(`test/fixtures/sessions not found above ${__dirname}`);
  }
}

const cache = new Map<string, SessionFixture>();

export function loadSession(scenario: string): SessionFixture {
  const hit = cache.get(scenario);
  if (hit) return hit;
  const file = path.join(findSessionDir(), `${scenario}.json`);
  const fixture = JSON.parse(fs.readFileSync(file, 'utf8')) as SessionFixture;
  if (fixture.format !== SESSION_FORMAT) throw new Error(`${file}: format ${fixture.format}, expected ${SESSION_FORMAT}`);
  cache.set(scenario, fixture);
  return fixture;
}

export function eventBytes(e: ProxyEvent): Buffer {
  return e.kind === 'm2r' || e.kind === 'r2m' ? Buffer.from(e.b64, 'base64') : Buffer.alloc(0);
}

/** A short printable form of some bytes, for reading a fixture (never used by a test). */
export function preview(bytes: Buffer, max = 120): string {
  const head = bytes.subarray(0, max).toString('latin1');
  const escaped = head.replace(/[^\x20-\x7e]/g, (c) => {
    if (c === '\r') return '\\r';
    if (c === '\n') return '\\n';
    return `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
  });
  return bytes.length > max ? `${escaped}… (${bytes.length} bytes)` : escaped;
}
