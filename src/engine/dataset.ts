// A replicated write applied to the replica's dataset. Redis's own errors
// (WRONGTYPE…) change nothing and are logged as Redis logs an error sent to a
// master; a write the engine cannot reproduce marks its keys unknown.
import type { ApplyOutcome } from '../keyspace/command';
import { writeCommands } from '../keyspace/commands/registry';
import { toBytes } from '../keyspace/values';
import type { ReplicaCore } from './core';

export type DatasetOutcome = ApplyOutcome;

export function applyToDataset(core: ReplicaCore, db: number, argv: readonly Buffer[]): DatasetOutcome {
  const name = argv[0]!.toString('latin1').toLowerCase();
  const command = writeCommands.get(name);
  const offset = core.info.master?.reploff ?? -1;
  if (!command) {
    const reason = `the replica does not implement '${name}', so it cannot know its effect`;
    core.keyspace.diverge(db, [], { command: name, reason, offset });
    core.fail(`Divergence: ${reason}; DEBUG DIGEST will refuse until the next full sync`);
    return { kind: 'diverged', keys: [], reason };
  }
  const argc = argv.length;
  if ((command.arity > 0 && argc !== command.arity) || (command.arity < 0 && argc < -command.arity)) {
    return errorToMaster(core, `ERR wrong number of arguments for '${name}' command`, name);
  }
  const outcome = command.apply({ ks: core.keyspace, db, now: core.now() }, argv.map(toBytes));
  if (outcome.kind === 'error') return errorToMaster(core, outcome.error, name);
  if (outcome.kind === 'diverged') {
    core.keyspace.diverge(db, outcome.keys, { command: name, reason: outcome.reason, offset });
    const keys = outcome.keys.map((k) => `'${k}'`).join(', ');
    core.fail(`Divergence: '${name}' on ${keys || 'the dataset'} in db ${db} could not be applied (${outcome.reason}); those keys are now unknown`);
  }
  return outcome;
}

/** afterErrorReply() for the master client: the replica never replies, it logs. */
export function errorToMaster(core: ReplicaCore, error: string, command: string): DatasetOutcome {
  core.log('warning', `== CRITICAL == This replica is sending an error to its master: '${error}' after processing the command '${command}'`);
  return { kind: 'error', error };
}
