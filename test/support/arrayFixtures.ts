// The Array fixtures captured from the live 2026-06 server by
// test/fixtures/captureArrays.ts, and their format. Byte strings are latin1
// strings (every byte one character); replies are in keyspaceReplay's Plain form.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Plain } from './keyspaceReplay';

export interface RecordedRead {
  db: number;
  argv: string[];
  reply: Plain;
}

/** A workload's replication stream, and the master's answers after it. */
export interface ArrayStreamFixture {
  server: string;
  seed: number;
  ops: number;
  keys: [number, string][];
  /** When the reads were made (the stream's expiry times are absolute): reads replay at this time. */
  capturedAt: number;
  /** Base64 of every stream byte after the RDB payload. */
  stream: string;
  reads: RecordedRead[];
  /** Write commands sent to a real replica of that master, and its answers. */
  replicaWrites: { argv: string[]; reply: Plain }[];
  digest: string;
  /** "db/key" → DEBUG DIGEST-VALUE. */
  valueDigests: Record<string, string>;
}

/** An RDB the master saved (arrays of every shape), and what it holds once loaded (after DEBUG RELOAD). */
export interface ArrayRdbFixture {
  server: string;
  rdbFile: string;
  keys: { db: number; key: string; what: string }[];
  reads: RecordedRead[];
  /** "db/key" → DEBUG DIGEST-VALUE, for the keys a digest can be taken of. */
  valueDigests: Record<string, string>;
  /** Keys whose length would make DEBUG DIGEST walk for hours. */
  tooLong: [number, string][];
  /** Those and the ones slow to digest (millions of positions), deleted before `digest` was taken. */
  leftOut: [number, string][];
  digest: string;
  /** "db/key" → base64 DUMP payload. */
  dumps: Record<string, string>;
}

/** INCREX commands run one after another on a fresh server: each answer, and the key after it. */
export interface IncrexFixture {
  server: string;
  /** Unix ms when the capture began (absolute expiries in the steps are relative to it). */
  capturedAt: number;
  /** Writes run first, on both sides. */
  setup: string[][];
  steps: { argv: string[]; reply: Plain; value: Plain; hasTtl: boolean }[];
}

/** Doubles as d2string prints them (ZSCORE's RESP2 reply): [IEEE-754 bits as hex, text]. */
export interface DoublesFixture {
  server: string;
  doubles: [string, string][];
}

export function arrayFixtureDir(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (path.basename(dir) !== 'out' && fs.existsSync(path.join(dir, 'package.json'))) return path.join(dir, 'test', 'fixtures', 'arrays');
    if (path.dirname(dir) === dir) throw new Error('package.json not found');
  }
}

export function readArrayFixture<T>(name: string): T {
  return JSON.parse(fs.readFileSync(path.join(arrayFixtureDir(), name), 'utf8')) as T;
}

export function readArrayFixtureBytes(name: string): Buffer {
  return fs.readFileSync(path.join(arrayFixtureDir(), name));
}
