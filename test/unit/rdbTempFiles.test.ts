// The temp RDB files of disk loads, as the shell keeps them on disk.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { EngineInput } from '../../src/engine/io';
import { RdbTempFiles } from '../../src/net/rdbTempFiles';

test('two replicas hosted in one process write their first sync\'s file in the same second without clashing', () => {
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
    a.discardAll();
    b.discardAll();
    assert.deepEqual(fs.readdirSync(dir), [], 'discarded files are removed');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
