// emulate auto: the answer to the question connectWithMaster() asked the
// master before connecting (its INFO server and memory, on a side
// connection). The replica becomes a replica of that version, then connects.
import type { ReplicaCore, Work } from './core';
import { NEWEST } from '../versions/profiles';
import { resolveFromInfo, parseInfoFields } from '../versions/resolve';

export function* onMasterVersion(core: ReplicaCore, input: { host: string; port: number; info?: string; error?: string }): Work {
  const probe = core.versionProbe;
  const target = `${input.host}:${input.port}`;
  if (!probe || probe.target !== target) return;
  core.versionProbe = null;
  const emulation = core.emulation;
  emulation.for = target;
  emulation.resolved = true;
  if (input.info !== undefined) {
    const resolution = resolveFromInfo(input.info);
    const fields = parseInfoFields(input.info);
    emulation.masterVersion = fields.get('valkey_version') ?? fields.get('redis_version') ?? null;
    const memory = Number(fields.get('used_memory_dataset') ?? fields.get('used_memory') ?? Number.NaN);
    emulation.masterUsedMemory = Number.isFinite(memory) && memory > 0 ? memory : null;
    emulation.refineFromRdb = false;
    emulation.reason = resolution.reason;
    core.setProfile(resolution.profile);
    core.log('notice', `Emulating ${resolution.profile.id}: ${resolution.reason}`);
  } else {
    const fallback = NEWEST.redis;
    emulation.masterVersion = null;
    emulation.refineFromRdb = true;
    emulation.reason = `the master did not answer INFO (${input.error ?? 'no reason given'}): emulating ${fallback.id} until an RDB names the master's version`;
    core.setProfile(fallback);
    core.log('warning', `Emulating ${fallback.id}: ${emulation.reason}`);
  }
  if (core.config['repl-diskless-load'] === 'flushdb' && !core.profile.has('repl-diskless-load-flushdb')) {
    core.log('warning', `repl-diskless-load flushdb is not a value ${core.profile.id} has: it loads as with disabled, its default`);
  }
  yield { kind: 'user-command', name: 'emulate', callPath: ['connectWithMaster', 'emulateAuto'] };
  // The master may have changed meanwhile (REPLICAOF): connect only to the one asked.
  if (core.info.masterhost === null || `${core.info.masterhost}:${core.info.masterport}` !== target) return;
  core.log('notice', `Connecting to ${core.w.MASTER} ${target}`);
  const connecting = core.connectWithMaster(probe.cause, probe.callPath);
  if (connecting) yield connecting;
}
