// Replays a captured session (sessionCaptureFormat.ts) into a ReplicaEngine:
// the master's chunks arrive as `data` at their recorded times on a fake
// clock, the links the real replica opened answer the engine's `connect`
// actions, and cron runs when the real replica's replicationCron ran. What the
// engine writes, closes, logs and reports is collected next to what the real
// replica did, for the tests to compare.
import { createHash } from 'node:crypto';
import { defaultConfig, type ReplicaConfig } from '../../src/config/replicaConfig';
import type { ProfileId } from '../../src/versions/profile';
import { liveServer } from './servers';
import { ReplicaEngine } from '../../src/engine/engine';
import type { EngineInput, LogEntry, StepResult } from '../../src/engine/io';
import { ReplState, shortStateName } from '../../src/engine/states';
import { parseInfo } from '../../src/net/redisClient';
import {
  eventBytes, expandSamples, linkInfos, type Checkpoint, type ExpandedSample, type ProxyEvent, type SessionFixture,
} from './sessionCaptureFormat';

export class FakeClock {
  constructor(public ms: number) {}
  now(): number {
    return this.ms;
  }
  /** Never goes back: entries recorded in the same millisecond may be sorted out of time order. */
  advanceTo(ms: number): void {
    if (ms > this.ms) this.ms = ms;
  }
}

/** Deterministic 40-hex replication IDs: sha1 of a counter. */
export function replidSequence(seed = 'replica'): () => string {
  let n = 0;
  return () => createHash('sha1').update(`${seed}:${++n}`).digest('hex');
}

/** The engine configuration that mirrors the real replica of a session. */
export function sessionConfig(fixture: SessionFixture, overrides: Partial<ReplicaConfig> = {}): ReplicaConfig {
  const r = fixture.replica.config;
  const base = defaultConfig();
  const limits = r['client-output-buffer-limit-replica']?.split(' ').map(Number);
  return {
    ...base,
    emulate: sessionProfile(fixture),
    replicaof: r.replicaof,
    port: r.port,
    'repl-timeout': r['repl-timeout'],
    masterauth: r.masterauth,
    masteruser: r.masteruser,
    'replica-announce-ip': r['replica-announce-ip'] ?? null,
    'replica-announce-port': r['replica-announce-port'] ?? 0,
    ...(r['repl-diskless-load'] !== undefined ? { 'repl-diskless-load': r['repl-diskless-load'] as ReplicaConfig['repl-diskless-load'] } : {}),
    ...(r['repl-rdb-channel'] !== undefined ? { 'repl-rdb-channel': r['repl-rdb-channel'] } : {}),
    ...(r['replica-full-sync-buffer-limit'] !== undefined ? { 'replica-full-sync-buffer-limit': r['replica-full-sync-buffer-limit'] } : {}),
    ...(r['dual-channel-replication-enabled'] !== undefined ? { 'dual-channel-replication-enabled': r['dual-channel-replication-enabled'] } : {}),
    ...(r['loading-process-events-interval-bytes'] !== undefined ? { 'loading-process-events-interval-bytes': r['loading-process-events-interval-bytes'] } : {}),
    ...(limits && limits.length === 3
      ? { 'client-output-buffer-limit': { ...base['client-output-buffer-limit'], replica: { hard: limits[0]!, soft: limits[1]!, softSeconds: limits[2]! } } }
      : {}),
    ...overrides,
  };
}

/** The version the real replica of a session ran: the engine emulates the same one. */
export function sessionProfile(fixture: SessionFixture): ProfileId {
  const build = fixture.capturedWith.replicaBuild;
  if (build !== undefined) return liveServer(build).profile;
  if (/^redis-server 7\.0\./.test(fixture.capturedWith.replica)) return 'redis-7.0';
  throw new Error(`session ${fixture.scenario}: no profile for replica ${fixture.capturedWith.replica}`);
}

/** How the master's bytes are cut into `data` inputs. */
export type Chunking = 'captured' | 'whole' | 'bytes' | { seed: number; maxPiece: number };

/** A seeded LCG (Numerical Recipes constants), so random chunkings repeat. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** When the real replica's replicationCron ran, and what shows it. */
export interface CronTick {
  t: number;
  why: 'ack' | 'log' | 'interpolated';
  /** For an ACK tick: the seq of the ACK it wrote (the tick goes right before it). */
  ackSeq?: number;
}

const CRON_LOG_LINES = [
  /^Connecting to (MASTER|PRIMARY) /,
  /^Timeout connecting to the (MASTER|PRIMARY)\.\.\.$/,
  /^Timeout receiving bulk data from (MASTER|PRIMARY)\.\.\./,
  /^(MASTER|PRIMARY) timeout: no data nor PING received\.\.\.$/,
];

const ACK_PREFIX = Buffer.from('*3\r\n$8\r\nREPLCONF\r\n$3\r\nACK\r\n');

function countOf(haystack: Buffer, needle: Buffer | string): number {
  let n = 0;
  for (let at = haystack.indexOf(needle); at !== -1; at = haystack.indexOf(needle, at + 1)) n++;
  return n;
}

/**
 * The real replica's cron ticks. Visible ones: the log lines only
 * replicationCron prints, and the REPLCONF ACKs it writes (an ACK right after
 * a GETACK or at the end of an EOF-mark payload is an answer, not a tick).
 * Between two visible ticks the cron ran once a second; those runs had no
 * visible effect and are spread evenly.
 */
export function cronTicks(fixture: SessionFixture): CronTick[] {
  const known: CronTick[] = [];
  for (const line of fixture.replicaLog) {
    if (CRON_LOG_LINES.some((re) => re.test(line.message))) known.push({ t: line.t, why: 'log' });
    // A master lost with nothing on the wire just before: the cron freed it (after a protocol
    // error Redis keeps the master until replicationCron's ACK flushes it).
    if (/^Connection with (master|primary) lost\.$/.test(line.message) &&
        !fixture.events.some((e) => (e.kind === 'm2r' || e.kind === 'close') && e.t <= line.t && line.t - e.t <= 10)) {
      known.push({ t: line.t, why: 'log' });
    }
  }
  const m2rSoFar = new Map<number, Buffer>();
  const trigger = new Map<number, { t: number; answered: boolean }>();
  // The end of a full sync is answered with an ACK on the main link (the RDB may have come on an rdb channel).
  const mainOf = new Map(linkInfos(fixture).map((l) => [l.link, l.mainLink ?? l.link]));
  const syncEnds = fixture.replicaLog.filter((l) => /sync: Finished with success$|^Successfully streamed replication data into memory$|sync: Successfully streamed replication buffer/.test(l.message)).map((l) => l.t);
  for (const e of fixture.events) {
    if (e.kind === 'm2r') {
      const before = m2rSoFar.get(e.link) ?? Buffer.alloc(0);
      const all = Buffer.concat([before, eventBytes(e)]);
      m2rSoFar.set(e.link, all);
      const chunk = eventBytes(e);
      const mark = /\$EOF:([0-9a-f]{40})\r\n/.exec(all.toString('latin1'));
      const endsPayload = mark !== null && countOf(all, mark[1]!) === 2 && countOf(before, mark[1]!) < 2;
      if (countOf(chunk, 'GETACK') > 0) trigger.set(e.link, { t: e.t, answered: false });
      if (endsPayload) trigger.set(mainOf.get(e.link) ?? e.link, { t: e.t, answered: false });
    } else if (e.kind === 'r2m') {
      const acks = countOf(eventBytes(e), ACK_PREFIX);
      if (acks === 0) continue;
      const pending = trigger.get(e.link);
      let answers = pending && !pending.answered && e.t - pending.t <= 50 ? 1 : 0;
      if (answers) pending!.answered = true;
      // Or the ACK a replica writes when its full sync ends (Valkey 8: after every one).
      const end = syncEnds.findIndex((t) => e.t >= t && e.t - t <= 50);
      if (!answers && end !== -1) {
        syncEnds.splice(end, 1);
        answers = 1;
      }
      if (acks > answers) known.push({ t: e.t, why: 'ack', ackSeq: e.seq });
    }
  }
  known.sort((a, b) => a.t - b.t);
  const merged: CronTick[] = [];
  for (const k of known) {
    // One cron run can show in several ways (a timeout line, then "Connecting…").
    if (merged.length > 0 && k.t - merged.at(-1)!.t < 50) continue;
    merged.push(k);
  }
  const ticks: CronTick[] = [];
  for (let i = 0; i < merged.length; i++) {
    ticks.push(merged[i]!);
    const next = merged[i + 1];
    if (!next) break;
    const gap = next.t - merged[i]!.t;
    const runs = Math.round(gap / 1000);
    for (let j = 1; j < runs; j++) ticks.push({ t: Math.round(merged[i]!.t + (j * gap) / runs), why: 'interpolated' });
  }
  return ticks;
}

export type Entry =
  | { kind: 'event'; key: number; t: number; event: ProxyEvent }
  | { kind: 'cron'; key: number; t: number; tick: CronTick }
  | { kind: 'checkpoint'; key: number; t: number; checkpoint: Checkpoint }
  | { kind: 'sample'; key: number; t: number; sample: ExpandedSample };

/** Bytes handed to the replica this recently may not have been read when it answered a question. */
const RACE_MS = 3;

/** Events, cron ticks and checkpoints in the order the real replica lived them. */
export function timeline(fixture: SessionFixture, withCron = true, withSamples = false): Entry[] {
  const events = fixture.events;
  // A derived entry sits just before the first event at or after its time.
  const keyAt = (t: number): number => {
    const next = events.find((e) => e.t >= t);
    return (next ? next.seq : events.length + 1) - 0.5;
  };
  const entries: Entry[] = events.map((e) => ({ kind: 'event', key: e.seq, t: e.t, event: e }));
  if (withCron) {
    for (const tick of cronTicks(fixture)) {
      // An ACK tick comes right before the ACK it wrote.
      entries.push({ kind: 'cron', key: tick.ackSeq !== undefined ? tick.ackSeq - 0.5 : keyAt(tick.t), t: tick.t, tick });
    }
  }
  for (const cp of fixture.checkpoints) entries.push({ kind: 'checkpoint', key: cp.seq - 0.5, t: cp.t, checkpoint: cp });
  if (withSamples) {
    // Only the replica's INFO replication answers no proxy event raced with:
    // none came while it answered, and the last bytes handed to its sockets
    // before the question were there a few ms before it (else the question
    // may have been read first, in the same turn of its event loop).
    const lastDelivery = (seq: number): number => {
      for (let i = events.length - 1; i >= 0; i--) if (events[i]!.seq < seq && events[i]!.kind === 'm2r') return events[i]!.t;
      return -Infinity;
    };
    for (const sample of expandSamples(fixture.samples ?? [])) {
      if (sample.server !== 'replica' || sample.what !== 'info-replication' || sample.seqSent !== sample.seq) continue;
      if (sample.sent - lastDelivery(sample.seqSent) < RACE_MS) continue;
      entries.push({ kind: 'sample', key: sample.seqSent - 0.5, t: sample.sent, sample });
    }
  }
  return entries.sort((a, b) => a.key - b.key || a.t - b.t);
}

export interface TimedStep {
  at: number;
  /** What the replay fed before this step (`data link 1 (5 bytes)`, `cron`, …). */
  input: string;
  result: StepResult;
}

/** The log line of a replica starting to load the RDB file it received. */
const LOAD_START = /sync: Loading DB in memory$/;

/** One input fed (or a bare drive) and every step it led to. */
export interface FeedRecord {
  at: number;
  label: string;
  input: EngineInput | null;
  results: StepResult[];
}

export interface CheckpointComparison {
  label: string;
  /** The real replica's INFO replication fields. */
  real: Record<string, string>;
  /** The engine's, as infoReplication() renders them. */
  engine: Record<string, string>;
}

/** The real replica's INFO replication answer in a sample, and the engine's at the same point. */
export interface SampleComparison {
  /** Fixture time the question was sent. */
  t: number;
  real: [string, string][];
  engine: [string, string][];
}

/** INFO fields that do not depend on the clock or on settings the sessions do not vary. */
export const COMPARED_INFO_FIELDS = [
  'role', 'master_host', 'master_port', 'master_link_status', 'master_sync_in_progress',
  'slave_read_repl_offset', 'slave_repl_offset', 'master_replid', 'master_replid2',
  'master_repl_offset', 'second_repl_offset', 'repl_backlog_active',
  'repl_backlog_first_byte_offset', 'repl_backlog_histlen',
] as const;

export interface ReplayOptions {
  chunking?: Chunking;
  config?: Partial<ReplicaConfig>;
  /** Without the derived cron ticks (a test drives cron itself). */
  cron?: boolean;
  /** Answer INFO replication where the real replica was sampled (into `samples`). */
  samples?: boolean;
  /** Stop right after the first step that satisfies this (the test inspects the engine there). */
  stopAfter?: (r: StepResult, engine: ReplicaEngine) => boolean;
  /** Stop before the first entry that satisfies this (the test takes over). */
  stopBefore?: (e: Entry) => boolean;
}

/**
 * The shell's side of a disk load, in memory, for engines that hand the temp
 * RDB file to their shell: `rdb-file-write` appends, `rdb-file-load` is
 * answered at once with the file in `rdb-file-data` pieces and `rdb-file-end`,
 * `rdb-file-discard` forgets it. The action and input shapes are matched by
 * their `type` strings so that these tests also run against an engine that
 * loads without a file (it never emits them).
 */
export class TempFiles {
  private readonly files = new Map<number, Buffer[]>();

  /** The inputs that answer the file actions among these. */
  answer(results: readonly StepResult[]): EngineInput[] {
    const inputs: EngineInput[] = [];
    for (const r of results) {
      for (const action of r.actions) {
        const a = action as { type: string; file?: number; bytes?: Buffer; chunkSize?: number };
        if (a.file === undefined) continue;
        if (a.type === 'rdb-file-write' && a.bytes) {
          const list = this.files.get(a.file) ?? [];
          list.push(a.bytes);
          this.files.set(a.file, list);
        } else if (a.type === 'rdb-file-discard') {
          this.files.delete(a.file);
        } else if (a.type === 'rdb-file-load') {
          const content = Buffer.concat(this.files.get(a.file) ?? []);
          const size = a.chunkSize && a.chunkSize > 0 ? a.chunkSize : 16 * 1024;
          // Inputs this engine version may not declare: built as the engine documents them.
          for (let at = 0; at < content.length; at += size) {
            inputs.push({ type: 'rdb-file-data', file: a.file, bytes: content.subarray(at, at + size) } as unknown as EngineInput);
          }
          inputs.push({ type: 'rdb-file-end', file: a.file } as unknown as EngineInput);
        }
      }
    }
    return inputs;
  }
}

export class SessionReplay {
  readonly engine: ReplicaEngine;
  readonly clock: FakeClock;
  readonly steps: TimedStep[] = [];
  readonly feeds: FeedRecord[] = [];
  readonly logs: LogEntry[] = [];
  /** Fixture link index (1, 2, …) by engine link id, in the order the engine asked. */
  readonly linkOf = new Map<number, number>();
  readonly engineLink = new Map<number, number>();
  /** When the engine asked for each fixture link. */
  readonly connectAt = new Map<number, number>();
  /** When the real replica's connection was accepted, per fixture link. */
  readonly acceptAt = new Map<number, number>();
  readonly writes = new Map<number, Buffer[]>();
  readonly closeAt = new Map<number, number>();
  /** Places where the engine was behind the real replica (wrote too little, too late). */
  readonly problems: string[] = [];
  readonly checkpoints: CheckpointComparison[] = [];
  readonly samples: SampleComparison[] = [];
  /** The fixture links of each role, in the order the real replica opened them. */
  private readonly unclaimed: Record<'main' | 'rdb', number[]>;
  private stopped = false;
  private readonly files = new TempFiles();

  constructor(readonly fixture: SessionFixture, private readonly opts: ReplayOptions = {}) {
    this.clock = new FakeClock(fixture.epochMs);
    this.engine = new ReplicaEngine(sessionConfig(fixture, opts.config), { clock: this.clock, newReplid: replidSequence(fixture.scenario) });
    const roles = linkInfos(fixture);
    this.unclaimed = {
      main: roles.filter((l) => l.channel === 'main').map((l) => l.link),
      rdb: roles.filter((l) => l.channel === 'rdb').map((l) => l.link),
    };
  }

  /** Feeds one input now and steps until idle, collecting what comes out. */
  feed(input: EngineInput, label: string): StepResult[] {
    this.engine.receive(input);
    return this.drive(label, input);
  }

  /**
   * Steps until idle, answering the engine's file actions as a shell would.
   * A file load read back is spread over the time the real replica took to
   * load (until its "Done loading RDB"), so that what happened meanwhile on
   * the other links reaches the engine during the load too.
   */
  drive(label: string, input: EngineInput | null = null): StepResult[] {
    const results = this.steps_();
    for (let answers = this.files.answer(results); answers.length > 0;) {
      const doneAt = this.realLoadEnd(results);
      if (doneAt !== null) {
        this.scheduleFile(answers, doneAt);
        break;
      }
      for (const a of answers) this.engine.receive(a);
      const more = this.steps_();
      results.push(...more);
      answers = this.files.answer(more);
    }
    for (const r of results) this.collect(r, label);
    this.feeds.push({ at: this.clock.now(), label, input, results });
    return results;
  }

  /** Steps until idle, or until the step opts.stopAfter wants (then the replay stops there). */
  private steps_(): StepResult[] {
    const stopAfter = this.opts.stopAfter;
    if (!stopAfter) return this.engine.runUntilIdle();
    const out: StepResult[] = [];
    while (!this.stopped) {
      const r = this.engine.step();
      out.push(r);
      if (r.point.kind === 'idle') break;
      if (stopAfter(r, this.engine)) {
        this.stopped = true;
        this.stoppedAfter = r;
      }
    }
    return out;
  }

  /** The step opts.stopAfter stopped the replay at. */
  stoppedAfter: StepResult | null = null;

  /** Whether run() is replaying the fixture's timeline. */
  private onTimeline = false;

  /** Inputs of a file read back, due at these fixture times. */
  private readonly fileQueue: { t: number; input: EngineInput }[] = [];

  /**
   * When the real replica finished the load the engine is starting now (the
   * engine's Nth "Loading DB in memory" is the fixture's Nth), if that is
   * still ahead: its "Done loading RDB" before its next load began.
   */
  private realLoadEnd(pending: readonly StepResult[]): number | null {
    // Off the fixture's timeline (a test driving by hand) a load reads straight through.
    if (!this.onTimeline) return null;
    const starts = (messages: readonly string[]) => messages.filter((m) => LOAD_START.test(m)).length;
    const n = starts(this.logs.map((l) => l.message)) + starts(pending.flatMap((r) => r.logs.map((l) => l.message)));
    const realStarts = this.fixture.replicaLog.filter((l) => LOAD_START.test(l.message));
    const start = realStarts[n - 1];
    if (start === undefined) return null;
    const next = realStarts[n];
    const done = this.fixture.replicaLog.find((l) => l.t >= start.t && /^Done loading RDB/.test(l.message) && (next === undefined || l.t <= next.t));
    const now = this.clock.now() - this.fixture.epochMs;
    return done && done.t - now > 20 ? done.t : null;
  }

  private scheduleFile(inputs: EngineInput[], doneAt: number): void {
    const now = this.clock.now() - this.fixture.epochMs;
    // Small pieces, so that the load's progress is spread over the time it took.
    const pieces = inputs.flatMap((input) => {
      const data = input as { type: string; file: number; bytes?: Buffer };
      if (data.type !== 'rdb-file-data' || !data.bytes) return [input];
      const out: EngineInput[] = [];
      for (let at = 0; at < data.bytes.length; at += 4096) out.push({ ...data, bytes: data.bytes.subarray(at, at + 4096) } as EngineInput);
      return out;
    });
    pieces.forEach((input, i) => this.fileQueue.push({ t: now + ((doneAt - now) * (i + 1)) / pieces.length, input }));
  }

  /** Feeds the file pieces due by fixture time `t`. */
  private feedFileUntil(t: number): void {
    while (!this.stopped && this.fileQueue.length > 0 && this.fileQueue[0]!.t <= t) {
      const { t: due, input } = this.fileQueue.shift()!;
      this.clock.advanceTo(this.fixture.epochMs + Math.round(due));
      const results = this.feed(input, `file ${input.type}`);
      // A piece may have asked for more (a second load): answer it the same way.
      void results;
    }
  }

  /** A cron run at the current clock. */
  cron(): StepResult[] {
    return this.feed({ type: 'cron' }, 'cron');
  }

  run(): this {
    const entries = timeline(this.fixture, this.opts.cron ?? true, this.opts.samples ?? false);
    this.onTimeline = true;
    this.drive('start');
    const chunking = this.opts.chunking ?? 'captured';
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i]!;
      if (this.stopped) break;
      if (this.opts.stopBefore?.(entry)) {
        this.stopped = true;
        break;
      }
      this.feedFileUntil(entry.t);
      this.clock.advanceTo(this.fixture.epochMs + entry.t);
      if (entry.kind === 'cron') this.cron();
      else if (entry.kind === 'checkpoint') this.compareCheckpoint(entry.checkpoint);
      else if (entry.kind === 'sample') {
        const engine = [...parseInfo(this.engine.infoReplication(this.clock.now())).entries()];
        this.samples.push({ t: entry.t, real: entry.sample.fields, engine });
      }
      else if (entry.event.kind === 'm2r' && chunking !== 'captured') {
        // The run of master chunks up to the next input of another kind, cut differently
        // (the replica's own writes in between are not inputs).
        let end = i;
        while (end + 1 < entries.length) {
          const n = entries[end + 1]!;
          if (this.opts.stopBefore?.(n)) break;
          if (n.kind !== 'event' || !(n.event.kind === 'r2m' || (n.event.kind === 'm2r' && n.event.link === entry.event.link))) break;
          end++;
        }
        const segment = entries.slice(i, end + 1).flatMap((e) => (e.kind === 'event' && e.event.kind === 'm2r' ? [e.event] : []));
        this.feedSegment(segment, chunking);
        i = end;
      } else {
        this.onEvent(entry.event);
      }
    }
    this.feedFileUntil(Infinity);
    this.onTimeline = false;
    if (!this.stopped) this.checkFinalWrites();
    return this;
  }

  private onEvent(e: ProxyEvent): void {
    if (e.kind === 'accept') {
      this.acceptAt.set(e.link, e.t);
      const id = this.engineLink.get(e.link);
      if (id === undefined) {
        this.problems.push(`t=${e.t}: the real replica opened link ${e.link}; the engine had not asked for it`);
        return;
      }
      this.feed({ type: 'connected', link: id }, `connected link ${e.link}`);
      return;
    }
    const id = this.engineLink.get(e.link);
    if (id === undefined) return;
    if (e.kind === 'm2r') {
      this.checkNotBehind(e);
      const bytes = eventBytes(e);
      this.feed({ type: 'data', link: id, bytes }, `data link ${e.link} (${bytes.length} bytes)`);
    } else if (e.kind === 'close') {
      if (e.by === 'replica') {
        if (!this.closeAt.has(e.link)) this.problems.push(`t=${e.t}: the real replica closed link ${e.link}; the engine had not`);
      } else {
        this.feed({ type: 'closed', link: id }, `closed link ${e.link} by ${e.by}`);
      }
    }
  }

  private feedSegment(events: ProxyEvent[], chunking: Exclude<Chunking, 'captured'>): void {
    const first = events[0]!;
    const id = this.engineLink.get(first.link);
    if (id === undefined) return;
    this.checkNotBehind(first);
    const chunks = events.map(eventBytes);
    const all = Buffer.concat(chunks);
    // Each piece arrives when the chunk holding its last byte arrived.
    const endTimes: { end: number; t: number }[] = [];
    let acc = 0;
    for (let k = 0; k < chunks.length; k++) {
      acc += chunks[k]!.length;
      endTimes.push({ end: acc, t: events[k]!.t });
    }
    const random = typeof chunking === 'object' ? seededRandom(chunking.seed) : null;
    for (let at = 0; at < all.length;) {
      let n: number;
      if (chunking === 'whole') n = all.length;
      else if (chunking === 'bytes') n = 1;
      else n = 1 + Math.floor(random!() * chunking.maxPiece);
      n = Math.min(n, all.length - at);
      const piece = all.subarray(at, at + n);
      at += n;
      this.clock.advanceTo(this.fixture.epochMs + endTimes.find((x) => x.end >= at)!.t);
      this.feed({ type: 'data', link: id, bytes: piece }, `data link ${first.link} (${piece.length} bytes, rechunked)`);
    }
  }

  /**
   * What the real replica wrote before the proxy passed it this chunk, it
   * wrote before reading the chunk: the engine must have written it too.
   * (The converse does not hold: the proxy can see a replica write after a
   * master chunk the replica had not read yet.)
   */
  private checkNotBehind(e: ProxyEvent): void {
    const real = Buffer.concat(this.fixture.events.filter((x) => x.kind === 'r2m' && x.link === e.link && x.seq < e.seq).map(eventBytes));
    const mine = Buffer.concat(this.writes.get(e.link) ?? []);
    if (mine.length < real.length || !mine.subarray(0, real.length).equals(real)) {
      this.problems.push(`t=${e.t} link ${e.link}: before master chunk #${e.seq} the real replica had written ${JSON.stringify(real.toString('latin1'))}, the engine ${JSON.stringify(mine.toString('latin1'))}`);
    }
  }

  private checkFinalWrites(): void {
    for (const [link] of this.engineLink) {
      const real = this.realWrites(link);
      const mine = this.engineWrites(link);
      if (!real.equals(mine)) {
        this.problems.push(`link ${link}: the real replica wrote ${JSON.stringify(real.toString('latin1'))}, the engine ${JSON.stringify(mine.toString('latin1'))}`);
      }
    }
  }

  private compareCheckpoint(cp: Checkpoint): void {
    const engine = parseInfo(this.engine.infoReplication(this.clock.now()));
    const pick = (m: Map<string, string> | Record<string, string>): Record<string, string> => {
      const get = (k: string): string | undefined => (m instanceof Map ? m.get(k) : m[k]);
      const out: Record<string, string> = {};
      for (const k of COMPARED_INFO_FIELDS) out[k] = get(k) ?? '(absent)';
      return out;
    };
    this.checkpoints.push({ label: cp.label, real: pick(cp.replica), engine: pick(engine) });
  }

  private collect(r: StepResult, input: string): void {
    const at = this.clock.now();
    this.steps.push({ at, input, result: r });
    this.logs.push(...r.logs);
    for (const a of r.actions) {
      if (a.type === 'connect') {
        // The engine's connection of a role is the real replica's next one of that role.
        const link = this.unclaimed[a.role].shift() ?? 1000 + a.link;
        this.linkOf.set(a.link, link);
        this.engineLink.set(link, a.link);
        this.connectAt.set(link, at - this.fixture.epochMs);
      } else if (a.type === 'write') {
        const link = this.linkOf.get(a.link);
        if (link === undefined) continue;
        const list = this.writes.get(link) ?? [];
        list.push(a.bytes);
        this.writes.set(link, list);
      } else if (a.type === 'close') {
        const link = this.linkOf.get(a.link);
        if (link !== undefined && !this.closeAt.has(link)) this.closeAt.set(link, at - this.fixture.epochMs);
      }
    }
  }

  realWrites(link: number): Buffer {
    return Buffer.concat(this.fixture.events.filter((e) => e.kind === 'r2m' && e.link === link).map(eventBytes));
  }

  engineWrites(link: number): Buffer {
    return Buffer.concat(this.writes.get(link) ?? []);
  }

  /** Fixture links the engine asked for that the real replica never opened (the capture ended first). */
  get pendingLinks(): number[] {
    return [...this.engineLink.keys()].filter((l) => !this.acceptAt.has(l));
  }

  transitionsText(): string[] {
    return this.engine.transitions.map((t) => `${shortStateName(t.from)}->${shortStateName(t.to)}:${t.cause}`);
  }
}

/** The bytes the master sent on one link, in captured chunks. */
export function masterChunks(fixture: SessionFixture, link: number): Buffer[] {
  return fixture.events.filter((e) => e.kind === 'm2r' && e.link === link).map(eventBytes);
}

/**
 * Real log lines about the dataset rdbLoad built. An engine that does not
 * print them yet is not compared on them; once it prints one of a kind, all
 * of that kind are compared.
 */
export const DATASET_LOG_LINES: readonly RegExp[] = [
  /^RDB age \d+ seconds$/,
  /^RDB memory usage when created /,
  /^Done loading RDB, keys loaded: /,
];

/** `level message`, with what no engine can reproduce (client ids, addresses, memory) blanked. */
export function normalizeLogLine(level: string, message: string): string {
  const m = message.replace(/^(Protocol error \(.*?\) from client: ).*?(\. Query buffer during protocol error: )/, '$1<client info>$2');
  return `${level} ${m}`;
}

/** The real replica's log and the engine's, as the tests compare them. */
export function comparableLogs(fixture: SessionFixture, logs: readonly LogEntry[]): { real: string[]; engine: string[] } {
  const skipped = DATASET_LOG_LINES.filter((re) => !logs.some((l) => re.test(l.message)));
  return {
    real: fixture.replicaLog.filter((l) => !skipped.some((re) => re.test(l.message))).map((l) => normalizeLogLine(l.level, l.message)),
    engine: logs.map((l) => normalizeLogLine(l.level, l.message)),
  };
}

/**
 * The data commands the engine's steps show as applied, `<db> <argv…>`: a
 * command outside MULTI at once, a queued one at its EXEC, a queued one whose
 * EXEC never came (link lost) never.
 */
export function appliedCommands(results: readonly StepResult[]): string[] {
  const applied: string[] = [];
  let queued: string[] = [];
  for (const r of results) {
    const p = r.point;
    if (p.kind === 'transition' && p.transition.from === ReplState.CONNECTED) queued = [];
    if (p.kind !== 'command') continue;
    const words = p.argv;
    const name = words[0]!.toLowerCase();
    const line = `${p.db} ${words.join(' ')}`;
    if (p.queued) queued.push(line);
    else if (name === 'exec') {
      applied.push(...queued);
      queued = [];
    } else if (name === 'discard') queued = [];
    else if (!['multi', 'select', 'ping', 'replconf'].includes(name)) applied.push(line);
  }
  return applied;
}

/** A whole second on the clock (2025-01-01T00:00:00Z), for tests that reason about Redis's whole-second timeouts. */
export const WHOLE_SECOND = Date.UTC(2025, 0, 1);

/**
 * An engine driven by hand on a fake clock: a test plays the master with
 * captured bytes and decides when cron runs. Every call steps until idle and
 * returns what that call produced.
 */
export class DrivenEngine {
  readonly clock: FakeClock;
  readonly engine: ReplicaEngine;
  readonly all: StepResult[] = [];
  private readonly files = new TempFiles();

  constructor(config: ReplicaConfig, startMs = WHOLE_SECOND, seed = 'driven') {
    this.clock = new FakeClock(startMs);
    this.engine = new ReplicaEngine(config, { clock: this.clock, newReplid: replidSequence(seed) });
  }

  get info() {
    return this.engine.info;
  }

  /** The link of the last connect action (the one the engine uses). */
  get link(): number {
    const id = this.engine.linkId;
    if (id === null) throw new Error('the engine has no link');
    return id;
  }

  at(ms: number): this {
    this.clock.ms = ms;
    return this;
  }

  run(): StepResult[] {
    const results = this.engine.runUntilIdle();
    for (let answers = this.files.answer(results); answers.length > 0;) {
      for (const a of answers) this.engine.receive(a);
      const more = this.engine.runUntilIdle();
      results.push(...more);
      answers = this.files.answer(more);
    }
    this.all.push(...results);
    return results;
  }

  receive(input: EngineInput): StepResult[] {
    this.engine.receive(input);
    return this.run();
  }

  cron(): StepResult[] {
    return this.receive({ type: 'cron' });
  }

  connected(): StepResult[] {
    return this.receive({ type: 'connected', link: this.link });
  }

  data(bytes: Buffer | string): StepResult[] {
    return this.receive({ type: 'data', link: this.link, bytes: Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes, 'latin1') });
  }

  closed(error?: string): StepResult[] {
    return this.receive(error === undefined ? { type: 'closed', link: this.link } : { type: 'closed', link: this.link, error });
  }
}

export function writesIn(results: readonly StepResult[]): Buffer {
  return Buffer.concat(results.flatMap((r) => r.actions.flatMap((a) => (a.type === 'write' ? [a.bytes] : []))));
}

export function connectsIn(results: readonly StepResult[]): number[] {
  return results.flatMap((r) => r.actions.flatMap((a) => (a.type === 'connect' ? [a.link] : [])));
}

export function closesIn(results: readonly StepResult[]): number[] {
  return results.flatMap((r) => r.actions.flatMap((a) => (a.type === 'close' ? [a.link] : [])));
}

export function logsIn(results: readonly StepResult[]): string[] {
  return results.flatMap((r) => r.logs.map((l) => `${l.level} ${l.message}`));
}

export function transitionsIn(results: readonly StepResult[]): string[] {
  return results.flatMap((r) => (r.point.kind === 'transition'
    ? [`${shortStateName(r.point.transition.from)}->${shortStateName(r.point.transition.to)}:${r.point.transition.cause}`]
    : []));
}

/** What the master sent on one link, cut where the protocol cuts it. */
export interface LinkParts {
  /** Handshake reply lines with their terminators, keepalive newlines included, up to and with the PSYNC reply. */
  replies: Buffer[];
  /** `$<len>\r\n` or `$EOF:<mark>\r\n` (and newlines before it), or null without a payload. */
  payloadHeader: Buffer | null;
  /** Lines before the header (newline keepalives while the master writes its RDB). */
  preHeader: Buffer[];
  rdb: Buffer;
  /** The EOF mark after an EOF-mark payload. */
  eofMark: Buffer | null;
  /** Everything after the payload or the PSYNC reply: the replication stream (or a SYNC's answer). */
  stream: Buffer;
  /** The stream cut into its commands. */
  commands: Buffer[];
}

function takeLine(buf: Buffer, at: number): number {
  const nl = buf.indexOf(0x0a, at);
  if (nl === -1) throw new Error(`no line at ${at}`);
  return nl + 1;
}

/** Splits the captured master bytes of a link (no parser of the engine's is used). */
export function splitLink(fixture: SessionFixture, link: number): LinkParts {
  const all = Buffer.concat(masterChunks(fixture, link));
  const parts: LinkParts = { replies: [], payloadHeader: null, preHeader: [], rdb: Buffer.alloc(0), eofMark: null, stream: Buffer.alloc(0), commands: [] };
  let at = 0;
  let psyncReply = '';
  // PING, [AUTH], REPLCONF listening-port, [REPLCONF ip-address], REPLCONF capa: then PSYNC,
  // whose reply may follow newlines.
  const cfg = fixture.replica.config;
  const beforePsync = 3 + (cfg.masterauth !== null ? 1 : 0) + (cfg['replica-announce-ip'] ? 1 : 0);
  let answered = 0;
  while (at < all.length) {
    const end = takeLine(all, at);
    const line = all.subarray(at, end);
    parts.replies.push(line);
    at = end;
    if (line.length === 1) continue;
    if (++answered > beforePsync) {
      psyncReply = line.toString('latin1');
      break;
    }
  }
  if (psyncReply.startsWith('+FULLRESYNC')) {
    while (all[at] === 0x0a) {
      parts.preHeader.push(all.subarray(at, at + 1));
      at++;
    }
    const end = takeLine(all, at);
    parts.payloadHeader = all.subarray(at, end);
    const header = parts.payloadHeader.toString('latin1').trimEnd();
    at = end;
    if (header.startsWith('$EOF:')) {
      const mark = Buffer.from(header.slice(5), 'latin1');
      const markAt = all.indexOf(mark, at);
      parts.rdb = all.subarray(at, markAt);
      parts.eofMark = all.subarray(markAt, markAt + mark.length);
      at = markAt + mark.length;
    } else {
      const len = Number(header.slice(1));
      parts.rdb = all.subarray(at, at + len);
      at += len;
    }
  }
  parts.stream = all.subarray(at);
  if (psyncReply.startsWith('+FULLRESYNC') || psyncReply.startsWith('+CONTINUE')) parts.commands = splitCommands(parts.stream);
  return parts;
}

/** RESP arrays of bulk strings, each returned whole; a cut-off last one is returned as it is. */
export function splitCommands(stream: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let at = 0;
  while (at < stream.length) {
    const start = at;
    try {
      let end = takeLine(stream, at);
      const count = Number(stream.toString('latin1', at + 1, end - 2));
      at = end;
      for (let i = 0; i < count; i++) {
        end = takeLine(stream, at);
        const len = Number(stream.toString('latin1', at + 1, end - 2));
        at = end + len + 2;
      }
      if (at > stream.length) throw new Error('cut');
    } catch {
      out.push(stream.subarray(start));
      break;
    }
    out.push(stream.subarray(start, at));
  }
  return out;
}

/** The offsets of the REPLCONF ACKs in some written bytes. */
export function ackOffsets(bytes: Buffer): number[] {
  const text = bytes.toString('latin1');
  return [...text.matchAll(/\*3\r\n\$8\r\nREPLCONF\r\n\$3\r\nACK\r\n\$\d+\r\n(\d+)\r\n/g)].map((m) => Number(m[1]));
}

/** A stopBefore predicate: the first master chunk whose bytes match. */
export function atMasterChunk(match: (bytes: Buffer) => boolean): (e: Entry) => boolean {
  return (e) => e.kind === 'event' && e.event.kind === 'm2r' && match(eventBytes(e.event));
}

/** A stopBefore predicate: the first event of that kind on that link. */
export function atEvent(kind: ProxyEvent['kind'], link: number): (e: Entry) => boolean {
  return (e) => e.kind === 'event' && e.event.kind === kind && e.event.link === link;
}

/** The engine's state that must not depend on how the bytes were cut. */
export function stateDigest(engine: ReplicaEngine): Record<string, unknown> {
  const i = engine.info;
  const client = (m: typeof i.master) => (m ? { reploff: m.reploff, read_reploff: m.read_reploff, replid: m.replid, db: m.db, multi: m.multi, pre_psync: m.pre_psync } : null);
  return {
    repl_state: shortStateName(i.repl_state),
    master: client(i.master),
    cached_master: client(i.cached_master),
    master_replid: i.master_replid,
    master_initial_offset: i.master_initial_offset,
    replid: i.replid,
    replid2: i.replid2,
    second_replid_offset: i.second_replid_offset,
    master_repl_offset: i.master_repl_offset,
    repl_backlog: i.repl_backlog,
    repl_transfer_size: i.repl_transfer_size,
    stat_sync_full: i.stat_sync_full,
    stat_sync_partial_ok: i.stat_sync_partial_ok,
    stat_commands_applied: i.stat_commands_applied,
    stat_net_repl_input_bytes: i.stat_net_repl_input_bytes,
    last_error: i.last_error?.message ?? null,
  };
}
