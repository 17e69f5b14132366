// The Keyspace view pages a sorted set by rank (the ordered index's walk from
// the page's first rank), for a packed small zset and a large one alike.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { keyspaceChildren } from '../../src/debug/keyspaceVariables';
import { applyWrite } from '../../src/keyspace/commands/registry';
import { Keyspace } from '../../src/keyspace/keyspace';

test('the Keyspace view pages a zset in rank order from the page start, small or large', () => {
  const ks = new Keyspace();
  const ctx = { ks, db: 0, now: Date.now() };
  const big = ['ZADD', 'big'];
  for (let i = 0; i < 1000; i++) big.push(String(999 - i), `m${i}`);
  applyWrite(ctx, big);
  applyWrite(ctx, ['ZADD', 'small', '2', 'b', '1', 'a', '-inf', 'low', '3', 'c']);
  assert.deepEqual(keyspaceChildren(ks, ['0', 'big'], 500, 3).map((n) => [n.name, n.value]), [['m499', '500'], ['m498', '501'], ['m497', '502']]);
  assert.deepEqual(keyspaceChildren(ks, ['0', 'big'], 998).map((n) => n.name), ['m1', 'm0']);
  assert.deepEqual(keyspaceChildren(ks, ['0', 'small'], 1, 2).map((n) => [n.name, n.value]), [['a', '1'], ['b', '2']]);
  assert.deepEqual(keyspaceChildren(ks, ['0', 'small'], 0, 0), []);
  assert.deepEqual(keyspaceChildren(ks, ['0', 'small'], 4), []);
});
