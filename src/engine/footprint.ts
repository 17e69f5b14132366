// How much of the dataset a full sync keeps (config `dataset`): `auto` picks
// before the first key is stored, from what the master will send and the heap
// this process may still use; the guard (heapGuard.ts) switches a replica that
// keeps every value down to none before the heap runs out. The choice never
// changes replication itself: only what the keyspace stores.
import type { DatasetChoice } from '../config/replicaConfig';
import type { Footprint } from '../keyspace/keyspace';

/**
 * The heap this process may use, as the shell reads it (v8's heap statistics):
 * a reading like the clock's, so the engine stays sans-IO.
 */
export interface MemoryBudget {
  /** Bytes the data may take before the process runs out of memory (the shell: V8's old generation). */
  limit(): number;
  /** Bytes of it in use now. */
  used(): number;
}

/**
 * The engine's heap per byte of redis-server's used_memory for the same data,
 * rounded up: `npm run bench` measured 1.35× (10M × 64 B, 1M mixed types) to
 * 1.9× (1M strings of 16 B, where Node's fixed costs weigh most).
 */
export const HEAP_PER_REDIS_BYTE = 2;
/** `full` only when its estimate leaves this share of the free heap unused: room for the stream, the views, GC. */
export const FIT_SHARE = 0.75;
/** The guard's threshold: past this share of the limit, the values kept are not going to fit. */
export const GUARD_SHARE = 0.85;

export interface FootprintEvidence {
  /** The RDB's `used-mem` aux field: the master's used_memory when it made the RDB. */
  rdbUsedMem: number | null;
  /** The master's INFO memory (used_memory_dataset, else used_memory), when it was asked. */
  masterUsedMemory: number | null;
  /** The payload's announced size (`$<len>`, or the temp file's), when known. */
  rdbSize: number | null;
}

export interface FootprintChoice {
  footprint: Footprint;
  reason: string;
}

const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

/** What the master's dataset costs redis-server, by the best evidence there is, and where that comes from. */
function redisBytes(e: FootprintEvidence): { bytes: number; source: string } | null {
  if (e.rdbUsedMem !== null && e.rdbUsedMem > 0) return { bytes: e.rdbUsedMem, source: "the RDB's used-mem" };
  if (e.masterUsedMemory !== null && e.masterUsedMemory > 0) return { bytes: e.masterUsedMemory, source: "the master's INFO memory" };
  // An RDB is compressed: the dataset in memory is at least as large.
  if (e.rdbSize !== null && e.rdbSize > 0) return { bytes: e.rdbSize, source: 'the RDB size, a lower bound' };
  return null;
}

export function chooseFootprint(choice: DatasetChoice, evidence: FootprintEvidence, budget: MemoryBudget | null): FootprintChoice {
  if (choice !== 'auto') return { footprint: choice, reason: `dataset ${choice} is configured` };
  if (budget === null) return { footprint: 'full', reason: "this process's memory limit is not known: auto keeps every value" };
  const free = Math.max(0, budget.limit() - budget.used());
  const redis = redisBytes(evidence);
  if (redis === null) {
    return { footprint: 'full', reason: `the size of the master's dataset is not known (no used-mem in the RDB, no INFO memory); the load's heap guard watches the ${mb(free)} this process may still use` };
  }
  const needed = redis.bytes * HEAP_PER_REDIS_BYTE;
  const what = `the master's dataset (${mb(redis.bytes)} in redis-server, by ${redis.source}) should take about ${mb(needed)} here`;
  if (needed <= free * FIT_SHARE) return { footprint: 'full', reason: `${what}, within the ${mb(free)} this process may still use` };
  return { footprint: 'none', reason: `${what}, more than ${Math.round(FIT_SHARE * 100)}% of the ${mb(free)} this process may still use: no keys are kept, replication is unchanged` };
}

/** Whether the heap is past the guard's threshold. */
export function heapGuardTripped(budget: MemoryBudget | null): boolean {
  return budget !== null && budget.used() > GUARD_SHARE * budget.limit();
}

export function describeHeap(budget: MemoryBudget): string {
  return `${mb(budget.used())} of its ${mb(budget.limit())} heap`;
}
