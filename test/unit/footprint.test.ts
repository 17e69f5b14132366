// dataset auto's choice and the load's heap guard, as pure functions of the evidence and the budget.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { keyspaceChildren } from '../../src/debug/keyspaceVariables';
import { infoKeyspace } from '../../src/keyspace/infoKeyspace';
import { Keyspace } from '../../src/keyspace/keyspace';
import { chooseFootprint, FIT_SHARE, GUARD_SHARE, HEAP_PER_REDIS_BYTE, heapGuardTripped, type FootprintEvidence, type MemoryBudget } from '../../src/engine/footprint';

const MB = 1024 * 1024;
const budget = (limitMb: number, usedMb: number): MemoryBudget => ({ limit: () => limitMb * MB, used: () => usedMb * MB });
const nothing: FootprintEvidence = { rdbUsedMem: null, masterUsedMemory: null, rdbSize: null };

describe('dataset footprint', () => {
  test('a configured footprint is taken as it is, whatever the memory', () => {
    assert.deepEqual(chooseFootprint('none', { ...nothing, rdbUsedMem: MB }, budget(4096, 10)), { footprint: 'none', reason: 'dataset none is configured' });
    assert.deepEqual(chooseFootprint('full', { ...nothing, rdbUsedMem: 100_000 * MB }, budget(40, 10)), { footprint: 'full', reason: 'dataset full is configured' });
  });

  test('auto keeps everything when the memory limit or the dataset size is unknown, and says which', () => {
    assert.match(chooseFootprint('auto', { ...nothing, rdbUsedMem: 100_000 * MB }, null).reason, /memory limit is not known/);
    const unknown = chooseFootprint('auto', nothing, budget(100, 10));
    assert.equal(unknown.footprint, 'full');
    assert.match(unknown.reason, /size of the master's dataset is not known .* the load's heap guard watches the 90 MB/);
  });

  test('auto is full exactly while the estimate fits the free heap\'s share, and names its evidence', () => {
    // 1000 MB limit, 200 MB used: 800 MB free, 600 MB of it usable: a dataset of 300 MB in redis-server fits, one more byte does not.
    const edge = (800 * FIT_SHARE * MB) / HEAP_PER_REDIS_BYTE;
    const fits = chooseFootprint('auto', { ...nothing, rdbUsedMem: edge }, budget(1000, 200));
    assert.equal(fits.footprint, 'full');
    assert.match(fits.reason, /^the master's dataset \(300 MB in redis-server, by the RDB's used-mem\) should take about 600 MB here, within the 800 MB this process may still use$/);
    const over = chooseFootprint('auto', { ...nothing, rdbUsedMem: edge + 1 }, budget(1000, 200));
    assert.equal(over.footprint, 'none');
    assert.match(over.reason, /more than 75% of the 800 MB this process may still use: no keys are kept, replication is unchanged$/);
  });

  test('the RDB\'s used-mem outranks the master\'s INFO memory, which outranks the payload size (a lower bound)', () => {
    const b = budget(10_000, 0);
    assert.match(chooseFootprint('auto', { rdbUsedMem: 10 * MB, masterUsedMemory: 20 * MB, rdbSize: 30 * MB }, b).reason, /\(10 MB in redis-server, by the RDB's used-mem\)/);
    assert.match(chooseFootprint('auto', { rdbUsedMem: null, masterUsedMemory: 20 * MB, rdbSize: 30 * MB }, b).reason, /\(20 MB in redis-server, by the master's INFO memory\)/);
    assert.match(chooseFootprint('auto', { rdbUsedMem: null, masterUsedMemory: null, rdbSize: 30 * MB }, b).reason, /\(30 MB in redis-server, by the RDB size, a lower bound\)/);
  });

  test('the guard trips past its share of the limit, never without a budget', () => {
    assert.equal(heapGuardTripped(null), false);
    assert.equal(heapGuardTripped(budget(100, 100 * GUARD_SHARE)), false);
    assert.equal(heapGuardTripped(budget(100, 100 * GUARD_SHARE + 1)), true);
  });
});

describe('a keyspace that keeps no values says so', () => {
  test('the Keyspace view shows one line with the footprint and why, and INFO keyspace the same instead of db lines', () => {
    const ks = new Keyspace(16);
    ks.footprint = 'none';
    ks.footprintReason = 'dataset none is configured';
    assert.deepEqual(keyspaceChildren(ks, []), [{ name: 'dataset', value: 'none: no keys kept (dataset none is configured)' }]);
    assert.equal(infoKeyspace(ks), '# Keyspace\r\nreplica_debugger_dataset:none (no keys kept: dataset none is configured)\r\n');
    const full = new Keyspace(16);
    full.db(0).set('k', { type: 'string', value: 'v' });
    assert.deepEqual(keyspaceChildren(full, []).map((n) => n.name), ['db0']);
  });
});
