// The payload's transfer rate, from samples the engine takes as payload bytes
// arrive, on its own clock. The rate is measured over the last seconds of
// reading, ending at the last read, not at "now": the engine's clock stands
// still during a keepalive stop, and nothing is read during a freeze, and
// neither should drag the rate a stopped replica shows towards 0.

/** How far back the rate looks from the last read. */
export const RATE_WINDOW_MS = 5000;
/** At most one sample per bucket (the latest), so a fast transfer still spans the window. */
const BUCKET_MS = 100;
const SLOTS = 64;

export class TransferRate {
  private readonly at = new Float64Array(SLOTS);
  private readonly bytes = new Float64Array(SLOTS);
  /** Samples written since the reset. */
  private count = 0;

  /** A new transfer: nothing received yet at `atMs`. */
  reset(atMs: number): void {
    this.count = 0;
    this.sample(atMs, 0);
  }

  /** `received`: payload bytes received so far, at `atMs` on the engine's clock. */
  sample(atMs: number, received: number): void {
    // The first sample is the starting point and is never replaced; later ones are, within a bucket.
    if (this.count > 1) {
      const last = (this.count - 1) % SLOTS;
      if (Math.floor(atMs / BUCKET_MS) === Math.floor(this.at[last]! / BUCKET_MS)) {
        this.at[last] = atMs;
        this.bytes[last] = received;
        return;
      }
    }
    const i = this.count++ % SLOTS;
    this.at[i] = atMs;
    this.bytes[i] = received;
  }

  /** Bytes per second over the window ending at the last sample; null until the samples span some time. */
  rate(): number | null {
    if (this.count < 2) return null;
    const last = (this.count - 1) % SLOTS;
    const lastAt = this.at[last]!;
    const held = Math.min(this.count, SLOTS);
    // The oldest sample inside the window; if only the last one is, the one before it (sparse reads).
    let from = (this.count - 2) % SLOTS;
    for (let k = 2; k <= held; k++) {
      const i = (this.count - k) % SLOTS;
      if (lastAt - this.at[i]! > RATE_WINDOW_MS) break;
      from = i;
    }
    const ms = lastAt - this.at[from]!;
    if (ms <= 0) return null;
    return ((this.bytes[last]! - this.bytes[from]!) * 1000) / ms;
  }

  /** Payload bytes received at the last sample. */
  get received(): number {
    return this.count === 0 ? 0 : this.bytes[(this.count - 1) % SLOTS]!;
  }

  /** Clock ms of the last sample (the last read), or null before any. */
  get lastAt(): number | null {
    return this.count === 0 ? null : this.at[(this.count - 1) % SLOTS]!;
  }
}
