// The replica's replication states (server.repl_state) and the table of legal
// transitions between them, as data. The engine, the breakpoint matcher, the
// state-machine document, the diagram and the docs all read this one table.

export enum ReplState {
  NONE = 0,
  CONNECT = 1,
  CONNECTING = 2,
  RECEIVE_PING_REPLY = 3,
  SEND_HANDSHAKE = 4,
  RECEIVE_AUTH_REPLY = 5,
  RECEIVE_PORT_REPLY = 6,
  RECEIVE_IP_REPLY = 7,
  RECEIVE_CAPA_REPLY = 8,
  SEND_PSYNC = 9,
  RECEIVE_PSYNC_REPLY = 10,
  TRANSFER = 11,
  CONNECTED = 12,
}

export const ALL_STATES: readonly ReplState[] = [
  ReplState.NONE, ReplState.CONNECT, ReplState.CONNECTING, ReplState.RECEIVE_PING_REPLY,
  ReplState.SEND_HANDSHAKE, ReplState.RECEIVE_AUTH_REPLY, ReplState.RECEIVE_PORT_REPLY,
  ReplState.RECEIVE_IP_REPLY, ReplState.RECEIVE_CAPA_REPLY, ReplState.SEND_PSYNC,
  ReplState.RECEIVE_PSYNC_REPLY, ReplState.TRANSFER, ReplState.CONNECTED,
];

/** `REPL_STATE_TRANSFER` etc., as server.h spells them. */
export function stateName(s: ReplState): string {
  return `REPL_STATE_${ReplState[s]}`;
}

/** The short name without the prefix (`TRANSFER`). */
export function shortStateName(s: ReplState): string {
  return ReplState[s];
}

/** slaveIsInHandshakeState(): the ordered block RECEIVE_PING_REPLY..RECEIVE_PSYNC_REPLY. */
export function isHandshakeState(s: ReplState): boolean {
  return s >= ReplState.RECEIVE_PING_REPLY && s <= ReplState.RECEIVE_PSYNC_REPLY;
}

/**
 * The coarse phases people speak of. Redis walks eight handshake states between
 * CONNECTING and TRANSFER; a person says "handshake".
 */
export type Phase = 'NONE' | 'CONNECT' | 'HANDSHAKE' | 'TRANSFER' | 'CONNECTED';

export function phaseOf(s: ReplState): Phase {
  if (s === ReplState.NONE) return 'NONE';
  if (s === ReplState.CONNECT) return 'CONNECT';
  if (s === ReplState.CONNECTING || isHandshakeState(s)) return 'HANDSHAKE';
  if (s === ReplState.TRANSFER) return 'TRANSFER';
  return 'CONNECTED';
}

/** ROLE's state word on a replica (replication.c roleCommand). */
export function roleStateWord(s: ReplState): string {
  if (s === ReplState.NONE) return 'none';
  if (s === ReplState.CONNECT) return 'connect';
  if (s === ReplState.CONNECTING) return 'connecting';
  if (isHandshakeState(s)) return 'handshake';
  if (s === ReplState.TRANSFER) return 'sync';
  if (s === ReplState.CONNECTED) return 'connected';
  return 'unknown';
}

/** Why a transition happened. The exception category a debugger shows is derived from it. */
export type TransitionCause =
  | 'replicaof' // REPLICAOF host port, or replicaof in the config at start
  | 'replicaof-no-one'
  | 'cron-connect' // replicationCron found REPL_STATE_CONNECT
  | 'reconnect' // immediate reconnect after a lost link, a timeout or a transfer error
  | 'connect-ok'
  | 'connect-error'
  | 'ping-reply'
  | 'ping-error'
  | 'handshake-sent'
  | 'auth-ok'
  | 'auth-skipped'
  | 'auth-error'
  | 'port-reply'
  | 'ip-reply'
  | 'ip-skipped'
  | 'capa-reply'
  | 'psync-sent'
  | 'full-resync'
  | 'sync-fallback' // -ERR or an unexpected reply to PSYNC: legacy SYNC
  | 'partial-resync'
  | 'psync-try-later'
  | 'no-response'
  | 'transfer-error'
  | 'rdb-error'
  | 'sync-finished'
  | 'handshake-timeout'
  | 'transfer-timeout'
  | 'master-timeout'
  | 'link-lost'
  | 'protocol-error';

export interface TransitionRule {
  from: ReplState;
  to: ReplState;
  /** The causes that may drive this transition. */
  causes: readonly TransitionCause[];
  /** The Redis function that performs it (replication.c). */
  where: string;
  /** What happens, in one line. */
  summary: string;
}

const S = ReplState;

/**
 * Every legal transition of repl_state, in the order of the document a person
 * reads. Redis also goes from SEND_HANDSHAKE and SEND_PSYNC back to CONNECT when
 * a synchronous write fails; here writes are asynchronous, so a failed write
 * shows up as a lost link at the next read instead.
 */
export const TRANSITIONS: readonly TransitionRule[] = [
  { from: S.NONE, to: S.CONNECT, causes: ['replicaof'], where: 'replicationSetMaster', summary: 'REPLICAOF host port (or replicaof in the config): become a replica' },
  { from: S.CONNECT, to: S.CONNECTING, causes: ['cron-connect', 'reconnect', 'replicaof'], where: 'connectWithMaster', summary: 'non-blocking connect to the master issued' },
  { from: S.CONNECT, to: S.NONE, causes: ['replicaof-no-one'], where: 'replicationUnsetMaster', summary: 'REPLICAOF NO ONE: become a master, shift the replication ID' },
  { from: S.CONNECTING, to: S.RECEIVE_PING_REPLY, causes: ['connect-ok'], where: 'syncWithMaster', summary: 'connected: PING sent' },
  { from: S.CONNECTING, to: S.CONNECT, causes: ['connect-error', 'handshake-timeout', 'replicaof', 'replicaof-no-one'], where: 'syncWithMaster', summary: 'connect failed, timed out or cancelled' },
  { from: S.RECEIVE_PING_REPLY, to: S.SEND_HANDSHAKE, causes: ['ping-reply'], where: 'syncWithMaster', summary: 'PING answered (+PONG, -NOAUTH or -NOPERM)' },
  { from: S.RECEIVE_PING_REPLY, to: S.CONNECT, causes: ['ping-error', 'no-response', 'handshake-timeout', 'replicaof', 'replicaof-no-one'], where: 'syncWithMaster', summary: 'PING refused, unanswered or timed out' },
  { from: S.SEND_HANDSHAKE, to: S.RECEIVE_AUTH_REPLY, causes: ['handshake-sent'], where: 'syncWithMaster', summary: 'AUTH and REPLCONFs written back to back' },
  { from: S.RECEIVE_AUTH_REPLY, to: S.RECEIVE_PORT_REPLY, causes: ['auth-ok', 'auth-skipped'], where: 'syncWithMaster', summary: 'AUTH accepted (or no masterauth)' },
  { from: S.RECEIVE_AUTH_REPLY, to: S.CONNECT, causes: ['auth-error', 'no-response', 'handshake-timeout', 'replicaof', 'replicaof-no-one'], where: 'syncWithMaster', summary: 'AUTH refused, unanswered or timed out' },
  { from: S.RECEIVE_PORT_REPLY, to: S.RECEIVE_IP_REPLY, causes: ['port-reply'], where: 'syncWithMaster', summary: 'REPLCONF listening-port answered' },
  { from: S.RECEIVE_PORT_REPLY, to: S.CONNECT, causes: ['no-response', 'handshake-timeout', 'replicaof', 'replicaof-no-one'], where: 'syncWithMaster', summary: 'REPLCONF listening-port unanswered or timed out' },
  { from: S.RECEIVE_IP_REPLY, to: S.RECEIVE_CAPA_REPLY, causes: ['ip-reply', 'ip-skipped'], where: 'syncWithMaster', summary: 'REPLCONF ip-address answered (or no replica-announce-ip)' },
  { from: S.RECEIVE_IP_REPLY, to: S.CONNECT, causes: ['no-response', 'handshake-timeout', 'replicaof', 'replicaof-no-one'], where: 'syncWithMaster', summary: 'REPLCONF ip-address unanswered or timed out' },
  { from: S.RECEIVE_CAPA_REPLY, to: S.SEND_PSYNC, causes: ['capa-reply'], where: 'syncWithMaster', summary: 'REPLCONF capa answered' },
  { from: S.RECEIVE_CAPA_REPLY, to: S.CONNECT, causes: ['no-response', 'handshake-timeout', 'replicaof', 'replicaof-no-one'], where: 'syncWithMaster', summary: 'REPLCONF capa unanswered or timed out' },
  { from: S.SEND_PSYNC, to: S.RECEIVE_PSYNC_REPLY, causes: ['psync-sent'], where: 'slaveTryPartialResynchronization', summary: 'PSYNC <replid> <offset> written' },
  { from: S.RECEIVE_PSYNC_REPLY, to: S.TRANSFER, causes: ['full-resync', 'sync-fallback'], where: 'syncWithMaster', summary: '+FULLRESYNC (or legacy SYNC): the RDB comes next' },
  { from: S.RECEIVE_PSYNC_REPLY, to: S.CONNECTED, causes: ['partial-resync'], where: 'slaveTryPartialResynchronization', summary: '+CONTINUE: partial resync, the cached master is resurrected' },
  { from: S.RECEIVE_PSYNC_REPLY, to: S.CONNECT, causes: ['psync-try-later', 'no-response', 'handshake-timeout', 'protocol-error', 'replicaof', 'replicaof-no-one'], where: 'syncWithMaster', summary: '-NOMASTERLINK/-LOADING, no reply or timed out' },
  { from: S.TRANSFER, to: S.CONNECTED, causes: ['sync-finished'], where: 'readSyncBulkPayload', summary: 'RDB received and loaded: MASTER <-> REPLICA sync finished' },
  { from: S.TRANSFER, to: S.CONNECT, causes: ['transfer-error', 'protocol-error', 'rdb-error', 'transfer-timeout', 'replicaof', 'replicaof-no-one'], where: 'cancelReplicationHandshake', summary: 'transfer failed, bad header, RDB refused or timed out' },
  { from: S.CONNECTED, to: S.CONNECT, causes: ['link-lost', 'master-timeout', 'protocol-error', 'replicaof', 'replicaof-no-one'], where: 'replicationHandleMasterDisconnection', summary: 'link to the master lost: master cached for PSYNC' },
];

const byPair = new Map<string, TransitionRule>();
for (const t of TRANSITIONS) byPair.set(`${t.from}>${t.to}`, t);

export function findTransition(from: ReplState, to: ReplState): TransitionRule | undefined {
  return byPair.get(`${from}>${to}`);
}

export class IllegalTransitionError extends Error {
  constructor(from: ReplState, to: ReplState, cause: TransitionCause) {
    super(`illegal repl_state transition ${stateName(from)} -> ${stateName(to)} (cause ${cause}): not in the transition table`);
    this.name = 'IllegalTransitionError';
  }
}
