// The Transfer scope: the rate from samples the engine takes as payload bytes
// arrive (on its clock, ending at the last read, so a stop does not drag it to
// 0), the ETA, and where the RDB load is, readable at any time, not only at
// the decoder's pause points.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { showBytes } from '../../src/debug/keyspaceVariables';
import { formatEta, formatRate, transferNodes } from '../../src/debug/transferView';
import type { VariableNode } from '../../src/debug/variables';
import type { StepPoint } from '../../src/engine/io';
import { initialReplicaInfo, type ReplicaInfo } from '../../src/engine/replicaInfo';
import { ReplState } from '../../src/engine/states';
import { TransferRate } from '../../src/engine/transferRate';
import type { TransferProgress } from '../../src/engine/transferProgress';
import { PausableClock } from '../../src/net/clock';
import { FakeClock, WHOLE_SECOND } from '../support/fakeMaster';
import { readRdbFixture } from '../support/rdbFixtures';
import { masterSends, transferringEngine } from '../support/syntheticMaster';

const T0 = WHOLE_SECOND;
const byName = (nodes: readonly VariableNode[]): Record<string, string> => Object.fromEntries(nodes.map((n) => [n.name, n.value]));

describe('the transfer rate', () => {
  test('bytes per second over the last 5 s of reads, ending at the last read', () => {
    const rate = new TransferRate();
    rate.reset(0);
    assert.equal(rate.rate(), null);
    for (let s = 1; s <= 10; s++) rate.sample(s * 1000, s * 1_000_000);
    assert.equal(rate.rate(), 1_000_000);
    // Twice as fast from 10 s on: after 5 s more, the window holds only the new speed.
    for (let s = 11; s <= 15; s++) rate.sample(s * 1000, 10_000_000 + (s - 10) * 2_000_000);
    assert.equal(rate.rate(), 2_000_000);
    assert.equal(rate.received, 20_000_000);
  });

  test('reads sparser than the window measure from the read before', () => {
    const rate = new TransferRate();
    rate.reset(0);
    rate.sample(20_000, 1000);
    assert.equal(rate.rate(), 50);
  });

  test('many reads in one clock instant (a held clock) have no rate of their own', () => {
    const rate = new TransferRate();
    rate.reset(5000);
    rate.sample(5000, 16384);
    rate.sample(5000, 32768);
    assert.equal(rate.rate(), null);
  });
});

describe('the ETA', () => {
  const info = (patch: Partial<ReplicaInfo>): ReplicaInfo => ({ ...initialReplicaInfo('a'.repeat(40)), repl_state: ReplState.TRANSFER, ...patch });
  const progress = (patch: Partial<TransferProgress>): TransferProgress => ({ active: true, received: 250, rate: 50, lastReadAt: 0, load: null, ...patch });

  test('what is left over the rate, when the size is known', () => {
    assert.equal(formatEta(info({ repl_transfer_size: 1000 }), progress({})), '15.0 s');
    assert.equal(formatEta(info({ repl_transfer_size: 1000 }), progress({ received: 1000 })), '0 s (all received)');
    assert.equal(formatEta(info({ repl_transfer_size: 1000 }), progress({ rate: null })), 'unknown (no rate yet)');
  });

  test('unknown for an $EOF: stream, and before the $ header', () => {
    assert.equal(formatEta(info({ repl_transfer_size: 0, repl_transfer_eofmark: 'x'.repeat(40) }), progress({})), 'unknown ($EOF: stream)');
    assert.equal(formatEta(info({ repl_transfer_size: -1 }), progress({})), 'unknown (the $ header is not read yet)');
    assert.equal(formatEta(info({ repl_state: ReplState.CONNECTED }), progress({ active: false })), 'n/a (no transfer in progress)');
  });

  test("a read that ends inside a key's name shows the key as not read yet", () => {
    const load = { source: 'socket' as const, position: { offset: 100, opcode: null, type: 'STRING', key: null, db: 0 }, keysLoaded: 3, finished: false, current: true };
    assert.equal(byName(transferNodes(info({ repl_transfer_size: 1000 }), progress({ load })))['rdb_key'], 'not read yet');
  });

  test('rates read in binary units after the exact figure', () => {
    assert.equal(formatRate(512), '512 B/s (512.0 B/s)');
    assert.equal(formatRate(3 * 1024 * 1024), '3145728 B/s (3.0 MiB/s)');
  });
});

describe('a diskless load stopped at a pause of the decoder', () => {
  const rdb = readRdbFixture('captured/redis-7.0.15_master-dump_m1.rdb');
  const FIRST = 6000;

  /** The header at T0, the first 6000 bytes one second later; stopped at the first pause inside a key record. */
  function stopInKey(): { clock: PausableClock; source: FakeClock; engine: ReturnType<typeof transferringEngine>; point: Extract<StepPoint, { kind: 'rdb-progress' }> } {
    const source = new FakeClock(T0 - 5000);
    const clock = new PausableClock(source);
    const engine = transferringEngine(clock, { config: { 'repl-diskless-load': 'swapdb' }, loadPauseBytes: 1024 });
    source.ms = T0;
    masterSends(engine, `$${rdb.length}\r\n`);
    source.ms = T0 + 1000;
    engine.receive({ type: 'data', link: engine.linkId!, bytes: rdb.subarray(0, FIRST) });
    for (;;) {
      const { point } = engine.step();
      assert.notEqual(point.kind, 'idle', 'no pause inside a key record');
      if (point.kind === 'rdb-progress' && point.position.key !== null) return { clock, source, engine, point };
    }
  }

  test('the engine holds the position the decoder paused at, and the rate of what has arrived', () => {
    const { engine, point } = stopInKey();
    const p = engine.transferProgress;
    assert.deepEqual(p.load!.position, point.position);
    assert.equal(p.load!.keysLoaded, point.keysLoaded);
    assert.equal(p.load!.current, true);
    assert.equal(p.received, FIRST);
    assert.equal(p.rate, FIRST);

    const v = byName(transferNodes(engine.info, p));
    assert.equal(v['repl_transfer_read'], '0', 'Redis counts no bytes read in a diskless load');
    assert.equal(v['received'], String(FIRST));
    assert.equal(v['percent'], `${((100 * FIRST) / rdb.length).toFixed(1)}%`);
    assert.equal(v['rate'], `${FIRST} B/s (5.9 KiB/s)`);
    assert.equal(v['eta'], `${((rdb.length - FIRST) / FIRST).toFixed(1)} s`);
    assert.equal(v['rdb_load'], 'from the socket (diskless), in progress');
    assert.equal(v['rdb_key'], `"${showBytes(point.position.key!)}"`);
    assert.equal(v['rdb_type'], point.position.type);
    assert.equal(v['rdb_db'], String(point.position.db));
    assert.equal(v['keys_loaded'], String(point.keysLoaded));
    assert.equal(v['bytes_decoded'], String(point.position.offset));
  });

  test('a stop changes neither: a freeze lets the clock run, a keepalive stop holds it', () => {
    const { clock, source, engine } = stopInKey();
    const before = engine.transferProgress;
    source.ms += 30_000;
    assert.deepEqual(engine.transferProgress, before, 'a freeze of 30 s');
    clock.hold();
    source.ms += 30_000;
    assert.deepEqual(engine.transferProgress, before, 'a keepalive stop of 30 s');
  });

  test('the position moves with each step, and stays readable after the load', () => {
    const { source, engine } = stopInKey();
    const first = engine.transferProgress.load!.position.offset;
    engine.step();
    assert.ok(engine.transferProgress.load!.position.offset > first);
    source.ms = T0 + 2000;
    masterSends(engine, rdb.subarray(FIRST));
    assert.equal(engine.info.repl_state, ReplState.CONNECTED);
    const p = engine.transferProgress;
    assert.equal(p.active, false);
    assert.equal(p.load!.finished, true);
    assert.equal(p.load!.current, false);
    assert.equal(p.load!.position.offset, rdb.length);
    // (6000 + the rest) over the two seconds since the header.
    assert.equal(p.rate, rdb.length / 2);
    assert.equal(byName(transferNodes(engine.info, p))['rdb_load'], 'from the socket (diskless), finished');
  });
});
