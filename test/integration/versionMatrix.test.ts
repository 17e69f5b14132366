// The version matrix: for every live build (Debian's redis-server 7.0.15 and
// each of ../shared/servers), a real master of that build with a real replica
// of the same build and the engine (emulate auto) side by side on it. Whatever
// the build, the engine must pick its version, load the same dataset (DEBUG
// DIGEST), report the same INFO replication, log the same lines in the same
// order, look the same from the master, and resync partially where the real
// one does; Redis 8's rdb channel and Valkey 8's dual channel under writes too.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ReplState } from '../../src/engine/states';
import { profileById } from '../../src/versions/profiles';
import { sleep, waitFor } from '../support/redisServer';
import { liveServers, type LiveServer } from '../support/servers';
import {
  digests, engineLines, infoOf, realLines, replicaClientsOnMaster, replicaLinesOnMaster, startMatrixRun, syncStats,
  waitCaughtUp, type LoadMode, type MatrixRun, type MatrixRunOptions,
} from '../support/versionMatrix';

/** INFO replication fields that are each replica's own, with why. */
const PER_INSTANCE: Record<string, string> = {
  master_last_io_seconds_ago: 'each replica\'s own last read',
  master_link_up_since_seconds: 'each one\'s own sync end',
  total_disconnect_time_sec: 'each one\'s own start',
  replica_full_sync_buffer_peak: 'how much arrived during each one\'s own load',
  replicas_repl_buffer_peak: 'how much arrived during each one\'s own load',
};

/** Fields that depend on the offset each replica's full sync started from. */
const SYNC_OFFSET_FIELDS = ['repl_backlog_first_byte_offset', 'repl_backlog_histlen'];

function fullResyncOffsets(lines: string[]): string[] {
  return lines.filter((l) => l.startsWith('Full resync from')).map((l) => l.slice(l.lastIndexOf(':') + 1));
}

async function compareInfo(run: MatrixRun): Promise<void> {
  // Expiring keys keep the master sending DELs: take the two answers at the same offset.
  let realInfo = await infoOf(run.real.port);
  let ours = await infoOf(run.engine.port);
  for (let i = 0; i < 40 && (realInfo.get('slave_read_repl_offset') !== ours.get('slave_read_repl_offset') ||
    realInfo.get('master_repl_offset') !== ours.get('master_repl_offset')); i++) {
    await sleep(25);
    [realInfo, ours] = await Promise.all([infoOf(run.real.port), infoOf(run.engine.port)]);
  }
  assert.deepEqual([...ours.keys()], [...realInfo.keys()], 'the same fields in the same order');
  // Both took their full sync at the same offset (one BGSAVE served both) unless the logs say otherwise.
  const realFull = fullResyncOffsets(run.real.log().split('\n').map((l) => l.replace(/^.*? [.\-*#] /, '')));
  const ourFull = fullResyncOffsets(run.engine.logs.map((l) => l.message));
  // A multi-channel sync logs no offset: its start is unknown, so only each backlog's own consistency is checked.
  const sameStart = realFull.length > 0 && realFull.at(-1) === ourFull.at(-1);
  if (!sameStart) {
    for (const info of [realInfo, ours]) {
      const first = Number(info.get('repl_backlog_first_byte_offset'));
      const histlen = Number(info.get('repl_backlog_histlen'));
      assert.equal(first + histlen - 1, Number(info.get('master_repl_offset')), 'the backlog ends at the replication offset');
    }
  }
  for (const [field, value] of realInfo) {
    if (field in PER_INSTANCE) continue;
    if (!sameStart && SYNC_OFFSET_FIELDS.includes(field)) continue;
    assert.equal(ours.get(field), value, `INFO replication ${field}`);
  }
}

/** Fields of INFO replication during a transfer that do not depend on how far each one got. */
const DURING_SYNC_FIELDS = [
  'role', 'master_host', 'master_port', 'master_link_status', 'master_sync_in_progress', 'master_sync_total_bytes',
  'master_current_sync_attempts', 'master_total_sync_attempts', 'slave_priority', 'slave_read_only', 'replica_announced',
  'connected_slaves', 'master_failover_state', 'repl_backlog_active', 'repl_backlog_size',
];

/** While both were transferring (one BGSAVE served both): the same fields in the same order, and the same values where timing has no say. */
function compareDuringSync(run: MatrixRun): void {
  const during = run.duringSync;
  assert.ok(during, 'both replicas were sampled during their transfer');
  assert.deepEqual([...during.engine.keys()], [...during.real.keys()], 'the same fields during the sync');
  for (const field of DURING_SYNC_FIELDS) {
    if (during.real.has(field)) assert.equal(during.engine.get(field), during.real.get(field), `INFO replication ${field} during the sync`);
  }
}

async function compareDatasets(run: MatrixRun): Promise<void> {
  const d = await digests(run);
  assert.notEqual(d.master, '0'.repeat(40), 'the master has data');
  assert.equal(d.real, d.master, 'the real replica has the master\'s dataset');
  assert.equal(d.engine, d.master, 'the engine has the master\'s dataset');
}

/**
 * The main channel's PSYNC of a dual-channel sync races the rdb channel's
 * payload: whichever the primary answers first is logged first, on the real
 * replica as on the engine. Those lines are compared in their own order.
 */
const MAIN_CHANNEL_PSYNC = /(Trying a partial resynchronization using main channel|accepted a Partial Resynchronization, RDB load in background)/;

function compareLogs(run: MatrixRun, realSince = 0, engineSince = 0): void {
  const ours = engineLines(run.engine.logs, engineSince);
  const real = realLines(run.real).slice(realSince);
  const split = (lines: string[]) => [lines.filter((l) => !MAIN_CHANNEL_PSYNC.test(l)), lines.filter((l) => MAIN_CHANNEL_PSYNC.test(l))];
  assert.deepEqual(split(ours), split(real));
}

/** The master sees two replicas alike: online at its offset, the same fields, the same client flags. */
async function compareFromMaster(run: MatrixRun): Promise<void> {
  // A replica's offset there is its last ACK (one a second): wait for both to have acknowledged everything.
  const offset = (await run.admin.info('replication')).get('master_repl_offset');
  let lines = await replicaLinesOnMaster(run.admin);
  // (Expiring keys keep the master writing DELs, so its offset itself moves on.)
  await waitFor('both replicas acknowledged the same offset, the master\'s or later', async () => {
    lines = await replicaLinesOnMaster(run.admin);
    const acked = [run.real.port, run.engine.port].map((p) => Number(lines.get(p)?.get('offset') ?? -1));
    return acked[0] === acked[1] && acked[0]! >= Number(offset);
  }, 10_000, 100);
  const real = lines.get(run.real.port);
  const ours = lines.get(run.engine.port);
  assert.ok(real && ours, `both replicas listed by the master: ${[...lines.keys()].join(', ')}`);
  assert.deepEqual([...ours.keys()], [...real.keys()]);
  for (const l of [real, ours]) assert.equal(l.get('state'), 'online');
  const clients = await replicaClientsOnMaster(run.admin);
  assert.equal(clients.length, 2, `two replica clients (the real one on :${run.real.port}, the engine on :${run.engine.port}): ` +
    `${[...lines.values()].map((l) => [...l].map(([k, v]) => `${k}=${v}`).join(',')).join(' | ')}\n` +
    `${clients.map((c) => [...c].map(([k, v]) => `${k}=${v}`).join(' ')).join('\n')}`);
  const [a, b] = clients;
  assert.deepEqual([...a!.keys()], [...b!.keys()]);
  for (const field of ['flags', 'db', 'cmd', 'resp', 'sub', 'psub', 'multi']) {
    if (a!.has(field)) assert.equal(b!.get(field), a!.get(field), `CLIENT LIST ${field}`);
  }
}

async function withRun(server: LiveServer, opts: MatrixRunOptions, body: (run: MatrixRun) => Promise<void>): Promise<void> {
  const run = await startMatrixRun(server, opts);
  try {
    await body(run);
  } catch (err) {
    const tail = (s: string) => s.split('\n').slice(-40).join('\n');
    if (err instanceof Error) {
      err.message += `\n--- real replica log ---\n${tail(run.real.log())}\n--- engine log ---\n${tail(run.engine.logText())}`;
    }
    throw err;
  } finally {
    await run.stop();
  }
}

/** A diskless master's RDB, loaded each way a replica can: through a temp file, or from the socket. */
const DISKLESS_LOAD: LoadMode[] = ['disabled', 'on-empty-db', 'swapdb'];

describe('the version matrix: the engine beside a real replica of every build', { concurrency: 2 }, () => {
  liveServers().forEach((server) => {
    describe(`${server.name} (emulating ${server.profile})`, () => {
      test('disk sync under writes: same version, dataset, INFO, log and master view; a killed link resyncs partially', async () => {
        await withRun(server, { disklessSync: false, load: 'disabled', multiChannel: false, sampleDuringSync: true }, async (run) => {
          assert.equal(run.engine.engine.profile.id, server.profile);
          compareDuringSync(run);
          assert.ok(run.engine.hasLog(/^Emulating \S+: the master (runs|is)/), 'the engine says which version it emulates and why');
          await compareDatasets(run);
          await compareInfo(run);
          compareLogs(run);
          await compareFromMaster(run);

          const before = await syncStats(run.admin);
          const realSince = realLines(run.real).length;
          const engineSince = run.engine.logs.length;
          await run.admin.call('CLIENT', 'KILL', 'TYPE', 'replica');
          await waitFor('both lost their link', async () =>
            run.engine.logs.length > engineSince && realLines(run.real).length > realSince, 10_000);
          await run.engine.waitForState(ReplState.CONNECTED);
          await waitFor('both resynced', async () => (await syncStats(run.admin)).partialOk === before.partialOk + 2, 15_000);
          const after = await syncStats(run.admin);
          assert.equal(after.full, before.full, 'no full sync');
          await waitCaughtUp(run.admin, run.real, run.engine);
          compareLogs(run, realSince, engineSince);
          await compareDatasets(run);
          await compareInfo(run);
        });
      });

      const loads: LoadMode[] = profileById(server.profile)!.has('repl-diskless-load-flushdb') ? [...DISKLESS_LOAD, 'flushdb'] : DISKLESS_LOAD;
      for (const load of loads) {
        test(`diskless master, loaded ${load}: same dataset, INFO and log`, async () => {
          await withRun(server, { disklessSync: true, load, multiChannel: false }, async (run) => {
            assert.equal(run.engine.engine.profile.id, server.profile);
            await compareDatasets(run);
            await compareInfo(run);
            compareLogs(run);
            await compareFromMaster(run);
          });
        });
      }

      if (server.profile === 'redis-8.8' || server.profile === 'valkey-8.0') {
        const kind = server.product === 'redis' ? 'rdb channel' : 'dual channel';
        for (const mode of ['disabled', 'swapdb'] as const) {
          test(`${kind} sync under writes, loaded ${mode}: the buffered stream applied, same dataset, INFO, log and master view`, async () => {
            await withRun(server, { disklessSync: true, load: mode, multiChannel: true, sequential: true }, async (run) => {
              // Each replica's sync moved the master's counters alike (a full sync, and Valkey's main-channel PSYNC).
              assert.ok(run.counters);
              assert.deepEqual(run.counters.engine, run.counters.real);
              assert.equal(run.counters.real.full, 1);
              const machines = new Set(run.engine.transitions.map((t) => t.machine));
              assert.ok(machines.has(server.product === 'redis' ? 'rdb-channel' : 'dual-channel'), `the ${kind} was used: ${[...machines].join(', ')}`);
              assert.ok(run.engine.hasLog(/[Ss]uccessfully streamed replication (buffer into the db|data into memory)/));
              // The writes during the transfer went through each one's local buffer.
              const peak = server.product === 'redis' ? 'replica_full_sync_buffer_peak' : 'replicas_repl_buffer_peak';
              for (const port of [run.real.port, run.engine.port]) assert.ok(Number((await infoOf(port)).get(peak)) > 0, `${peak} on :${port}`);
              await compareDatasets(run);
              await compareInfo(run);
              compareLogs(run);
              await compareFromMaster(run);
              // The stream keeps flowing after the sync, to both.
              await run.admin.pipeline(Array.from({ length: 200 }, (_, k) => ['SET', `after:${k}`, k]));
              await sleep(50);
              await compareDatasets(run);
            });
          });
        }
      }
    });
  });
});
