// The format of test/fixtures/sessions/**/*.json: a real redis-server (or
// valkey-server) replica's replication sessions, recorded by a logging TCP
// proxy between it and a real master (the capture scripts in test/fixtures
// write them; fakeMaster.ts replays them into the engine). Times are
// wall-clock milliseconds after `epochMs`, so that a replay's clock sees the
// same whole-second boundaries the real replica saw. Nothing in these files is
// typed by hand.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';

export const SESSION_FORMAT = 1;

/** One thing the proxy saw, in the order it saw it (`seq` is global across links). */
export type ProxyEvent =
  /** The replica's TCP connection to the proxy (its `connect()` succeeded). */
  | { seq: number; t: number; link: number; kind: 'accept' }
  /**
   * Bytes the replica received: what the master sent, or what the capture
   * injected. When the proxy rewrote them, `original` holds what the master sent.
   * `t` is when the proxy handed them to the replica's socket; a replica that
   * stopped reading takes them later (the proxy then stops reading the master,
   * so the master stalls as on a direct link, give or take the socket buffers).
   */
  | { seq: number; t: number; link: number; kind: 'm2r'; b64: string; preview: string; injected?: true; original?: string }
  /** Bytes the replica wrote. When the proxy rewrote them, `forwarded` holds what the master got instead. */
  | { seq: number; t: number; link: number; kind: 'r2m'; b64: string; preview: string; forwarded?: string }
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

/**
 * What each link the replica opened was for. A multi-channel full sync (Redis
 * 8 rdb-channel, Valkey 8 dual-channel) opens a second connection to the same
 * master host:port, so both go through the proxy as separate links.
 */
export interface LinkInfo {
  link: number;
  /**
   * `main`: the replication link (handshake, PSYNC, the command stream);
   * `rdb`: the extra connection that only carries the RDB of a multi-channel
   * full sync (its handshake says `rdb-only 1 rdb-channel 1`).
   */
  channel: 'main' | 'rdb';
  /** For an rdb link: the main link it served (the latest main link opened before it). */
  mainLink?: number;
  /**
   * The master-side client id the two links exchanged, as the replica
   * received it: `+RDBCHANNELSYNC <id>` on the main link (Redis), or the last
   * field of `$ENDOFF:` on the rdb link (Valkey).
   */
  clientId?: string;
}

/** Which server a sample asked, and what. */
export type SampleWhat = 'info-replication' | 'info-persistence' | 'info-stats' | 'role' | 'client-list';

/**
 * One answer of the dense sampling a capture runs beside the scenario (every
 * ~50 ms during syncs). Stored as a delta against the previous sample of the
 * same server and kind; expandSamples() gives the full answers back.
 * - info-replication: INFO replication, every field;
 * - info-persistence: the `loading*` and `async_loading` fields of INFO persistence;
 * - info-stats: the `sync_*` fields of INFO stats;
 * - role: `{ reply: <ROLE's reply as JSON> }`;
 * - client-list: CLIENT LIST, one field per client id, the whole line as value.
 */
export interface Sample {
  server: 'master' | 'replica';
  what: SampleWhat;
  /** When the question was sent. */
  sent: number;
  /** When the answer arrived. The server answered somewhere in between. */
  t: number;
  /** The proxy's next seq when the question was sent: events with a smaller seq happened before it. */
  seqSent: number;
  /** The proxy's next seq when the answer arrived: events with this seq or more happened after it. */
  seq: number;
  /** The field names in the server's order, present when they differ from the previous sample's. */
  keys?: string[];
  /** The values that differ from the previous sample's (every value in the first sample). */
  set?: Record<string, string>;
}

/** A sample with its whole answer: the fields in the server's order. */
export interface ExpandedSample {
  server: Sample['server'];
  what: SampleWhat;
  sent: number;
  t: number;
  seqSent: number;
  seq: number;
  fields: [string, string][];
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
  /**
   * `redis-server 7.0.15`, `valkey-server 8.0.1`…; `masterBuild`/`replicaBuild`
   * name the binary's folder in ../shared/servers (`debian` for the PATH's
   * redis-server), which tells apart builds reporting the same version
   * (the unstable ones say 255.255.255).
   */
  capturedWith: { master: string; replica: string; masterBuild?: string; replicaBuild?: string };
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
      'repl-diskless-load'?: 'disabled' | 'on-empty-db' | 'swapdb';
      /** Redis 8: whether the replica offers the rdb channel (`capa rdb-channel-repl`). */
      'repl-rdb-channel'?: boolean;
      /** Valkey 8: whether the replica offers dual-channel sync (`capa dual-channel`). */
      'dual-channel-replication-enabled'?: boolean;
      /** Redis 8: the cap of the local buffer during an rdb-channel sync (bytes, 0 = the replica COB hard limit). */
      'replica-full-sync-buffer-limit'?: number;
      /** The `replica` class of client-output-buffer-limit, as `hard soft seconds` in bytes (Valkey caps its local buffer with the hard limit). */
      'client-output-buffer-limit-replica'?: string;
      loglevel?: 'debug' | 'verbose' | 'notice' | 'warning';
      /** How many bytes a blocking load (or the drain of the local buffer) processes between two runs of the event loop. */
      'loading-process-events-interval-bytes'?: number;
      /** µs slept per key loaded (a test knob that stretches a load; absent when 0). */
      'key-load-delay'?: number;
    };
  };
  /** What the capture did, in order (workload commands, cuts, freezes, injections). */
  script: { t: number; what: string }[];
  events: ProxyEvent[];
  checkpoints: Checkpoint[];
  /** The real replica's log from its first replication line up to endedAt. */
  replicaLog: ReplicaLogLine[];
  summary: SessionSummary;
  /** What each link was for (captures from before multi-channel syncs have none: every link is `main`). */
  links?: LinkInfo[];
  /** Dense INFO / ROLE / CLIENT LIST samples of both servers, in the order the answers arrived. */
  samples?: Sample[];
  /** The master's log from the replica's first connection up to endedAt. */
  masterLog?: ReplicaLogLine[];
}

export function findSessionDir(): string {
  // Compiled tests run from out/test/…; the JSON files stay in the source tree, so skip out/.
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'test', 'fixtures', 'sessions');
    if (path.basename(dir) !== 'out' && fs.existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) throw new Error(`test/fixtures/sessions not found above ${__dirname}`);
  }
}

const cache = new Map<string, SessionFixture>();

/** Big captures are stored gzipped (`<name>.json.gz`); both are loaded the same way. */
export const GZIP_ABOVE_BYTES = 64 * 1024;

/**
 * A captured session by name: `disk-full-sync` (the 7.0.15 captures) or
 * `<build>/<scenario>` (`valkey-8.0.1/dual-channel-disk`).
 */
export function loadSession(scenario: string): SessionFixture {
  const hit = cache.get(scenario);
  if (hit) return hit;
  const base = path.join(findSessionDir(), ...scenario.split('/'));
  const fixture = readSessionFile(fs.existsSync(`${base}.json`) ? `${base}.json` : `${base}.json.gz`);
  cache.set(scenario, fixture);
  return fixture;
}

export function readSessionFile(file: string): SessionFixture {
  const raw = fs.readFileSync(file);
  const text = (file.endsWith('.gz') ? zlib.gunzipSync(raw) : raw).toString('utf8');
  const fixture = JSON.parse(text) as SessionFixture;
  if (fixture.format !== SESSION_FORMAT) throw new Error(`${file}: format ${fixture.format}, expected ${SESSION_FORMAT}`);
  return fixture;
}

/** Every captured session's name (what loadSession takes), sorted. */
export function sessionNames(): string[] {
  const root = findSessionDir();
  const names: string[] = [];
  const walk = (dir: string, prefix: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(path.join(dir, entry.name), `${prefix}${entry.name}/`);
      else if (/\.json(\.gz)?$/.test(entry.name)) names.push(prefix + entry.name.replace(/\.json(\.gz)?$/, ''));
    }
  };
  walk(root, '');
  return names.sort();
}

/** The link roles of a session; a capture without `links` only ever had main links. */
export function linkInfos(fixture: SessionFixture): LinkInfo[] {
  if (fixture.links) return fixture.links;
  const seen = [...new Set(fixture.events.map((e) => e.link))].sort((a, b) => a - b);
  return seen.map((link) => ({ link, channel: 'main' }));
}

/** The full answers behind the delta-encoded samples, in the same order. */
export function expandSamples(samples: readonly Sample[]): ExpandedSample[] {
  const last = new Map<string, [string, string][]>();
  return samples.map((s) => {
    const stream = `${s.server} ${s.what}`;
    const previous = last.get(stream) ?? [];
    const values = new Map(previous);
    for (const [k, v] of Object.entries(s.set ?? {})) values.set(k, v);
    const keys = s.keys ?? previous.map(([k]) => k);
    const fields = keys.map((k): [string, string] => {
      const v = values.get(k);
      if (v === undefined) throw new Error(`sample of ${stream} at t=${s.t}: no value for ${k}`);
      return [k, v];
    });
    last.set(stream, fields);
    return { server: s.server, what: s.what, sent: s.sent, t: s.t, seqSent: s.seqSent, seq: s.seq, fields };
  });
}

/**
 * The delta form of an answer, against the previous answer of the same stream
 * (expandSamples() inverts it).
 */
export function sampleDelta(previous: readonly [string, string][] | undefined, fields: readonly [string, string][]): { keys?: string[]; set?: Record<string, string> } {
  const before = new Map(previous ?? []);
  const out: { keys?: string[]; set?: Record<string, string> } = {};
  const sameKeys = previous !== undefined && previous.length === fields.length && previous.every(([k], i) => fields[i]![0] === k);
  if (!sameKeys) out.keys = fields.map(([k]) => k);
  const set: Record<string, string> = {};
  let changed = false;
  for (const [k, v] of fields) {
    if (before.get(k) !== v) {
      set[k] = v;
      changed = true;
    }
  }
  if (changed) out.set = set;
  return out;
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
