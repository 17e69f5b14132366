// Clocks for the engine. The engine only ever reads its injected clock; what a
// debugger stop does to time is decided here, not in the engine.
import { randomBytes } from 'node:crypto';
import type { Clock } from '../engine/core';

export const wallClock: Clock = { now: () => Date.now() };

/**
 * A clock that can leave out stopped time (pauseMode keepalive): while it is
 * held, it stands still; after release it runs on from where it stood.
 */
export class PausableClock implements Clock {
  private offset = 0;
  private heldAt: number | null = null;

  constructor(private readonly source: Clock = wallClock) {}

  now(): number {
    return (this.heldAt ?? this.source.now()) - this.offset;
  }

  hold(): void {
    this.heldAt ??= this.source.now();
  }

  release(): void {
    if (this.heldAt === null) return;
    this.offset += this.source.now() - this.heldAt;
    this.heldAt = null;
  }

  get held(): boolean {
    return this.heldAt !== null;
  }
}

/** changeReplicationId(): 40 random hex characters. */
export function randomReplid(): string {
  return randomBytes(20).toString('hex');
}
