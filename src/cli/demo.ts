// npm run demo: a throwaway redis-server master on a free port with sample data
// and a trickle of writes, a replica engine replicating from it, its
// transitions and Redis log lines live, until Ctrl-C; then everything stops.
import { defaultConfig } from '../config/replicaConfig';
import { RedisClient } from '../net/redisClient';
import { freePort, RedisServer } from '../net/redisProcess';
import { hostReplicas } from './hostReplicas';

const SAMPLE_KEYS = 5000;

async function loadSampleData(client: RedisClient): Promise<void> {
  const batch: (string | number)[][] = [];
  for (let i = 0; i < SAMPLE_KEYS; i++) batch.push(['SET', `user:${i}:name`, `name-${i}`]);
  batch.push(['RPUSH', 'queue', 'a', 'b', 'c', 1, 2, 3]);
  batch.push(['SADD', 'tags', 'redis', 'replication', 'debugger']);
  batch.push(['ZADD', 'scores', 1, 'alice', 2.5, 'bob', -3, 'carol']);
  batch.push(['HSET', 'config', 'mode', 'demo', 'replicas', 1]);
  batch.push(['XADD', 'events', '*', 'type', 'start']);
  batch.push(['SET', 'session', 'token', 'EX', 3600]);
  await client.pipeline(batch);
}

async function main(): Promise<void> {
  process.stdout.write('Starting a throwaway redis-server master...\n');
  const master = await RedisServer.start({ args: ['--repl-diskless-sync', 'yes', '--repl-diskless-sync-delay', '2', '--enable-debug-command', 'yes'] });
  const client = await master.client();
  await loadSampleData(client);
  const replicaPort = await freePort();
  process.stdout.write(`Master 127.0.0.1:${master.port} (pid ${master.pid}) holds ${SAMPLE_KEYS + 6} keys. Replica engine on 127.0.0.1:${replicaPort}.\n`);
  process.stdout.write(`Try: redis-cli -p ${replicaPort} INFO replication   |   redis-cli -p ${replicaPort} ROLE   |   Ctrl-C to stop\n\n`);

  const config = { ...defaultConfig(), port: replicaPort, replicaof: { host: '127.0.0.1', port: master.port }, 'repl-timeout': 10 };
  const fleet = await hostReplicas(config, {
    count: 1,
    logFormat: 'text',
    configFile: null,
    showTransitions: true,
    print: (line) => process.stdout.write(line + '\n'),
    onShutdown: () => void shutdown(),
  });
  const replica = fleet.replicas.get(1)!;

  let n = 0;
  const writer = setInterval(() => {
    n++;
    const commands: (string | number)[][] = [['INCR', 'counter'], ['SET', `recent:${n % 10}`, `write ${n}`]];
    if (n % 5 === 0) commands.push(['MULTI'], ['LPUSH', 'queue', `job-${n}`], ['HINCRBY', 'config', 'writes', 5], ['EXEC']);
    client.pipeline(commands).catch(() => undefined);
  }, 200);

  // Every 5 s: offsets, key counts and DEBUG DIGEST of the master and of the replica engine, side by side.
  const replicaClient = await RedisClient.connect(replicaPort);
  const status = setInterval(() => {
    void (async () => {
      const info = await client.info('replication');
      const ours = await replicaClient.info('replication');
      const [masterKeys, replicaKeys] = [await client.call('DBSIZE'), await replicaClient.call('DBSIZE')];
      const [masterDigest, replicaDigest] = [String(await client.call('DEBUG', 'DIGEST')), String(await replicaClient.send('DEBUG', 'DIGEST'))];
      const same = masterDigest === replicaDigest ? 'equal' : `differ (${replicaDigest})`;
      process.stdout.write(`  status: master_repl_offset=${info.get('master_repl_offset')} replica slave_repl_offset=${ours.get('slave_repl_offset')}` +
        ` | keys master=${masterKeys} replica=${replicaKeys} | DEBUG DIGEST ${same}\n`);
    })().catch(() => undefined);
  }, 5000);

  let stopping = false;
  async function shutdown(): Promise<void> {
    if (stopping) return;
    stopping = true;
    clearInterval(writer);
    clearInterval(status);
    process.stdout.write('\nStopping the replica engine and the master...\n');
    replicaClient.close();
    await replica.stop();
    client.close();
    await master.stop();
    process.exit(0);
  }
  process.on('SIGINT', () => void shutdown());
  process.on('SIGTERM', () => void shutdown());
}

main().catch((err: unknown) => {
  process.stderr.write(`demo failed: ${err instanceof Error ? err.message : String(err)}\n`);
  if (String(err).includes('ENOENT')) process.stderr.write('Is redis-server installed and on PATH? (Debian: apt-get install -y redis-server)\n');
  process.exit(1);
});
