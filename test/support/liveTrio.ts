// A master of one live build, a real replica of the same build, and a bare
// raw replica whose stream a keyspace of that version applies: the setting of
// the dialect tests, where the keyspace's answers are compared with the real
// replica's (and the master's) after the same writes.
import assert from 'node:assert/strict';
import { runRead } from '../../src/keyspace/commands/registry';
import { Keyspace } from '../../src/keyspace/keyspace';
import type { RedisClient } from '../../src/net/redisClient';
import type { VersionProfile } from '../../src/versions/profile';
import { profileById } from '../../src/versions/profiles';
import { RawReplica } from './captureStream';
import { normalizeReply, normalizeValue, parseCommands, StreamApplier } from './keyspaceHarness';
import { RedisServer, waitFor } from './redisServer';
import type { LiveServer } from './servers';

export interface LiveTrio {
  profile: VersionProfile;
  /** The master's client and the real replica's (replies as Buffers). */
  m: RedisClient;
  r: RedisClient;
  ks: Keyspace;
  applier: StreamApplier;
  /** Applies what the master has streamed so far to the keyspace. */
  drain(): Promise<void>;
  /** Sends to the master; the keyspace applies it (without a refusal or divergence) and the real replica has it too. */
  write(...commands: (string | Buffer)[][]): Promise<void>;
  /** The real replica's answer and the keyspace's, for one read in db 0. */
  both(argv: string[]): Promise<[unknown, unknown]>;
  stop(): Promise<void>;
}

export async function startTrio(live: LiveServer): Promise<LiveTrio> {
  const args = ['--enable-debug-command', 'yes', '--repl-diskless-sync', 'no', '--repl-ping-replica-period', '3600'];
  const master = await RedisServer.start({ binary: live.binary, args });
  const replica = await RedisServer.start({ binary: live.binary, args: [...args, '--replicaof', '127.0.0.1', String(master.port)] });
  const m = await master.client({ returnBuffers: true });
  const r = await replica.client({ returnBuffers: true });
  const raw = await RawReplica.sync(master.port, 20_000);
  const stop = async (): Promise<void> => {
    m.close();
    r.close();
    raw.close();
    await master.stop();
    await replica.stop();
  };
  try {
    await waitFor('the real replica to sync', async () => (await r.info('replication')).get('master_link_status') === 'up', 20_000);
  } catch (err) {
    await stop();
    throw err;
  }
  const profile = profileById(live.profile)!;
  const ks = new Keyspace(16, profile);
  const applier = new StreamApplier(ks);
  const drain = async (): Promise<void> => {
    const end = Number((await m.info('replication')).get('master_repl_offset'));
    applier.apply(parseCommands(await raw.streamUpTo(end)));
  };
  return {
    profile, m, r, ks, applier, drain, stop,
    async write(...commands) {
      await m.pipeline(commands);
      await drain();
      await m.call('WAIT', '1', '5000');
      assert.deepEqual(applier.applied.filter((a) => a.outcome.kind !== 'ok'), []);
    },
    async both(argv) {
      return [normalizeReply(await r.send(...argv)), normalizeValue(runRead({ ks, db: 0, now: Date.now() }, argv))];
    },
  };
}
