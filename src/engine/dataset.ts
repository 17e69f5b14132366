// A replicated write applied to the replica's dataset. Redis's own errors
// (WRONGTYPE…) change nothing and are logged as Redis logs an error sent to a
// master; a write the engine cannot reproduce marks its keys unknown.
import type { ApplyOutcome } from '../keyspace/command';
import { applyWrite, findWrite } from '../keyspace/commands/registry';
import type { Bytes } from '../keyspace/values';
import type { ReplicaCore } from './core';
import { afterErrorReply, loggedError } from './masterErrors';

export type DatasetOutcome = ApplyOutcome;

const OK: DatasetOutcome = { kind: 'ok' };

/** `given` is argv[0]. */
export function applyToDataset(core: ReplicaCore, db: number, argv: Bytes[], given: Bytes, writes = true): DatasetOutcome {
  // A command of the version that does not write (a read, an admin command) changes no key:
  // the engine need not model it to know its effect on the dataset.
  if (!writes && findWrite(given) === undefined) return OK;
  // dataset none: the command was parsed, looked up and counted in the offsets; there is nothing to apply it to.
  if (!core.keyspace.keepsValues) return OK;
  const outcome = applyWrite({ ks: core.keyspace, db, now: core.now() }, argv);
  if (outcome.kind === 'ok') return outcome;
  const name = given.toLowerCase();
  if (outcome.kind === 'error') return errorToMaster(core, outcome.error);
  if (outcome.kind === 'diverged') {
    core.keyspace.diverge(db, outcome.keys, { command: name, reason: outcome.reason, offset: core.info.master?.reploff ?? -1 });
    const keys = outcome.keys.map((k) => `'${k}'`).join(', ');
    core.fail(`Divergence: '${name}' on ${keys || 'keys it cannot name'} in db ${db} could not be applied (${outcome.reason}); ` +
      `they are unknown from now on, and DEBUG DIGEST says so until the next full sync`);
  }
  return outcome;
}

/**
 * An error reply to the master client (`error` as a client reads it): the
 * replica never sends it; afterErrorReply() logs it with the master client's
 * last command, and the latest backlog.
 */
export function errorToMaster(core: ReplicaCore, error: string): DatasetOutcome {
  afterErrorReply(core, loggedError(error));
  return { kind: 'error', error };
}
