// replicationCron(), the replica's part, once a second: the three timeouts,
// the connect of a replica in REPL_STATE_CONNECT, and the REPLCONF ACK.
import type { ReplicaCore, Work } from './core';
import { armedCronTimeout, cronTimedOut, type CronTimeoutId } from './cronTimeouts';
import { disklessLoadTimedOut } from './rdbLoad';
import { ReplState } from './states';

const CRON = ['replicationCron'];

export function* replicationCron(core: ReplicaCore): Work {
  const info = core.info;
  const timeout = core.config['repl-timeout'];
  // The timeouts compare time(NULL), not the cached clock.
  const now = core.timeNull();

  // Each check reads the state afresh: an earlier one may have changed it.
  const expired = (id: CronTimeoutId): boolean => {
    const armed = armedCronTimeout(info);
    return armed !== null && armed.id === id && cronTimedOut(armed, timeout, now);
  };

  if (expired('connect')) {
    const message = `Timeout connecting to the ${core.w.MASTER}...`;
    core.fail(message);
    yield* core.cancelReplicationHandshake(true, 'handshake-timeout', message, CRON);
  }

  if (info.masterhost !== null && info.repl_state === ReplState.TRANSFER) {
    const transfer = core.transfer!;
    if (transfer.load) {
      // A loading redis-server is blocked in rdbLoad: its cron does not run. From
      // the socket, the receive timeout (repl-timeout) ends a stalled load instead.
      if (transfer.load.source === 'socket' && core.now() - transfer.lastReadMs >= timeout * 1000) yield* disklessLoadTimedOut(core);
      yield { kind: 'cron', callPath: CRON };
      return;
    }
    if (expired('transfer')) {
      const message = `Timeout receiving bulk data from ${core.w.MASTER}... If the problem persists try to set the 'repl-timeout' parameter in ${core.w.confFile} to a larger value.`;
      core.fail(message);
      yield* core.cancelReplicationHandshake(true, 'transfer-timeout', message, CRON);
    }
  }

  if (expired('master')) {
    const message = `${core.w.MASTER} timeout: no data nor PING received...`;
    core.fail(message);
    yield* core.freeMaster('master-timeout', message, CRON);
  }

  if (info.repl_state === ReplState.CONNECT && info.masterhost !== null && !core.probeVersionFirst('cron-connect', CRON)) {
    core.log('notice', `Connecting to ${core.w.MASTER} ${info.masterhost}:${info.masterport}`);
    const connecting = core.connectWithMaster('cron-connect', CRON);
    if (connecting) yield connecting;
  }

  if (info.masterhost !== null && info.master && !info.master.pre_psync) {
    // Redis adds no reply to a client flagged close-after-reply: writing the ACK
    // is what frees it instead (uncached, so the next sync is a full one).
    // Valkey 8.0 queues nothing for such a client, so nothing frees it: the link
    // stays, silent, until the primary drops the replica for its missing ACKs.
    if (info.master.close_after_reply === null) core.sendAck();
    else if (!core.profile.has('protocol-error-keeps-link')) yield* core.freeMaster('protocol-error', info.master.close_after_reply, CRON);
  }

  yield { kind: 'cron', callPath: CRON };
}
