// The shared RDB fixture corpus (shared/fixtures/rdb, beside the repository) and
// its manifest. Tests run from out/test/…, locally and in a fresh CI clone, so
// the folder is found by walking up rather than by a fixed relative path.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface RdbFixture {
  path: string;
  magic: string;
  rdb_version: number;
  size: number;
  sha256: string;
  /** "ok", "BAD", "zero (disabled)", "none (v<5)", or "ok (…note…)". */
  crc: string;
  redis_ver: string | null;
  flags: string[];
}

function findFixtureDir(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'shared', 'fixtures', 'rdb');
    if (fs.existsSync(path.join(candidate, 'manifest.json'))) return candidate;
    if (path.dirname(dir) === dir) {
      throw new Error(`shared/fixtures/rdb not found in any parent of ${__dirname}`);
    }
  }
}

export const RDB_FIXTURE_DIR = findFixtureDir();

export const rdbFixtures: readonly RdbFixture[] = (
  JSON.parse(fs.readFileSync(path.join(RDB_FIXTURE_DIR, 'manifest.json'), 'utf8')) as { files: RdbFixture[] }
).files;

export function rdbFixture(relPath: string): RdbFixture {
  const f = rdbFixtures.find((x) => x.path === relPath);
  if (!f) throw new Error(`${relPath} is not in the fixture manifest`);
  return f;
}

/** The file's bytes, after checking they are still the ones the manifest describes. */
export function readRdbFixture(f: RdbFixture | string): Buffer {
  const entry = typeof f === 'string' ? rdbFixture(f) : f;
  const bytes = fs.readFileSync(path.join(RDB_FIXTURE_DIR, entry.path));
  const sha = createHash('sha256').update(bytes).digest('hex');
  if (sha !== entry.sha256) throw new Error(`${entry.path}: sha256 ${sha} differs from the manifest`);
  return bytes;
}
