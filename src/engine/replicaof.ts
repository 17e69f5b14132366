// REPLICAOF host port / REPLICAOF NO ONE (replicaofCommand,
// replicationSetMaster, replicationUnsetMaster), and a replicaof line in the
// configuration at start.
import { reply, type ReplyValue } from '../resp/encode';
import type { ReplicaCore, Work } from './core';
import { ReplState } from './states';

/** The config's replicaof at start: masterhost set, REPL_STATE_CONNECT, no cached master. */
export function* replicaofAtStart(core: ReplicaCore, host: string, port: number): Work {
  core.info.masterhost = host;
  core.info.masterport = port;
  yield core.transition(ReplState.CONNECT, 'replicaof', `replicaof ${host} ${port} (configuration)`, ['main', 'loadServerConfig']);
}

export function* replicaofCommand(core: ReplicaCore, host: string, port: number, client: string, done: (r: ReplyValue) => void): Work {
  const info = core.info;
  const path = ['replicaofCommand'];
  if (info.masterhost !== null && info.masterhost.toLowerCase() === host.toLowerCase() && info.masterport === port) {
    core.log('notice', `REPLICAOF would result into synchronization with the ${core.w.master} we are already connected with. No operation performed.`);
    done(reply.simple('OK Already connected to specified master'));
    yield { kind: 'user-command', name: 'REPLICAOF', callPath: path };
    return;
  }

  const setMaster = [...path, 'replicationSetMaster'];
  // A version question to the previous master is moot.
  core.versionProbe = null;
  const wasMaster = info.masterhost === null;
  const message = `REPLICAOF ${host}:${port}`;
  // masterhost is cleared first so that freeing the master does not reconnect to the old one.
  info.masterhost = null;
  if (info.master) yield* core.freeMaster('replicaof', message, setMaster);
  info.masterhost = host;
  info.masterport = port;
  yield* core.cancelReplicationHandshake(false, 'replicaof', message, setMaster);
  if (wasMaster) {
    core.discardCachedMaster();
    core.cacheMasterUsingMyself();
  }
  if (info.repl_state !== ReplState.CONNECT) yield core.transition(ReplState.CONNECT, 'replicaof', message, setMaster);
  info.repl_current_sync_attempts = 0;
  info.repl_total_sync_attempts = 0;
  let connecting = null;
  if (!core.probeVersionFirst('replicaof', setMaster)) {
    core.log('notice', `Connecting to ${core.w.MASTER} ${host}:${port}`);
    connecting = core.connectWithMaster('replicaof', setMaster);
  }
  core.log('notice', `REPLICAOF ${host}:${port} enabled (user request from '${client}')`);
  done(reply.ok());
  if (connecting) yield connecting;
}

export function* replicaofNoOne(core: ReplicaCore, client: string, done: (r: ReplyValue) => void): Work {
  const info = core.info;
  const path = ['replicaofCommand', 'replicationUnsetMaster'];
  if (info.masterhost !== null) {
    const message = 'REPLICAOF NO ONE';
    core.versionProbe = null;
    info.masterhost = null;
    if (info.master) yield* core.freeMaster('replicaof-no-one', message, path);
    core.discardCachedMaster();
    yield* core.cancelReplicationHandshake(false, 'replicaof-no-one', message, path);
    core.shiftReplicationId();
    info.repl_down_since = 0;
    const point = core.transition(ReplState.NONE, 'replicaof-no-one', message, path);
    info.repl_current_sync_attempts = 0;
    info.repl_total_sync_attempts = 0;
    info.repl_up_since = 0;
    core.log('notice', `${core.w.MASTER} MODE enabled (user request from '${client}')`);
    done(reply.ok());
    yield point;
    return;
  } else {
    yield { kind: 'user-command', name: 'REPLICAOF', callPath: path };
  }
  done(reply.ok());
}
