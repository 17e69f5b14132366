// The master's repl-timeout: how long the master waits for an ACK before it
// drops this replica. A replica is never told it, so the debugger asks the
// master once, on a connection of its own, and says where the number came
// from; when the master will not say, it assumes Redis's default and says so.
import type { ReplicaConfig } from '../config/replicaConfig';
import { queryMaster } from '../net/masterQuery';
import { ReplyError, type Reply } from '../net/redisClient';

export interface MasterReplTimeout {
  seconds: number;
  /** Where `seconds` came from, as a person reads it. */
  source: string;
}

/** repl-timeout's default in redis.conf. */
const REDIS_DEFAULT = 60;
const ASK_TIMEOUT_MS = 2000;

export function assumedMasterReplTimeout(reason: string): MasterReplTimeout {
  return { seconds: REDIS_DEFAULT, source: `assumed (Redis default; CONFIG GET refused: ${reason})` };
}

/** Until the session has asked the master. */
export const NOT_ASKED_YET: MasterReplTimeout = { seconds: REDIS_DEFAULT, source: 'assumed (Redis default; the master was not asked yet)' };

/**
 * Asks the master of `config` (replicaof) for its repl-timeout with CONFIG GET,
 * on a connection of its own that authenticates and uses TLS as the replica
 * does (net/masterQuery.ts). Gives up after 2 s. Never rejects, and no password
 * reaches the source text (the reasons are the master's replies and socket errors).
 */
export async function fetchMasterReplTimeout(config: Readonly<ReplicaConfig>): Promise<MasterReplTimeout> {
  const master = config.replicaof;
  if (!master) return assumedMasterReplTimeout('no master configured');
  try {
    const [reply] = await queryMaster(config, [['CONFIG', 'GET', 'repl-timeout']], ASK_TIMEOUT_MS);
    return { seconds: parseConfigGet(reply!), source: `CONFIG GET repl-timeout on ${master.host}:${master.port}` };
  } catch (err) {
    return assumedMasterReplTimeout(err instanceof Error ? err.message : String(err));
  }
}

/** CONFIG GET's reply: [name, value] (RESP2). */
export function parseConfigGet(reply: Reply): number {
  if (reply instanceof ReplyError) throw new Error(reply.message);
  if (!Array.isArray(reply) || reply.length < 2) throw new Error(`unexpected reply ${JSON.stringify(reply)}`);
  const seconds = Number(String(reply[1]));
  if (!Number.isInteger(seconds) || seconds <= 0) throw new Error(`unexpected repl-timeout '${String(reply[1])}'`);
  return seconds;
}
