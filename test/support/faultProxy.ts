// A fault-injecting TCP proxy between a replica and a real master. It forwards
// both ways; the master→replica bytes are cut into segments along the
// replication protocol (reply lines, the `$` header, RDB payload bytes, the
// command stream) so that a test can transform, drop, stall, truncate or close
// them at a chosen moment: "after the first N payload bytes", "replace the
// +FULLRESYNC line", "flip one byte of the RDB", "stall from now on".
import * as net from 'node:net';

const MARK_LEN = 40;
/** What a multi-channel sync's second connection says in its handshake (REPLCONF … rdb-only 1 …). */
const RDB_ONLY = '\r\nrdb-only\r\n';
/** The handshake is in the first bytes a replica writes; an rdb channel says so there or not at all. */
const HANDSHAKE_BYTES = 4096;
/** A payload header: `$<len>` or `$EOF:<mark>` (Valkey's `$ENDOFF:…` is a reply line). */
const PAYLOAD_HEADER = /^\$(\d+$|EOF:)/;

/** One piece of what the master sends, in protocol terms. */
export type Segment =
  /**
   * A reply line before the payload, with its terminator: +PONG, +OK, -ERR…,
   * a `\n` keepalive (text ''), +FULLRESYNC, +CONTINUE, and the `$<len>` /
   * `$EOF:<mark>` header (header: true).
   */
  | { kind: 'line'; text: string; raw: Buffer; header: boolean }
  /**
   * RDB payload bytes; `offset` counts from the first byte after the header.
   * In EOF-mark mode the trailing 40-byte mark is part of the payload
   * (`total` is then null and `mark` holds it).
   */
  | { kind: 'payload'; bytes: Buffer; offset: number; total: number | null; mark: string | null }
  /** Bytes of the replication stream after the payload (or after +CONTINUE). */
  | { kind: 'stream'; bytes: Buffer; offset: number };

/**
 * What to do with a segment: forward these bytes (default: the segment's own),
 * then go on, stall (drop every later byte), hold (keep every later byte until
 * release()) or close.
 */
export interface Verdict {
  forward?: Buffer;
  then?: 'continue' | 'stall' | 'hold' | 'close';
  /** With then 'hold': the rest of this segment, kept back with what follows. */
  held?: Buffer;
}

/** Inspects every master→replica segment of a link; returning nothing forwards it unchanged. */
export type Fault = (segment: Segment, link: ProxyLink) => Verdict | void;

export interface ProxyEvent {
  at: number;
  link: number;
  what: string;
}

export class ProxyLink {
  /** Master→replica bytes are withheld from now on. */
  stalled = false;
  /**
   * While holding: what was decided already and waits for release() (null: not
   * holding). The master's later bytes stay unread in `unread` (and the socket
   * is paused), so that faults see them only once they are delivered.
   */
  private held: Buffer[] | null = null;
  private unread: Buffer[] = [];
  private rdbChannel = false;
  closed = false;
  /** When the replica's connection was accepted (ms). */
  readonly acceptedAt = Date.now();
  /** Time (ms) of the last master→replica write, and of the last replica→master one. */
  lastToReplicaAt = 0;
  lastToMasterAt = 0;
  bytesToReplica = 0;
  bytesToMaster = 0;
  /** Every line that came from the master before the payload, as text. */
  readonly lines: string[] = [];
  /** The payload exactly as the master sent it (before any fault changed it). */
  readonly payloadFromMaster: Buffer[] = [];
  /** Every replica→master byte (the handshake, PSYNC, ACKs). */
  readonly fromReplica: Buffer[] = [];
  /** The fault this link was given when it was accepted (armed faults are taken once). */
  fault: Fault | null;

  private phase: 'replies' | 'payload' | 'stream' = 'replies';
  private lineBuf = Buffer.alloc(0);
  private payloadTotal: number | null = null;
  private payloadSeen = 0;
  private mark: Buffer | null = null;
  private markTail = Buffer.alloc(0);
  private streamSeen = 0;
  private pendingUp: Buffer[] = [];

  constructor(
    readonly id: number,
    readonly downstream: net.Socket,
    readonly upstream: net.Socket,
    fault: Fault | null,
    private readonly onEvent: (link: ProxyLink, what: string) => void,
  ) {
    this.fault = fault;
  }

  get replicaToMasterText(): string {
    return Buffer.concat(this.fromReplica).toString('latin1');
  }

  /** Writes bytes to the replica now, as if the master had sent them. */
  inject(bytes: Buffer | string): void {
    if (this.closed) return;
    const b = typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes;
    this.toReplica(b);
    this.onEvent(this, `injected ${JSON.stringify(b.toString('latin1'))}`);
  }

  /**
   * Whether the replica opened this link as the rdb channel of a multi-channel
   * full sync (Redis 8's rdb channel, Valkey 8's dual channel): its handshake
   * said `rdb-only`. Known before the master answers that handshake.
   */
  get isRdbChannel(): boolean {
    return this.rdbChannel;
  }

  get holding(): boolean {
    return this.held !== null;
  }

  /**
   * Master→replica bytes are kept back from now on (a slow network) until
   * release(); the master's socket is not read meanwhile.
   */
  hold(): void {
    if (this.held !== null) return;
    this.onEvent(this, 'holding');
    this.held = [];
    this.upstream.pause();
  }

  /** Delivers what was held and goes on with the master's bytes (whose faults may hold again). */
  release(): void {
    const held = this.held;
    if (held === null || this.closed) return;
    this.held = null;
    this.onEvent(this, 'released');
    for (const b of held) this.toReplica(b);
    const unread = Buffer.concat(this.unread);
    this.unread = [];
    if (unread.length > 0) this.fromMasterData(unread);
    if (this.held === null && !this.closed) this.upstream.resume();
  }

  stall(): void {
    if (!this.stalled) this.onEvent(this, 'stalled');
    this.stalled = true;
  }

  /** Closes both sides; bytes already written to the replica are delivered first. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.onEvent(this, 'closed by proxy');
    this.upstream.destroy();
    this.downstream.end();
    setTimeout(() => this.downstream.destroy(), 200).unref();
  }

  /** Bytes the replica sent before the master connection was up. */
  flushPendingUp(): void {
    for (const b of this.pendingUp) this.upstream.write(b);
    this.pendingUp = [];
  }

  fromReplicaData(b: Buffer, upConnected: boolean): void {
    this.fromReplica.push(b);
    if (!this.rdbChannel && this.bytesToMaster < HANDSHAKE_BYTES) this.rdbChannel = this.replicaToMasterText.includes(RDB_ONLY);
    this.bytesToMaster += b.length;
    this.lastToMasterAt = Date.now();
    if (upConnected) this.upstream.write(b);
    else this.pendingUp.push(b);
  }

  fromMasterData(chunk: Buffer): void {
    let rest = chunk;
    while (rest.length > 0 && !this.closed) {
      if (this.held !== null) {
        this.unread.push(rest);
        return;
      }
      if (this.phase === 'replies') {
        this.lineBuf = Buffer.concat([this.lineBuf, rest]);
        rest = Buffer.alloc(0);
        for (;;) {
          if (this.phase !== 'replies' || this.closed || this.held !== null) break;
          const nl = this.lineBuf.indexOf(0x0a);
          if (nl === -1) break;
          const raw = this.lineBuf.subarray(0, nl + 1);
          this.lineBuf = this.lineBuf.subarray(nl + 1);
          let text = raw.toString('latin1', 0, nl);
          if (text.endsWith('\r')) text = text.slice(0, -1);
          this.lines.push(text);
          const header = PAYLOAD_HEADER.test(text);
          if (header) {
            if (text.startsWith('$EOF:')) {
              this.mark = Buffer.from(text.slice(5, 5 + MARK_LEN), 'latin1');
              this.payloadTotal = null;
            } else {
              this.payloadTotal = Number(text.slice(1));
            }
            this.phase = 'payload';
            this.payloadSeen = 0;
          } else if (text.startsWith('+CONTINUE') || text.startsWith('+RDBCHANNELSYNC')) {
            // Redis 8's main channel carries the stream right after +RDBCHANNELSYNC (the RDB takes the rdb channel).
            this.phase = 'stream';
          }
          this.apply({ kind: 'line', text, raw: Buffer.from(raw), header });
        }
        // Whatever followed the last line belongs to the next phase, or waits for release().
        if ((this.phase !== 'replies' || this.held !== null) && this.lineBuf.length > 0) {
          rest = this.lineBuf;
          this.lineBuf = Buffer.alloc(0);
        }
      } else if (this.phase === 'payload') {
        let take: number;
        let done: boolean;
        if (this.payloadTotal !== null) {
          take = Math.min(rest.length, this.payloadTotal - this.payloadSeen);
          done = this.payloadSeen + take >= this.payloadTotal;
        } else {
          // EOF mode: the payload ends right after the mark (which may straddle reads).
          const window = Buffer.concat([this.markTail, rest]);
          const at = window.indexOf(this.mark!);
          done = at !== -1;
          take = done ? at + MARK_LEN - this.markTail.length : rest.length;
          this.markTail = done ? Buffer.alloc(0) : Buffer.from(window.subarray(Math.max(0, window.length - (MARK_LEN - 1))));
        }
        const bytes = rest.subarray(0, take);
        rest = rest.subarray(take);
        const offset = this.payloadSeen;
        this.payloadSeen += take;
        if (done) this.phase = 'stream';
        if (bytes.length > 0) this.apply({ kind: 'payload', bytes, offset, total: this.payloadTotal, mark: this.mark?.toString('latin1') ?? null });
      } else {
        const offset = this.streamSeen;
        this.streamSeen += rest.length;
        const bytes = rest;
        rest = Buffer.alloc(0);
        this.apply({ kind: 'stream', bytes, offset });
      }
    }
  }

  private apply(segment: Segment): void {
    if (segment.kind === 'payload') this.payloadFromMaster.push(Buffer.from(segment.bytes));
    let verdict: Verdict | void = undefined;
    if (this.fault && !this.stalled) verdict = this.fault(segment, this);
    const own = segment.kind === 'line' ? segment.raw : segment.bytes;
    const bytes = verdict?.forward ?? own;
    if (!this.stalled && bytes.length > 0) this.toReplica(bytes);
    if (verdict?.then === 'stall') this.stall();
    if (verdict?.then === 'hold') {
      this.hold();
      if (verdict.held && verdict.held.length > 0) this.held!.push(Buffer.from(verdict.held));
    }
    if (verdict?.then === 'close') this.close();
  }

  private toReplica(bytes: Buffer): void {
    this.bytesToReplica += bytes.length;
    this.lastToReplicaAt = Date.now();
    this.downstream.write(bytes);
  }
}

export class FaultProxy {
  readonly links: ProxyLink[] = [];
  readonly events: ProxyEvent[] = [];
  private readonly server: net.Server;
  private armed: { fault: Fault; times: number }[] = [];
  private everyLink: Fault | null = null;
  private nextId = 1;
  port = 0;

  private constructor(readonly targetPort: number, readonly targetHost: string) {
    this.server = net.createServer((socket) => this.accept(socket));
  }

  static async start(targetPort: number, targetHost = '127.0.0.1'): Promise<FaultProxy> {
    const proxy = new FaultProxy(targetPort, targetHost);
    await new Promise<void>((resolve, reject) => {
      proxy.server.once('error', reject);
      proxy.server.listen(0, '127.0.0.1', () => resolve());
    });
    const addr = proxy.server.address();
    proxy.port = typeof addr === 'object' && addr ? addr.port : 0;
    return proxy;
  }

  /** The next `times` connections get this fault (one each, in order of arrival). */
  arm(fault: Fault, times = 1): void {
    this.armed.push({ fault, times });
  }

  /** Every new connection gets this fault until behave() (armed faults go first). */
  always(fault: Fault): void {
    this.everyLink = fault;
  }

  /** No fault for new connections; links already faulted keep theirs. */
  behave(): void {
    this.armed = [];
    this.everyLink = null;
  }

  get current(): ProxyLink | undefined {
    return [...this.links].reverse().find((l) => !l.closed);
  }

  get openLinks(): ProxyLink[] {
    return this.links.filter((l) => !l.closed);
  }

  /** The rdb channels the replica opened so far, oldest first. */
  get rdbLinks(): ProxyLink[] {
    return this.links.filter((l) => l.isRdbChannel);
  }

  /** The main link an rdb channel belongs to: the last one the replica opened before it. */
  mainLinkOf(rdb: ProxyLink): ProxyLink | undefined {
    return this.links.filter((l) => l.id < rdb.id && !l.isRdbChannel).at(-1);
  }

  stallAll(): void {
    for (const l of this.openLinks) l.stall();
  }

  closeAll(): void {
    for (const l of this.openLinks) l.close();
  }

  async stop(): Promise<void> {
    for (const l of this.links) {
      l.upstream.destroy();
      l.downstream.destroy();
    }
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private log(link: ProxyLink, what: string): void {
    this.events.push({ at: Date.now(), link: link.id, what });
  }

  private takeFault(): Fault | null {
    const first = this.armed[0];
    if (first) {
      if (--first.times <= 0) this.armed.shift();
      return first.fault;
    }
    return this.everyLink;
  }

  private accept(down: net.Socket): void {
    down.setNoDelay(true);
    const up = net.connect({ port: this.targetPort, host: this.targetHost });
    up.setNoDelay(true);
    const link = new ProxyLink(this.nextId++, down, up, this.takeFault(), (l, what) => this.log(l, what));
    this.links.push(link);
    this.log(link, 'accepted');
    let upConnected = false;
    up.on('connect', () => {
      upConnected = true;
      link.flushPendingUp();
    });
    down.on('data', (b: Buffer) => {
      if (!link.closed) link.fromReplicaData(b, upConnected);
    });
    up.on('data', (b: Buffer) => {
      if (!link.closed) link.fromMasterData(b);
    });
    const finish = (who: string): void => {
      if (!link.closed) {
        link.closed = true;
        this.log(link, `closed by ${who}`);
      }
      up.destroy();
      down.destroy();
    };
    down.on('error', () => undefined);
    up.on('error', () => undefined);
    down.on('close', () => finish('replica'));
    up.on('close', () => finish('master'));
  }
}

// ---- Ready-made faults -------------------------------------------------------

/** Replaces the first reply line matching `match` with `replacement` (give the terminator, e.g. '\r\n'). */
export function replaceLine(match: RegExp, replacement: string): Fault {
  let done = false;
  return (seg) => {
    if (done || seg.kind !== 'line' || !match.test(seg.text)) return;
    done = true;
    return { forward: Buffer.from(replacement, 'latin1') };
  };
}

/** Rewrites the first reply line matching `match` as `edit` says (the terminator is added). */
export function rewriteLine(match: RegExp, edit: (text: string) => string): Fault {
  let done = false;
  return (seg) => {
    if (done || seg.kind !== 'line' || !match.test(seg.text)) return;
    done = true;
    return { forward: Buffer.from(`${edit(seg.text)}\r\n`, 'latin1') };
  };
}

/** Holds a link's first reply line matching `match` and everything after it until the test calls release(). */
export function holdFromLine(match: RegExp): Fault {
  const done = new WeakSet<ProxyLink>();
  return (seg, link) => {
    if (done.has(link) || seg.kind !== 'line' || !match.test(seg.text)) return;
    done.add(link);
    return { forward: Buffer.alloc(0), then: 'hold', held: seg.raw };
  };
}

/** Forwards the first line matching `match`, then withholds every later master→replica byte. */
export function stallAfterLine(match: RegExp): Fault {
  return (seg) => (seg.kind === 'line' && match.test(seg.text) ? { then: 'stall' } : undefined);
}

/** Payload bytes at [from, to) of the payload, cut from a segment. */
function cutPayload(seg: Extract<Segment, { kind: 'payload' }>, n: number): Buffer | null {
  if (seg.offset + seg.bytes.length <= n) return null; // the limit is not reached in this piece
  return seg.bytes.subarray(0, Math.max(0, n - seg.offset));
}

/** Forwards the first `n` payload bytes, then closes both sides (a master killed mid-transfer). */
export function closeAfterPayload(n: number): Fault {
  return (seg) => {
    if (seg.kind !== 'payload') return;
    const head = cutPayload(seg, n);
    return head === null ? undefined : { forward: head, then: 'close' };
  };
}

/** Forwards the first `n` payload bytes, then withholds everything (a master hung mid-transfer). */
export function stallAfterPayload(n: number): Fault {
  return (seg) => {
    if (seg.kind !== 'payload') return;
    const head = cutPayload(seg, n);
    return head === null ? undefined : { forward: head, then: 'stall' };
  };
}

/** Forwards a link's first `n` payload bytes, then holds the rest until the test calls release() (a slow network). */
export function holdAfterPayload(n: number): Fault {
  const done = new WeakSet<ProxyLink>();
  return (seg, link) => {
    if (done.has(link) || seg.kind !== 'payload') return;
    const head = cutPayload(seg, n);
    if (head === null) return;
    done.add(link);
    return { forward: head, then: 'hold', held: seg.bytes.subarray(head.length) };
  };
}

/**
 * XORs the payload byte at `at(total)` with 0xff. `at` receives the payload
 * length of a `$<len>` transfer (null in EOF-mark mode, where it may only
 * point at bytes it knows exist).
 */
export function flipPayloadByte(at: (total: number | null) => number): Fault {
  return (seg) => {
    if (seg.kind !== 'payload') return;
    const pos = at(seg.total) - seg.offset;
    if (pos < 0 || pos >= seg.bytes.length) return;
    const copy = Buffer.from(seg.bytes);
    copy[pos] = copy[pos]! ^ 0xff;
    return { forward: copy };
  };
}

/**
 * XORs with 0xff the first byte of `text` where it occurs in the payload: a
 * marker written into a value (rdbcompression off) so that the RDB still
 * parses and only its checksum is wrong.
 */
export function flipPayloadText(text: string): Fault {
  const needle = Buffer.from(text, 'latin1');
  let done = false;
  return (seg) => {
    if (done || seg.kind !== 'payload') return;
    const at = seg.bytes.indexOf(needle);
    if (at === -1) return;
    done = true;
    const copy = Buffer.from(seg.bytes);
    copy[at] = copy[at]! ^ 0xff;
    return { forward: copy };
  };
}

/** Rewrites the `$<len>` header to announce `len + delta` bytes (a negative delta truncates what the replica loads). */
export function changeAnnouncedLength(delta: number): Fault {
  return (seg) => {
    if (seg.kind !== 'line' || !seg.header || seg.text.startsWith('$EOF:')) return;
    return { forward: Buffer.from(`$${Number(seg.text.slice(1)) + delta}\r\n`, 'latin1') };
  };
}

/** Corrupts the EOF mark at the end of an EOF-mark transfer (its last character). */
export function corruptEofMark(): Fault {
  let received = Buffer.alloc(0);
  let mark: Buffer | null = null;
  return (seg) => {
    if (seg.kind === 'line' && seg.text.startsWith('$EOF:')) {
      mark = Buffer.from(seg.text.slice(5, 5 + MARK_LEN), 'latin1');
      return;
    }
    if (seg.kind !== 'payload' || mark === null) return;
    // Hold back the last 39 bytes until we know whether the mark ends here.
    received = Buffer.concat([received, seg.bytes]);
    const at = received.indexOf(mark);
    if (at === -1) {
      const keep = Math.min(received.length, MARK_LEN - 1);
      const out = received.subarray(0, received.length - keep);
      received = received.subarray(received.length - keep);
      return { forward: Buffer.from(out) };
    }
    const out = Buffer.from(received.subarray(0, at + MARK_LEN));
    out[out.length - 1] = out[out.length - 1] === 0x30 ? 0x31 : 0x30;
    received = Buffer.alloc(0);
    return { forward: out };
  };
}

/**
 * Gives `fault` to the first `times` rdb channels a replica opens and to no
 * other link (arm it with always(): the role of a link is known only from
 * what the replica writes on it).
 */
export function onRdbChannel(fault: Fault, times = 1): Fault {
  return onLinks((link) => link.isRdbChannel, fault, times);
}

/** Gives `fault` to the first `times` main links (not rdb channels) and to no other link. */
export function onMainChannel(fault: Fault, times = 1): Fault {
  return onLinks((link) => !link.isRdbChannel, fault, times);
}

function onLinks(which: (link: ProxyLink) => boolean, fault: Fault, times: number): Fault {
  const chosen = new Set<number>();
  return (seg, link) => {
    if (!chosen.has(link.id)) {
      if (chosen.size >= times || !which(link)) return;
      chosen.add(link.id);
    }
    return fault(seg, link);
  };
}

/** Combines faults: each sees the segment in turn; the first that answers decides. */
export function firstOf(...faults: Fault[]): Fault {
  return (seg, link) => {
    for (const f of faults) {
      const v = f(seg, link);
      if (v) return v;
    }
    return undefined;
  };
}

// ---- Checks shared by the fault and timeout tests ----------------------------

/** How many sockets, servers and timers keep this process alive, by kind. */
export function resourceCounts(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of process.getActiveResourcesInfo()) counts.set(r, (counts.get(r) ?? 0) + 1);
  return counts;
}

const LEAKABLE = ['TCPSocketWrap', 'TCPServerWrap', 'Timeout', 'Immediate', 'ConnectWrap'];

/**
 * Waits until no more sockets, servers or timers are alive than in `before`
 * (closing a socket takes a turn of the event loop); throws with both
 * snapshots if that does not happen.
 */
export async function waitForNoLeak(before: Map<string, number>, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const now = resourceCounts();
    const extra = LEAKABLE.filter((k) => (now.get(k) ?? 0) > (before.get(k) ?? 0));
    if (extra.length === 0) return;
    if (Date.now() > deadline) {
      throw new Error(`handles left behind: ${extra.map((k) => `${k} ${before.get(k) ?? 0} -> ${now.get(k)}`).join(', ')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
