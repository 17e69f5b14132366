// Replication from a master that only speaks TLS (tls-replication).
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { ReplState } from '../../src/engine/states';
import { freePort, RedisServer, waitFor } from '../support/redisServer';
import { ReplicaUnderTest } from '../support/replicaUnderTest';
import { makeTlsFiles, type TlsFiles } from '../support/tlsCerts';

describe('a TLS master', () => {
  let files: TlsFiles;
  let master: RedisServer;
  const replicas: ReplicaUnderTest[] = [];
  after(async () => {
    await Promise.all(replicas.map((r) => r.stop()));
    await master?.stop();
    files?.remove();
  });

  test('tls-replication with tls-ca-cert-file syncs over TLS and streams writes', async () => {
    files = makeTlsFiles();
    const tlsPort = await freePort();
    // The plain port is only the harness's way in (it waits for PING there); the replica uses TLS.
    master = await RedisServer.start({
      args: ['--tls-port', String(tlsPort), '--tls-cert-file', files.cert, '--tls-key-file', files.key,
        '--tls-ca-cert-file', files.caCert, '--tls-auth-clients', 'yes', '--repl-diskless-sync-delay', '0'],
    });
    const client = await master.client();
    await client.call('SET', 'secure', 'yes');
    const replica = await ReplicaUnderTest.start({
      replicaof: { host: '127.0.0.1', port: tlsPort },
      'tls-replication': true,
      'tls-ca-cert-file': files.caCert,
      'tls-cert-file': files.cert,
      'tls-key-file': files.key,
    });
    replicas.push(replica);
    await replica.waitForState(ReplState.CONNECTED);
    await client.call('INCR', 'counter');
    const target = Number((await client.info('replication')).get('master_repl_offset'));
    await waitFor('caught up over TLS', () => replica.engine.info.master?.reploff === target);
    client.close();
  });

  test('a replica that does not trust the master\'s CA fails the connect and retries', async () => {
    const replica = await ReplicaUnderTest.start({
      replicaof: { host: '127.0.0.1', port: await tlsPortOf(master) },
      'tls-replication': true,
    });
    replicas.push(replica);
    await replica.waitForLog(/^Error condition on socket for SYNC: .*(certificate|self.signed)/i);
    assert.equal(replica.transitions.at(-1)?.cause, 'connect-error');
    await waitFor('a second attempt', () => replica.transitions.filter((t) => t.cause === 'cron-connect').length >= 2, 5000);
  });
});

async function tlsPortOf(master: RedisServer): Promise<number> {
  const c = await master.client();
  try {
    const reply = (await c.call('CONFIG', 'GET', 'tls-port')) as string[];
    return Number(reply[1]);
  } finally {
    c.close();
  }
}
