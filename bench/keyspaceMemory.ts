// Bytes per key of a loaded dataset: an RDB (e.g. a DEBUG POPULATE dump) decoded
// and loaded in process, then the heap after a full GC, less the heap before,
// divided by the keys; with RSS and peak RSS (VmHWM) of the whole process.
//   node --expose-gc out/bench/keyspaceMemory.js /tmp/pop1m.rdb
import * as fs from 'node:fs';
import { Keyspace } from '../src/keyspace/keyspace';
import { loadDecodedKey } from '../src/keyspace/load';
import { RdbDecoder } from '../src/rdb/decoder';

const file = process.argv[2] ?? '/tmp/pop1m.rdb';
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');

function vmHwmMb(): number {
  const status = fs.readFileSync('/proc/self/status', 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
}

function load(ks: Keyspace): number {
  const fd = fs.openSync(file, 'r');
  const decoder = new RdbDecoder({ skipChecksum: true });
  let keys = 0;
  for (;;) {
    const buf = Buffer.allocUnsafeSlow(16 * 1024);
    const n = fs.readSync(fd, buf, 0, buf.length, null);
    if (n === 0) break;
    decoder.write(n === buf.length ? buf : buf.subarray(0, n));
    for (;;) {
      const r = decoder.next();
      if (r.status === 'event') {
        if (r.event.kind === 'key') {
          keys++;
          loadDecodedKey(ks, r.event.key);
        }
        continue;
      }
      if (r.status === 'error') throw new Error(r.error);
      break;
    }
  }
  fs.closeSync(fd);
  return keys;
}

gc();
const before = process.memoryUsage().heapUsed;
const ks = new Keyspace();
const keys = load(ks);
gc();
const after = process.memoryUsage();
const mb = (n: number): string => (n / 1024 / 1024).toFixed(0);
process.stdout.write(
  `${keys} keys: ${((after.heapUsed - before) / keys).toFixed(1)} bytes/key on the heap, ` +
  `heap ${mb(after.heapUsed)} MB, RSS ${mb(after.rss)} MB, peak ${vmHwmMb().toFixed(0)} MB\n`,
);
// Keeps the dataset alive until the figures above are taken.
if (ks.keyCount() !== keys) process.stdout.write('key count differs\n');
