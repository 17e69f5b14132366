// Every RDB in the shared corpus (shared/fixtures/rdb, or RDB_FIXTURES_DIR),
// decoded and held against the expected outputs its source project publishes
// (HDT3213 JSON, librdb JSON at data/struct/raw level), or against the precise
// error it deserves; files without expected output must decode completely with
// a valid CRC and the key counts and types the manifest gives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { crc64 } from '../../src/rdb/crc64';
import type { DecodedKey } from '../../src/rdb/decodedValue';
import type { RdbDecoderOptions } from '../../src/rdb/decoderEvents';
import { compareHdt } from '../support/hdtExpected';
import { compareLibrdb, type LibrdbCheck } from '../support/librdbExpected';
import { decodeAll, keysOf } from '../support/rdbDecode';

interface ExpectedOutput { path: string; format: string; note: string }
interface ManifestFile {
  path: string;
  rdb_version: number;
  sha256: string;
  crc: string;
  keys: number;
  types: Record<string, number>;
  expected: ExpectedOutput[];
  flags: string[];
}

/** Fully matched files: the count this decoder reaches today; it may only go up. */
const MIN_MATCHED = 67;

/**
 * Each file is read as the newest server of its line reads it: Redis 8.8
 * (RDB 14) for "REDIS" files, Valkey 9.0 (RDB 80) for "VALKEY" ones; the
 * magic then says whose type numbers the file uses.
 */
function readerFor(bytes: Buffer): RdbDecoderOptions {
  return bytes.toString('latin1', 0, 6) === 'VALKEY' ? { maxVersion: 80, product: 'valkey' } : { maxVersion: 14, product: 'redis' };
}

/** Files that must fail, with the exact error each deserves. */
const EXPECTED_FAILURES: Record<string, (file: Buffer) => string> = {
  'librdb/future_v19.rdb': () => "Can't handle RDB format version 99",
  'librdb/invalid_chksum_v8.rdb': (f) => {
    const computed = crc64(f.subarray(0, f.length - 8)).toString(16);
    return `Wrong RDB checksum expected: (${computed}) but got (${f.readBigUInt64LE(f.length - 8).toString(16)}). Aborting now.`;
  },
  'librdb/redis_ent_opcode_ram_lru.rdb': () => 'Unknown RDB encoding type 107',
  // The 40-byte diskless EOF mark captured after the checksum: the RDB itself is complete.
  'rdbtools/redis_40_with_module.rdb': (f) => `Unexpected data after the end of the RDB payload (from offset ${f.length - 40})`,
};

/** The manifest's type names, by RDB type byte. */
const MANIFEST_TYPE: Record<number, string> = {
  0: 'string', 1: 'list(linkedlist)', 2: 'set(hashtable)', 3: 'zset(v1 text scores)', 4: 'hash(hashtable)',
  5: 'zset2(binary scores)', 7: 'module2', 9: 'hash zipmap', 10: 'list ziplist', 11: 'set intset', 12: 'zset ziplist',
  13: 'hash ziplist', 14: 'list quicklist(ziplist)', 15: 'stream listpacks v1', 16: 'hash listpack', 17: 'zset listpack',
  18: 'list quicklist2(listpack)', 19: 'stream listpacks v2', 20: 'set listpack', 21: 'stream listpacks v3',
  22: 'hash+HFE (7.4rc / valkey hash2)', 23: 'hash listpack+HFE (7.4rc)', 24: 'hash+HFE (metadata)', 25: 'hash listpack+HFE',
};

const NOT_COMPARED_FORMATS: Record<string, string> = {
  'hdt-memory-csv': 'HDT memory report (sizes are HDT estimates; the JSON for the same file is compared)',
  'hdt-prefix-csv': 'HDT key-prefix size report (estimates, no values)',
  'aof-resp': 'rdb→AOF conversion (a rendering choice; the JSON for the same file is compared)',
  resp: "librdb's RESTORE/command stream for a target version (the JSON for the same file is compared)",
};

function locateCorpus(): { dir: string } | { missing: string } {
  const env = process.env.RDB_FIXTURES_DIR;
  if (env !== undefined && env !== '') {
    return fs.existsSync(path.join(env, 'manifest.json')) ? { dir: env } : { missing: `RDB_FIXTURES_DIR=${env} has no manifest.json` };
  }
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'shared', 'fixtures', 'rdb');
    if (fs.existsSync(path.join(candidate, 'manifest.json'))) return { dir: candidate };
    if (path.dirname(dir) === dir) return { missing: `no shared/fixtures/rdb above ${__dirname} and RDB_FIXTURES_DIR unset` };
  }
}

function librdbCheck(e: ExpectedOutput): LibrdbCheck {
  if (e.note.startsWith('keyspace expected')) return { level: 'keyspace' };
  if (e.note.startsWith('raw level, strings only')) return { level: 'raw', only: 'string' };
  if (e.note.startsWith('data level, lists only') || e.note.startsWith('lists only')) return { level: 'data', only: 'list' };
  if (e.note.startsWith('struct')) return { level: 'struct' };
  if (e.note.startsWith('raw')) return { level: 'raw' };
  return { level: 'data' };
}

/** HDT's key-regex option, when the expected file was produced with one. */
function hdtFilter(e: ExpectedOutput): RegExp | undefined {
  const m = /filtered by key regex (\S+)/.exec(e.note);
  return m ? new RegExp(m[1]) : undefined;
}

function typeCounts(keys: DecodedKey[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const k of keys) {
    const name = MANIFEST_TYPE[k.rdbType] ?? `type ${k.rdbType}`;
    counts[name] = (counts[name] ?? 0) + 1;
  }
  return counts;
}

function storedChecksum(f: ManifestFile, bytes: Buffer): bigint | null {
  if (f.rdb_version < 5) return null;
  const stored = bytes.readBigUInt64LE(bytes.length - 8);
  return stored === 0n ? null : stored;
}

type Result = 'matched' | 'failed-as-expected' | 'decoded' | 'UNEXPECTED';
interface Row { file: string; result: Result; detail: string }

function checkFile(dir: string, f: ManifestFile, now: number): Row {
  const bytes = fs.readFileSync(path.join(dir, f.path));
  const sha = createHash('sha256').update(bytes).digest('hex');
  if (sha !== f.sha256) return { file: f.path, result: 'UNEXPECTED', detail: `sha256 ${sha} differs from the manifest` };
  const run = decodeAll(bytes, undefined, readerFor(bytes));
  const keys = keysOf(run);
  const problems: string[] = [];
  const counts = typeCounts(keys);
  const expectFailure = EXPECTED_FAILURES[f.path];
  // The Valkey magic is a flag of the manifest, not a fault: a Valkey 9 reader takes it.
  const faults = f.flags.filter((x) => x !== 'Valkey magic');
  if (faults.length > 0 && expectFailure === undefined) problems.push(`flagged ${faults.join(', ')} but has no expected failure`);

  if (expectFailure !== undefined) {
    const want = expectFailure(bytes);
    if (run.end.status !== 'error') problems.push(`ended with ${run.end.status}, expected error "${want}"`);
    else if (run.end.error !== want) problems.push(`error "${run.end.error}", expected "${want}"`);
  } else {
    if (run.end.status !== 'done') problems.push(`ended with ${run.end.status}: ${run.end.status === 'error' ? run.end.error : ''}`);
    const eof = run.events.at(-1);
    if (eof?.kind !== 'eof') problems.push('no eof event');
    else if (eof.checksum !== storedChecksum(f, bytes)) problems.push(`eof checksum ${eof.checksum}`);
  }
  // Files that fail before their keys have none to count; the rest must show the manifest's keys.
  const failsEarly = expectFailure !== undefined && f.path !== 'rdbtools/redis_40_with_module.rdb' && f.path !== 'librdb/invalid_chksum_v8.rdb';
  if (!failsEarly) {
    if (keys.length !== f.keys) problems.push(`${keys.length} keys decoded, manifest says ${f.keys}`);
    if (JSON.stringify(Object.entries(counts).sort()) !== JSON.stringify(Object.entries(f.types).sort())) {
      problems.push(`types ${JSON.stringify(counts)}, manifest says ${JSON.stringify(f.types)}`);
    }
  }

  const compared: string[] = [];
  const skipped: string[] = [];
  for (const e of f.expected) {
    if (expectFailure !== undefined) {
      skipped.push(`${path.basename(e.path)}: the file must be refused, so its decoded records are not compared`);
    } else if (e.format === 'hdt-json') {
      const c = compareHdt(run, JSON.parse(fs.readFileSync(path.join(dir, e.path), 'utf8')) as Record<string, unknown>[], hdtFilter(e));
      problems.push(...c.problems.map((p) => `${e.path}: ${p}`));
      compared.push(`${path.basename(e.path)} (${c.compared} keys)`);
    } else if (e.format === 'librdb-json') {
      const check = librdbCheck(e);
      const c = compareLibrdb(run, bytes, fs.readFileSync(path.join(dir, e.path), 'utf8'), check, now);
      problems.push(...c.problems.map((p) => `${e.path}: ${p}`));
      compared.push(`${path.basename(e.path)} (${check.level}${check.only ? `, ${check.only} only` : ''}, ${c.compared} keys)`);
    } else {
      skipped.push(`${path.basename(e.path)}: ${NOT_COMPARED_FORMATS[e.format] ?? `format ${e.format}`}`);
    }
  }
  if (f.path === 'rdbtools/redis_40_with_module.rdb') {
    // rdb-tools' test: key foo is a module value of type "ReJSON-RL".
    const foo = keys.find((k) => k.key.toString() === 'foo');
    if (foo?.value.type !== 'module' || foo.value.moduleName !== 'ReJSON-RL') problems.push('foo is not a ReJSON-RL module value');
  }
  if (f.path === 'rdbtools/redis_50_with_streams.rdb') {
    // rdb-tools' test: mystream has 4 entries.
    const s = keys.find((k) => k.key.toString() === 'mystream');
    if (s?.value.type !== 'stream' || s.value.entries.length !== 4) problems.push('mystream does not hold 4 entries');
  }

  if (problems.length > 0) return { file: f.path, result: 'UNEXPECTED', detail: problems.join('; ') };
  if (expectFailure !== undefined) {
    const error = run.end.status === 'error' ? run.end.error : '';
    return { file: f.path, result: 'failed-as-expected', detail: [error, ...skipped.map((s) => `not compared: ${s}`)].join(' | ') };
  }
  const notes = [
    ...(compared.length > 0 ? [`compared ${compared.join(', ')}`] : [`no JSON output; ${keys.length} keys, types and CRC as the manifest says`]),
    ...(skipped.length > 0 ? [`not compared: ${skipped.join('; ')}`] : []),
  ];
  return { file: f.path, result: compared.length > 0 ? 'matched' : 'decoded', detail: notes.join(' | ') };
}

test('every RDB in the corpus matches its published expected output or fails with the error it deserves', async (t) => {
  const corpus = locateCorpus();
  if ('missing' in corpus) {
    t.skip(`RDB corpus not found (${corpus.missing}): all of its files (98 per its INDEX.md) skipped, none decoded`);
    return;
  }
  const files = (JSON.parse(fs.readFileSync(path.join(corpus.dir, 'manifest.json'), 'utf8')) as { files: ManifestFile[] }).files;
  const present = files.filter((f) => fs.existsSync(path.join(corpus.dir, f.path)));
  const now = Date.now();
  const rows = present.map((f) => checkFile(corpus.dir, f, now));

  const width = Math.max(...rows.map((r) => r.file.length));
  for (const r of rows) t.diagnostic(`${r.result.padEnd(18)} ${r.file.padEnd(width)}  ${r.detail}`);
  const count = (res: Result): number => rows.filter((r) => r.result === res).length;
  t.diagnostic(
    `${rows.length} files: ${count('matched')} matched their expected output, ${count('failed-as-expected')} failed as expected, ` +
    `${count('decoded')} without JSON output decoded with manifest counts and CRC, ${count('UNEXPECTED')} unexpected`,
  );
  if (present.length < files.length) {
    const missing = files.length - present.length;
    await t.test(`${missing} manifest files missing`, (st) => {
      st.skip(`${missing} of ${files.length} manifest files are missing from ${corpus.dir} and were skipped`);
    });
  }

  const unexpected = rows.filter((r) => r.result === 'UNEXPECTED');
  assert.deepEqual(unexpected.map((r) => `${r.file}: ${r.detail}`), []);
  assert.ok(count('matched') >= MIN_MATCHED, `${count('matched')} files matched, at least ${MIN_MATCHED} expected`);
  for (const path of Object.keys(EXPECTED_FAILURES)) {
    assert.ok(rows.some((r) => r.file === path && r.result === 'failed-as-expected'), `${path} must fail as expected`);
  }
});
