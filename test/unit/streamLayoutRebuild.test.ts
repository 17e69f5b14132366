// The node layout (streamLayout.ts: what XINFO STREAM's radix-tree figures and
// `~` trims are computed from) of a stream that was loaded or copied is
// rebuilt from its entries the first time it is needed. That rebuild must give
// the layout XADD builds entry by entry, whichever path it takes: numbers for
// IDs below 2^53, the generic path otherwise.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyWrite } from '../../src/keyspace/commands/registry';
import { cloneStream } from '../../src/keyspace/commands/streamOps';
import { layoutKnown, layoutOf } from '../../src/keyspace/commands/streamLayout';
import { Keyspace } from '../../src/keyspace/keyspace';
import { valueFromDecoded } from '../../src/keyspace/load';
import { DEFAULT_DIALECT } from '../../src/versions/profiles';
import type { StreamValue } from '../../src/keyspace/values';

function rng(seed: number): (n: number) => number {
  let x = seed >>> 0;
  return (n) => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return (x >>> 8) % n;
  };
}

/** XADDs with explicit IDs from `startMs`: field sets that repeat or change, values short, numeric or long (nodes close on bytes and on entries). */
function built(startMs: bigint, seed: number): StreamValue {
  const ks = new Keyspace();
  const rand = rng(seed);
  let ms = startMs;
  let seq = 0n;
  for (let i = 0; i < 3000; i++) {
    if (rand(3) === 0) {
      ms += BigInt(1 + rand(1000));
      seq = BigInt(rand(2));
    } else seq += BigInt(1 + rand(5));
    const fields: string[] = [];
    const n = rand(4) === 0 ? 1 + rand(3) : 2;
    for (let f = 0; f < n; f++) {
      const kind = rand(4);
      const value = kind === 0 ? String(rand(100_000) - 50_000) : kind === 1 ? 'x'.repeat(1 + rand(700)) : `v${rand(100)}`;
      fields.push(rand(6) === 0 ? `other${f}` : `field${f}`, value);
    }
    const r = applyWrite({ ks, db: 0, now: 0 }, ['XADD', 's', `${ms}-${seq}`, ...fields]);
    assert.deepEqual(r, { kind: 'ok' });
  }
  const v = ks.db(0).get('s');
  assert.ok(v?.type === 'stream');
  return v.stream;
}

for (const [name, start] of [['IDs as exact numbers', 1_700_000_000_000n], ['IDs of 2^53 and more', 2n ** 60n]] as const) {
  test(`a copied stream's rebuilt node layout equals the one XADD built entry by entry (${name})`, () => {
    for (const seed of [1, 2, 3]) {
      const original = built(start, seed);
      const incremental = layoutOf(original);
      const rebuilt = layoutOf(cloneStream(original));
      assert.ok(incremental.nodes.length > 30, 'the workload spans many nodes');
      assert.deepEqual(rebuilt.nodes, incremental.nodes);
    }
  });
}

test('a stream loaded from an RDB has its node layout from the load, equal to the one XADD built', () => {
  const original = built(1_700_000_000_000n, 4);
  const entries = [...original.entries].map((e) => ({ id: { ms: e.id.ms, seq: e.id.seq }, fields: e.fields }));
  const loaded = valueFromDecoded({
    type: 'stream', entries, length: BigInt(entries.length), lastId: original.lastId, firstId: original.firstId,
    maxDeletedId: original.maxDeletedId, entriesAdded: BigInt(original.entriesAdded), groups: [], idmp: null,
  }, DEFAULT_DIALECT);
  assert.ok(loaded?.type === 'stream');
  assert.ok(layoutKnown(loaded.stream), 'made by the load, not by the first write after it');
  assert.deepEqual(layoutOf(loaded.stream).nodes, layoutOf(original).nodes);
});
