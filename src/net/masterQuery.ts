// Asks a replica's master something as an ordinary client would (its own
// INFO replication, CONFIG GET repl-timeout), on a short-lived connection
// that authenticates with the replica's masteruser/masterauth and uses TLS
// when replication does. The replication link itself is never used for this.
import * as net from 'node:net';
import type { ReplicaConfig } from '../config/replicaConfig';
import { RedisClient, ReplyError, type Reply } from './redisClient';
import { tlsOptions } from './tlsOptions';

export class MasterQueryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MasterQueryError';
  }
}

/** Runs `commands` on the master in order; an error reply to AUTH or a command rejects with Redis's message. */
export async function queryMaster(config: Readonly<ReplicaConfig>, commands: readonly string[][], timeoutMs = 2000): Promise<Reply[]> {
  const master = config.replicaof;
  if (!master) throw new MasterQueryError('the replica has no master (REPLICAOF NO ONE)');
  let client: RedisClient | null = null;
  let finished = false;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new MasterQueryError(`no answer from ${master.host}:${master.port} within ${timeoutMs} ms`)), timeoutMs);
  });
  const run = async (): Promise<Reply[]> => {
    // TLS as the replica's own link connects (replicaShell.ts): the chain is verified, the host name is not.
    const tls = config['tls-replication'] ? { tls: { ...tlsOptions(config), ...(net.isIP(master.host) ? {} : { servername: master.host }) } } : {};
    client = await RedisClient.connect(master.port, master.host, tls);
    // Connected after the timeout gave up: nobody will close it but us.
    if (finished) client.close();
    if (config.masterauth !== null) {
      const auth = config.masteruser !== null ? ['AUTH', config.masteruser, config.masterauth] : ['AUTH', config.masterauth];
      const r = await client.send(...auth);
      // Redis's own words, never the password.
      if (r instanceof ReplyError) throw new MasterQueryError(`AUTH: ${r.message}`);
    }
    const replies: Reply[] = [];
    for (const c of commands) {
      const r = await client.send(...c);
      if (r instanceof ReplyError) throw new MasterQueryError(r.message);
      replies.push(r);
    }
    return replies;
  };
  try {
    return await Promise.race([run(), timeout]);
  } catch (err) {
    if (err instanceof MasterQueryError) throw err;
    throw new MasterQueryError(`cannot reach ${master.host}:${master.port}: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    finished = true;
    clearTimeout(timer);
    (client as RedisClient | null)?.close();
  }
}
