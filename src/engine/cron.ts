// replicationCron(), the replica's part, once a second: the three timeouts,
// the connect of a replica in REPL_STATE_CONNECT, and the REPLCONF ACK.
import type { ReplicaCore, Work } from './core';
import { disklessLoadTimedOut } from './transfer';
import { isHandshakeState, ReplState } from './states';

const CRON = ['replicationCron'];

export function* replicationCron(core: ReplicaCore): Work {
  const info = core.info;
  const timeout = core.config['repl-timeout'];
  const now = core.unixtime();

  // Redis's comparisons are strict `>` on whole seconds: a timeout of 5 fires when 6 s have passed.
  if (info.masterhost !== null && (info.repl_state === ReplState.CONNECTING || isHandshakeState(info.repl_state)) &&
      now - info.repl_transfer_lastio > timeout) {
    const message = 'Timeout connecting to the MASTER...';
    core.fail(message);
    yield* core.cancelReplicationHandshake(true, 'handshake-timeout', message, CRON);
  }

  if (info.masterhost !== null && info.repl_state === ReplState.TRANSFER) {
    const transfer = core.transfer!;
    if (transfer.loading) {
      // A diskless load blocks redis-server in rdbLoad: its cron does not run, and
      // the socket's receive timeout (repl-timeout) ends a stalled load instead.
      if (core.now() - transfer.lastReadMs >= timeout * 1000) yield* disklessLoadTimedOut(core);
      yield { kind: 'cron', callPath: CRON };
      return;
    }
    if (now - info.repl_transfer_lastio > timeout) {
      const message = "Timeout receiving bulk data from MASTER... If the problem persists try to set the 'repl-timeout' parameter in redis.conf to a larger value.";
      core.fail(message);
      yield* core.cancelReplicationHandshake(true, 'transfer-timeout', message, CRON);
    }
  }

  if (info.masterhost !== null && info.repl_state === ReplState.CONNECTED && info.master &&
      now - info.master.lastinteraction > timeout) {
    const message = 'MASTER timeout: no data nor PING received...';
    core.fail(message);
    yield* core.freeMaster('master-timeout', message, CRON);
  }

  if (info.repl_state === ReplState.CONNECT && info.masterhost !== null) {
    core.log('notice', `Connecting to MASTER ${info.masterhost}:${info.masterport}`);
    const connecting = core.connectWithMaster('cron-connect', CRON);
    if (connecting) yield connecting;
  }

  if (info.masterhost !== null && info.master && !info.master.pre_psync) core.sendAck();

  yield { kind: 'cron', callPath: CRON };
}
