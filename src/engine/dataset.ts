// A replicated write applied to the replica's dataset. Redis's own errors
// (WRONGTYPE…) change nothing and are logged as Redis logs an error sent to a
// master; a write the engine cannot reproduce marks its keys unknown.
import type { ApplyOutcome } from '../keyspace/command';
import { applyWrite } from '../keyspace/commands/registry';
import { toBytes } from '../keyspace/values';
import type { ReplicaCore } from './core';

export type DatasetOutcome = ApplyOutcome;

export function applyToDataset(core: ReplicaCore, db: number, argv: readonly Buffer[]): DatasetOutcome {
  const outcome = applyWrite({ ks: core.keyspace, db, now: core.now() }, argv.map(toBytes));
  const name = argv[0]!.toString('latin1').toLowerCase();
  if (outcome.kind === 'error') return errorToMaster(core, outcome.error, name);
  if (outcome.kind === 'diverged') {
    core.keyspace.diverge(db, outcome.keys, { command: name, reason: outcome.reason, offset: core.info.master?.reploff ?? -1 });
    const keys = outcome.keys.map((k) => `'${k}'`).join(', ');
    core.fail(`Divergence: '${name}' on ${keys || 'keys it cannot name'} in db ${db} could not be applied (${outcome.reason}); ` +
      `they are unknown from now on, and DEBUG DIGEST says so until the next full sync`);
  }
  return outcome;
}

/** afterErrorReply() for the master client: the replica never replies, it logs. */
export function errorToMaster(core: ReplicaCore, error: string, command: string): DatasetOutcome {
  core.log('warning', `== CRITICAL == This replica is sending an error to its master: '${error}' after processing the command '${command}'`);
  return { kind: 'error', error };
}
