// Drives an RdbDecoder over a byte array split into pieces of chosen sizes,
// collecting its events, pauses and final status, for tests that compare
// chunkings and pause settings.
import { RdbDecoder, type RdbEvent, type RdbNext, type RdbPosition } from '../../src/rdb/decoder';
import type { RdbDecoderOptions } from '../../src/rdb/decoderEvents';
import type { DecodedKey } from '../../src/rdb/decodedValue';

export interface DecodeRun {
  events: RdbEvent[];
  pauses: RdbPosition[];
  /** done, error, or need-more when the bytes ran out first. */
  end: RdbNext;
  /** Stream offset before the next() that returned each event (index-aligned with events). */
  startOffsets: number[];
  bytesConsumed: number;
}

/** pieces(at) = size of the next write starting at byte `at`. */
export function decodeAll(bytes: Buffer, pieces: (at: number) => number = () => bytes.length || 1, opts?: RdbDecoderOptions): DecodeRun {
  const d = new RdbDecoder(opts);
  const run: DecodeRun = { events: [], pauses: [], end: { status: 'need-more' }, startOffsets: [], bytesConsumed: 0 };
  const drain = (): boolean => {
    for (;;) {
      const before = d.bytesConsumed;
      const r = d.next();
      if (r.status === 'event') {
        run.events.push(r.event);
        run.startOffsets.push(before);
      } else if (r.status === 'paused') {
        run.pauses.push(r.position);
      } else {
        run.end = r;
        // After done, keep writing: bytes past the end must surface as an error.
        return r.status !== 'error';
      }
    }
  };
  let going = true;
  for (let at = 0; at < bytes.length && going;) {
    const n = Math.max(1, Math.min(pieces(at), bytes.length - at));
    // A fresh copy per write, so nothing depends on the caller's buffer.
    d.write(Buffer.from(bytes.subarray(at, at + n)));
    at += n;
    going = drain();
  }
  if (bytes.length === 0) drain();
  run.bytesConsumed = d.bytesConsumed;
  return run;
}

export function keysOf(run: DecodeRun): DecodedKey[] {
  return run.events.flatMap((e) => (e.kind === 'key' ? [e.key] : []));
}

export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Mostly tiny pieces with some large ones, so boundaries land everywhere. */
export function randomPieces(seed: number): (at: number) => number {
  const rnd = seededRandom(seed);
  return () => (rnd() < 0.8 ? 1 + Math.floor(rnd() * 12) : 1 + Math.floor(rnd() * 20000));
}
