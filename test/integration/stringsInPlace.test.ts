// Strings and bitmaps written in place (APPEND, SETRANGE, SETBIT, BITFIELD,
// PFADD) on values of about a megabyte and on sparse and dense HyperLogLogs, replicated from a live master: a
// random workload applied from the stream leaves the dataset whose DEBUG DIGEST
// is the master's, with each key's digest, encoding, TTL and the bit and range
// reads the real replica answers.
import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { runRead } from '../../src/keyspace/commands/registry';
import { normalizeReply, normalizeValue, rng } from '../support/keyspaceHarness';
import { startTrio } from '../support/liveTrio';
import { liveServer } from '../support/servers';

const MB = 1024 * 1024;
const KEYS = ['big', 'grown', 'bits', 'ttl', 'small'];

function workload(seed: number, n: number): string[][] {
  const r = rng(seed);
  const int = (max: number): number => Math.floor(r() * max);
  const key = (): string => KEYS[int(KEYS.length)]!;
  const text = (len: number): string => Array.from({ length: len }, () => String.fromCharCode(97 + int(26))).join('');
  const cmds: string[][] = [];
  for (let i = 0; i < n; i++) {
    const k = key();
    switch (int(7)) {
      case 0: cmds.push(['SETRANGE', k, String(int(MB + 4096)), text(1 + int(20))]); break;
      case 1: cmds.push(['SETBIT', k, String(int((MB + 1024) * 8)), String(int(2))]); break;
      case 2: cmds.push(['APPEND', k, text(1 + int(40))]); break;
      case 3: cmds.push(['BITFIELD', k, 'SET', 'u8', `#${int(MB)}`, String(int(256)), 'INCRBY', 'i16', String(int(MB * 8)), String(int(2000) - 1000)]); break;
      case 4: cmds.push(['PFADD', `hll${int(4)}`, text(6), text(6)]); break;
      // A read the master does not replicate; PFCOUNT that refreshed the cached count it replicates.
      case 5: cmds.push(int(2) ? ['GETRANGE', k, '0', '3'] : ['PFCOUNT', `hll${int(4)}`]); break;
      default: cmds.push(['SETRANGE', k, String(int(64)), text(1 + int(8))]); break;
    }
  }
  return cmds;
}

for (const name of ['debian', 'redis-unstable-2026-06']) {
  describe(`in-place string writes on ${name}`, () => {
    test('a random APPEND/SETRANGE/SETBIT/BITFIELD/PFADD workload on 1 MB values leaves the master\'s digest, encodings, TTLs and reads', async () => {
      const trio = await startTrio(liveServer(name));
      const { m, ks, applier, drain } = trio;
      try {
        await trio.write(
          ['SET', 'big', 'x'.repeat(MB)], ['SETRANGE', 'grown', String(MB - 1), 'y'], ['SETBIT', 'bits', String(MB * 8 - 1), '1'],
          ['SET', 'ttl', 'z'.repeat(MB)], ['PEXPIRE', 'ttl', '3600000'], ['SET', 'small', '12'],
          // hll3 dense from the start (past hll-sparse-max-bytes): PFADD then sets its registers in place.
          ['PFADD', 'hll3', ...Array.from({ length: 3000 }, (_, i) => `e${i}`)],
        );
        for (let batch = 0; batch < 6; batch++) await m.pipeline(workload(batch + 1, 400));
        await drain();
        await m.call('WAIT', '1', '5000');
        assert.deepEqual(applier.applied.filter((a) => a.outcome.kind !== 'ok'), []);
        assert.ok(applier.applied.length > 1800, `${applier.applied.length} writes applied`);
        const ctx = () => ({ ks, db: 0, now: Date.now() });
        const mine = (argv: string[]): unknown => normalizeValue(runRead(ctx(), argv));
        assert.deepEqual(mine(['DEBUG', 'DIGEST']), normalizeReply(await m.send('DEBUG', 'DIGEST')));
        for (const k of [...KEYS, 'hll0', 'hll1', 'hll2', 'hll3']) {
          for (const argv of [
            ['DEBUG', 'DIGEST-VALUE', k], ['OBJECT', 'ENCODING', k], ['STRLEN', k], ['GETRANGE', k, String(MB - 8), String(MB + 8)],
            ['GETBIT', k, String(MB * 8 - 1)], ['BITCOUNT', k], ['BITPOS', k, '1', '1000'], ['BITFIELD_RO', k, 'GET', 'u32', '8000000'],
          ]) {
            const [theirs, ours] = await trio.both(argv);
            assert.deepEqual(ours, theirs, `${argv.join(' ')}`);
          }
          const ttl = await trio.both(['PEXPIRETIME', k]);
          assert.deepEqual(ttl[1], ttl[0], `PEXPIRETIME ${k}`);
        }
        assert.equal(ks.db(0).expires, 1);
      } finally {
        await trio.stop();
      }
    });
  });
}
