// Full sync of a large dataset: the replica engine next to a real redis-server
// replica of the same master, in one run, median of several rounds.
//   npm run bench            (1,000,000 keys, 3 rounds)
//   npm run bench -- 200000 5
import { defaultConfig } from '../src/config/replicaConfig';
import { ReplState } from '../src/engine/states';
import { HostedReplica } from '../src/net/hostedReplica';
import { RedisClient } from '../src/net/redisClient';
import { freePort, RedisServer } from '../src/net/redisProcess';

const KEYS = Number(process.argv[2] ?? 1_000_000);
const ROUNDS = Number(process.argv[3] ?? 3);

interface Case {
  name: string;
  masterArgs: string[];
}

const CASES: Case[] = [
  { name: 'diskless master (delay 0)', masterArgs: ['--repl-diskless-sync', 'yes', '--repl-diskless-sync-delay', '0'] },
  { name: 'disk master', masterArgs: ['--repl-diskless-sync', 'no'] },
];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function poll(check: () => Promise<boolean> | boolean, timeoutMs = 600_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A real redis-server replica: REPLICAOF, then INFO every 5 ms until the link is up. */
async function realReplicaSync(masterPort: number): Promise<number> {
  const replica = await RedisServer.start();
  const c = await replica.client();
  try {
    const t0 = process.hrtime.bigint();
    await c.call('REPLICAOF', '127.0.0.1', masterPort);
    await poll(async () => (await c.info('replication')).get('master_link_status') === 'up');
    return Number(process.hrtime.bigint() - t0) / 1e9;
  } finally {
    c.close();
    await replica.stop();
  }
}

/** The engine: REPLICAOF on its RESP port, then INFO every 5 ms until the link is up. */
async function engineSync(masterPort: number): Promise<number> {
  const hosted = new HostedReplica({ ...defaultConfig(), port: await freePort() });
  await hosted.start();
  const c = await RedisClient.connect(hosted.port);
  try {
    const t0 = process.hrtime.bigint();
    await c.call('REPLICAOF', '127.0.0.1', masterPort);
    await poll(async () => (await c.info('replication')).get('master_link_status') === 'up');
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    if (hosted.shell.engine.info.repl_state !== ReplState.CONNECTED) throw new Error('engine not connected');
    return seconds;
  } finally {
    c.close();
    await hosted.stop();
  }
}

async function main(): Promise<void> {
  process.stdout.write(`Full sync of ${KEYS.toLocaleString('en')} keys (DEBUG POPULATE ${KEYS} key 16), ${ROUNDS} rounds, median\n\n`);
  const rows: string[][] = [];
  for (const c of CASES) {
    const master = await RedisServer.start({ args: [...c.masterArgs, '--enable-debug-command', 'yes'] });
    const admin = await master.client();
    await admin.call('DEBUG', 'POPULATE', KEYS, 'key', 16);
    const real: number[] = [];
    const ours: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      // Alternate the order so neither side always gets the warmer page cache.
      if (i % 2 === 0) {
        real.push(await realReplicaSync(master.port));
        ours.push(await engineSync(master.port));
      } else {
        ours.push(await engineSync(master.port));
        real.push(await realReplicaSync(master.port));
      }
    }
    admin.close();
    await master.stop();
    const r = median(real);
    const o = median(ours);
    rows.push([c.name, r.toFixed(3), o.toFixed(3), (o / r).toFixed(2), real.map((x) => x.toFixed(3)).join(' '), ours.map((x) => x.toFixed(3)).join(' ')]);
  }
  const header = ['case', 'redis-server replica s', 'engine s', 'engine/redis', 'redis runs', 'engine runs'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => '| ' + cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ') + ' |';
  process.stdout.write(line(header) + '\n');
  process.stdout.write('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|\n');
  for (const r of rows) process.stdout.write(line(r) + '\n');
  process.stdout.write('\nThe redis-server replica loads the RDB into memory (repl-diskless-load disabled: to disk, then load);\n' +
    'this version of the engine frames, checksums and counts the RDB without building a dataset.\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
