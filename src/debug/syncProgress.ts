// A full sync as DAP progress (progressStart/Update/End): VS Code shows it as
// a notification with bytes and percent. One progress per replica in
// TRANSFER; updates ride on the session's throttled summary tick.
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { ReplicaInfo } from '../engine/replicaInfo';
import { type AnyState, ReplState } from '../engine/states';

type ProgressEvent = DebugProtocol.ProgressStartEvent | DebugProtocol.ProgressUpdateEvent | DebugProtocol.ProgressEndEvent;

const MB = 1024 * 1024;

function bytesText(info: Readonly<ReplicaInfo>): { message: string; percentage?: number } {
  const read = info.repl_transfer_read;
  const size = info.repl_transfer_size;
  if (size > 0) {
    const percentage = Math.min(100, (100 * read) / size);
    return { message: `${(read / MB).toFixed(1)} of ${(size / MB).toFixed(1)} MB (${percentage.toFixed(0)}%)`, percentage };
  }
  // Diskless ($EOF:) or the $ header not read yet: the size is unknown until the end.
  if (size === 0) return { message: `${(info.stat_net_repl_input_bytes / MB).toFixed(1)} MB received (diskless, size unknown)` };
  return { message: 'waiting for the RDB from the master' };
}

export class SyncProgress {
  /** threadId → progressId of a sync under way. */
  private readonly active = new Map<number, string>();
  private next = 1;

  constructor(private readonly send: (event: ProgressEvent) => void, private readonly enabled: () => boolean) {}

  /** After each transition: a replica entering TRANSFER starts a progress, one leaving it ends its own. */
  onTransition(threadId: number, name: string, from: AnyState, to: AnyState, info: Readonly<ReplicaInfo>): void {
    if (!this.enabled()) return;
    if (to === ReplState.TRANSFER && !this.active.has(threadId)) {
      const progressId = `full-sync-${threadId}-${this.next++}`;
      this.active.set(threadId, progressId);
      this.send(event('progressStart', { progressId, title: `Full sync: ${name.replace(/ \[[^\]]*\] (.*)$/, ' ($1)')}`, cancellable: false, ...bytesText(info) }));
    } else if (from === ReplState.TRANSFER && to !== ReplState.TRANSFER) {
      const progressId = this.active.get(threadId);
      if (!progressId) return;
      this.active.delete(threadId);
      this.send(event('progressEnd', { progressId, message: to === ReplState.CONNECTED ? 'synced' : 'transfer failed' }));
    }
  }

  /** On the throttled tick: bytes and percent of each sync under way. */
  update(infoOf: (threadId: number) => Readonly<ReplicaInfo> | undefined): void {
    for (const [threadId, progressId] of this.active) {
      const info = infoOf(threadId);
      if (info) this.send(event('progressUpdate', { progressId, ...bytesText(info) }));
    }
  }

  /** The session ends: no notification may outlive it. */
  endAll(): void {
    for (const progressId of this.active.values()) this.send(event('progressEnd', { progressId }));
    this.active.clear();
  }
}

function event<E extends ProgressEvent>(name: E['event'], body: E['body']): E {
  return { seq: 0, type: 'event', event: name, body } as E;
}
