// The temp RDB files of disk loads, as the shell keeps them on disk.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { EngineInput } from '../../src/engine/io';
import { RdbTempFiles } from '../../src/net/rdbTempFiles';

test('two replicas hosted in one process write their first sync\'s file in the same second without clashing', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rrd-temp-'));
  try {
    const errors: EngineInput[] = [];
    const a = new RdbTempFiles(dir, (i) => errors.push(i));
    const b = new RdbTempFiles(dir, (i) => errors.push(i));
    a.write(1, 1_700_000_000, Buffer.from('REDIS0010a'));
    b.write(1, 1_700_000_000, Buffer.from('REDIS0010b'));
    assert.deepEqual(errors, []);
    const files = fs.readdirSync(dir).sort();
    assert.equal(files.length, 2);
    for (const f of files) assert.match(f, new RegExp(`^temp-1700000000\\.${process.pid}\\.\\d+\\.1\\.rdb$`));
    await a.discardAll();
    await b.discardAll();
    assert.deepEqual(fs.readdirSync(dir), [], 'discarded files are removed');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('discarding a file being read back resolves once its reader has let go of the descriptor', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rrd-temp-'));
  try {
    const got: EngineInput[] = [];
    const files = new RdbTempFiles(dir, (i) => got.push(i));
    files.write(1, 1_700_000_000, Buffer.alloc(1 << 20, 7));
    files.load(1, 4096);
    await files.discardAll();
    assert.deepEqual(process.getActiveResourcesInfo().filter((r) => r === 'FSReqCallback'), []);
    assert.deepEqual(fs.readdirSync(dir), []);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
