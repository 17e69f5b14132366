// In-process RDB load, the engine's disk-load path without the network: the
// file read in 16 KB chunks (as the shell's read stream delivers it; CHUNK=<bytes>
// to change), decoded, and each key loaded into a Keyspace. Prints wall time,
// GC time, RSS and peak RSS.
//   node out/bench/loadRdb.js /tmp/prof.rdb [--decode-only] [--skip-crc] [--rounds N]
// --skip-crc decodes as a disk load does (the CRC was verified on receipt).
// Each round runs in this process after the previous one's dataset is dropped;
// run separate processes for peak RSS (VmHWM covers the whole process).
import * as fs from 'node:fs';
import { PerformanceObserver } from 'node:perf_hooks';
import { Keyspace } from '../src/keyspace/keyspace';
import { loadDecodedKey } from '../src/keyspace/load';
import { RdbDecoder } from '../src/rdb/decoder';

const CHUNK = Number(process.env.CHUNK ?? 16 * 1024);
const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith('--')) ?? '/tmp/prof.rdb';
const decodeOnly = args.includes('--decode-only');
const skipCrc = args.includes('--skip-crc');
const roundsAt = args.indexOf('--rounds');
const rounds = roundsAt >= 0 ? Number(args[roundsAt + 1]) : 1;

let gcMs = 0;
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcMs += e.duration;
}).observe({ entryTypes: ['gc'] });

function vmHwmMb(): number {
  const status = fs.readFileSync('/proc/self/status', 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
}

function once(): { seconds: number; keys: number; ks: Keyspace | null } {
  const fd = fs.openSync(file, 'r');
  const ks = decodeOnly ? null : new Keyspace();
  const decoder = new RdbDecoder(skipCrc ? { skipChecksum: true } : {});
  let keys = 0;
  const t0 = process.hrtime.bigint();
  for (;;) {
    // A fresh buffer per chunk, as fs.ReadStream allocates one per read.
    const buf = Buffer.allocUnsafeSlow(CHUNK);
    const n = fs.readSync(fd, buf, 0, CHUNK, null);
    if (n === 0) break;
    decoder.write(n === CHUNK ? buf : buf.subarray(0, n));
    for (;;) {
      const r = decoder.next();
      if (r.status === 'event') {
        if (r.event.kind === 'key') {
          keys++;
          if (ks !== null) loadDecodedKey(ks, r.event.key);
        }
        continue;
      }
      if (r.status === 'error') throw new Error(r.error);
      break;
    }
  }
  fs.closeSync(fd);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return { seconds, keys, ks };
}

async function main(): Promise<void> {
let keep: Keyspace | null = null;
for (let i = 0; i < rounds; i++) {
  keep = null;
  gcMs = 0;
  const r = once();
  keep = r.ks;
  // GC entries are delivered asynchronously: let them arrive before reading the total.
  await new Promise((resolve) => setTimeout(resolve, 50));
  const rssMb = process.memoryUsage().rss / 1024 / 1024;
  process.stdout.write(
    `${decodeOnly ? 'decode' : 'decode+load'}${skipCrc ? ' (no CRC)' : ''}: ${r.keys} keys in ${r.seconds.toFixed(3)} s, ` +
    `GC ${(gcMs / 1000).toFixed(3)} s, RSS ${rssMb.toFixed(0)} MB, peak ${vmHwmMb().toFixed(0)} MB\n`,
  );
}
// Keeps the dataset alive until the figures above are taken.
if (keep !== null && keep.keyCount() < 0) process.stdout.write('unreachable\n');
}

void main();
