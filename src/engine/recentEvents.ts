// The replica's recent events, for the debugger's "Recent events": a bounded
// ring of transitions, the handshake's wire messages, applied stream commands,
// REPLCONF ACKs sent and cron timeouts, each with its clock time and
// replication offset. The stream applies hundreds of thousands of commands a
// second through record(): it writes a few fields into a slot allocated once
// and keeps references (the command's step point, the transition record);
// turning them into text is the views' job, when they ask.
import type { StepPoint, TransitionRecord } from './io';
import type { ReplState } from './states';

export type CommandPoint = Extract<StepPoint, { kind: 'command' }>;

/** Which timeout fired: one of replicationCron()'s, or a diskless load's socket receive timeout. */
export type RecentTimeoutId = 'connect' | 'transfer' | 'master' | 'diskless-load';

export type RecentEventBody =
  | { kind: 'transition'; transition: TransitionRecord }
  | { kind: 'timeout'; timeout: RecentTimeoutId; message: string; callPath: readonly string[] }
  /** Written to the master during the handshake; AUTH's password was replaced before it got here. */
  | { kind: 'sent'; words: readonly string[] }
  /** A reply or header line read from the master (`+FULLRESYNC …`, `$1234`, `-ERR …`; '' is a newline keepalive). */
  | { kind: 'received'; line: string; state: ReplState; callPath: readonly string[] }
  | { kind: 'command'; command: CommandPoint }
  | { kind: 'ack'; reploff: number; callPath: readonly string[] };

export type RecentEvent = RecentEventBody & {
  /** The transition this event follows (its seq; 0 before the first). */
  afterTransition: number;
  /** 0 for the transition itself, then 1, 2, 3… for what followed it. */
  index: number;
  /** Clock ms. A command's is the clock's last reading: its apply, or the read that brought it. */
  at: number;
  /** master_repl_offset when it happened (a command's: before it ran). */
  offset: number;
};

type Kind = RecentEventBody['kind'];

/** One event, in a slot written in place: the same shape for every kind, so recording allocates nothing. */
class Slot {
  kind: Kind = 'transition';
  afterTransition = 0;
  index = 0;
  at = 0;
  offset = 0;
  /** ack: reploff; received: the state. */
  n = 0;
  /** transition: the record; command: the step point; sent: the words; received: the line; timeout: its body. */
  ref: unknown = null;
  callPath: readonly string[] | null = null;
}

export const RECENT_EVENTS = 64;

export class RecentEvents {
  private readonly slots: Slot[];
  private written = 0;
  private transitionSeq = 0;
  private index = 0;

  constructor(readonly capacity = RECENT_EVENTS) {
    this.slots = Array.from({ length: capacity }, () => new Slot());
  }

  private slot(kind: Kind, at: number, offset: number): Slot {
    const s = this.slots[this.written++ % this.capacity]!;
    s.kind = kind;
    s.afterTransition = this.transitionSeq;
    s.index = ++this.index;
    s.at = at;
    s.offset = offset;
    return s;
  }

  transition(t: TransitionRecord, offset: number): void {
    this.transitionSeq = t.seq;
    this.index = -1;
    this.slot('transition', t.at, offset).ref = t;
  }

  command(point: CommandPoint, at: number): void {
    this.slot('command', at, point.offsetBefore).ref = point;
  }

  sent(words: readonly string[], at: number, offset: number): void {
    this.slot('sent', at, offset).ref = words;
  }

  received(line: string, state: ReplState, callPath: readonly string[], at: number, offset: number): void {
    const s = this.slot('received', at, offset);
    s.ref = line;
    s.n = state;
    s.callPath = callPath;
  }

  ack(reploff: number, callPath: readonly string[], at: number, offset: number): void {
    const s = this.slot('ack', at, offset);
    s.n = reploff;
    s.callPath = callPath;
  }

  timeout(timeout: RecentTimeoutId, message: string, callPath: readonly string[], at: number, offset: number): void {
    this.slot('timeout', at, offset).ref = { timeout, message, callPath };
  }

  /** Every event held, newest first. */
  list(): RecentEvent[] {
    const out: RecentEvent[] = [];
    const held = Math.min(this.written, this.capacity);
    for (let i = 1; i <= held; i++) out.push(view(this.slots[(this.written - i) % this.capacity]!));
    return out;
  }
}

function view(s: Slot): RecentEvent {
  const head = { afterTransition: s.afterTransition, index: s.index, at: s.at, offset: s.offset };
  switch (s.kind) {
    case 'transition': return { ...head, kind: 'transition', transition: s.ref as TransitionRecord };
    case 'command': return { ...head, kind: 'command', command: s.ref as CommandPoint };
    case 'sent': return { ...head, kind: 'sent', words: s.ref as readonly string[] };
    case 'received': return { ...head, kind: 'received', line: s.ref as string, state: s.n as ReplState, callPath: s.callPath ?? [] };
    case 'ack': return { ...head, kind: 'ack', reploff: s.n, callPath: s.callPath ?? [] };
    case 'timeout': {
      const t = s.ref as { timeout: RecentTimeoutId; message: string; callPath: readonly string[] };
      return { ...head, kind: 'timeout', ...t };
    }
  }
}

/**
 * A command as Recent events keeps it: AUTH's password (its last argument) is
 * replaced here, before it is stored, so no view can ever show it.
 */
export function redactedWords(args: readonly (string | number)[]): string[] {
  const words = args.map(String);
  if (words.length >= 2 && words[0]!.toUpperCase() === 'AUTH') words[words.length - 1] = '<redacted>';
  return words;
}
