// The contract every keyspace command implements: replicated writes applied
// from the master's stream, and reads answered on the replica's RESP port.
// Arguments arrive as Bytes (latin1 strings); see values.ts.
import type { ReplyValue } from '../resp/encode';
import type { Feature } from '../versions/profile';
import type { Keyspace } from './keyspace';
import type { Bytes } from './values';

export interface CommandContext {
  ks: Keyspace;
  /** The selected database. */
  db: number;
  /** Clock ms (reads hide expired keys; a few writes need the time). */
  now: number;
}

/**
 * The outcome of applying a replicated write:
 * - `ok`: applied (Redis would have replied anything but an error).
 * - `error`: Redis itself replies this error to the command (e.g. WRONGTYPE); the
 *   dataset is unchanged, exactly as on redis-server.
 * - `diverged`: the engine cannot reproduce the command's effect: the named keys
 *   must be marked unknown, never left silently wrong.
 */
export type ApplyOutcome =
  | { kind: 'ok' }
  | { kind: 'error'; error: string }
  | { kind: 'diverged'; keys: Bytes[]; reason: string };

export interface WriteCommand {
  /** Lower-case command name. */
  name: string;
  /** Redis's arity: positive = exact argc, negative = at least -arity. */
  arity: number;
  /** argv[0] is the command name. */
  apply(ctx: CommandContext, argv: Bytes[]): ApplyOutcome;
  /** The version feature that brought the command: a replica of an older version does not know it. */
  requires?: Feature;
}

export interface ReadCommand {
  name: string;
  arity: number;
  run(ctx: CommandContext, argv: Bytes[]): ReplyValue;
  /** The version feature that brought the command: a replica of an older version does not know it. */
  requires?: Feature;
}

export const OK: ApplyOutcome = { kind: 'ok' };
export const WRONGTYPE = 'WRONGTYPE Operation against a key holding the wrong kind of value';

export function errorOutcome(error: string): ApplyOutcome {
  return { kind: 'error', error };
}
