// The replica's replication states and the tables of legal transitions
// between them, as data: the main state (server.repl_state) and the state of
// the second connection a multi-channel full sync opens (Redis 8's
// server.repl_rdb_ch_state, Valkey 8's server.repl_rdb_channel_state). The
// engine, the breakpoint matcher, the state-machine document, the diagram and
// the docs all read these tables. Which rules a replica has depends on its
// version: a rule may require a feature of the profile (transitionTable()).
import type { Feature, VersionProfile } from '../versions/profile';

/**
 * server.repl_state, the union of every version's states. The numbers are
 * this enum's own: Redis renumbers them between versions (8.6 inserts
 * RECEIVE_REQ_REPLY, Valkey 8 RECEIVE_VERSION_REPLY); stateNumber() gives a
 * version's.
 */
export enum ReplState {
  NONE = 0,
  CONNECT = 1,
  CONNECTING = 2,
  RECEIVE_PING_REPLY = 3,
  SEND_HANDSHAKE = 4,
  RECEIVE_AUTH_REPLY = 5,
  RECEIVE_PORT_REPLY = 6,
  RECEIVE_IP_REPLY = 7,
  /** Redis 8.6: the reply to REPLCONF rdb-no-compress (and 8.8's rdb-no-checksum). */
  RECEIVE_REQ_REPLY = 8,
  RECEIVE_CAPA_REPLY = 9,
  /** Valkey 8: the reply to REPLCONF version. */
  RECEIVE_VERSION_REPLY = 10,
  SEND_PSYNC = 11,
  RECEIVE_PSYNC_REPLY = 12,
  TRANSFER = 13,
  CONNECTED = 14,
}

/** Redis 8's rdb channel (REPL_RDB_CH_*). */
export enum RdbChannelState {
  NONE = 100,
  SEND_HANDSHAKE = 101,
  RECEIVE_AUTH_REPLY = 102,
  RECEIVE_REPLCONF_REPLY = 103,
  RECEIVE_FULLRESYNC = 104,
  RDB_LOADING = 105,
}

/** Valkey 8's rdb channel of a dual-channel sync (REPL_DUAL_CHANNEL_*). */
export enum DualChannelState {
  NONE = 200,
  SEND_HANDSHAKE = 201,
  RECEIVE_AUTH_REPLY = 202,
  RECEIVE_REPLCONF_REPLY = 203,
  RECEIVE_ENDOFF = 204,
  RDB_LOAD = 205,
  RDB_LOADED = 206,
}

export type ChannelState = RdbChannelState | DualChannelState;
export type AnyState = ReplState | ChannelState;

/** Which state machine a state belongs to. */
export type Machine = 'main' | 'rdb-channel' | 'dual-channel';

export function machineOf(s: AnyState): Machine {
  if (s >= 200) return 'dual-channel';
  if (s >= 100) return 'rdb-channel';
  return 'main';
}

const MAIN_STATES: readonly ReplState[] = [
  ReplState.NONE, ReplState.CONNECT, ReplState.CONNECTING, ReplState.RECEIVE_PING_REPLY,
  ReplState.SEND_HANDSHAKE, ReplState.RECEIVE_AUTH_REPLY, ReplState.RECEIVE_PORT_REPLY,
  ReplState.RECEIVE_IP_REPLY, ReplState.RECEIVE_REQ_REPLY, ReplState.RECEIVE_CAPA_REPLY,
  ReplState.RECEIVE_VERSION_REPLY, ReplState.SEND_PSYNC, ReplState.RECEIVE_PSYNC_REPLY,
  ReplState.TRANSFER, ReplState.CONNECTED,
];
const RDB_CHANNEL_STATES: readonly RdbChannelState[] = [
  RdbChannelState.NONE, RdbChannelState.SEND_HANDSHAKE, RdbChannelState.RECEIVE_AUTH_REPLY,
  RdbChannelState.RECEIVE_REPLCONF_REPLY, RdbChannelState.RECEIVE_FULLRESYNC, RdbChannelState.RDB_LOADING,
];
const DUAL_CHANNEL_STATES: readonly DualChannelState[] = [
  DualChannelState.NONE, DualChannelState.SEND_HANDSHAKE, DualChannelState.RECEIVE_AUTH_REPLY,
  DualChannelState.RECEIVE_REPLCONF_REPLY, DualChannelState.RECEIVE_ENDOFF, DualChannelState.RDB_LOAD,
  DualChannelState.RDB_LOADED,
];

/** Every state of every version and machine, main states first. */
export const ALL_STATES: readonly AnyState[] = [...MAIN_STATES, ...RDB_CHANNEL_STATES, ...DUAL_CHANNEL_STATES];

/** The main states a version has, in its server.h order (index = its REPL_STATE_* number). */
export function mainStates(profile: VersionProfile): ReplState[] {
  return MAIN_STATES.filter((s) => {
    if (s === ReplState.RECEIVE_REQ_REPLY) return profile.has('rdb-no-compress');
    if (s === ReplState.RECEIVE_VERSION_REPLY) return profile.has('replconf-version');
    return true;
  });
}

/** The channel machine a version has for its second connection, if any. */
export function channelMachine(profile: VersionProfile): Machine | null {
  if (profile.has('rdb-channel')) return 'rdb-channel';
  if (profile.has('dual-channel')) return 'dual-channel';
  return null;
}

/** Every state a version has: its main states, then its channel's. */
export function statesOf(profile: VersionProfile): AnyState[] {
  const machine = channelMachine(profile);
  const channel = machine === 'rdb-channel' ? RDB_CHANNEL_STATES : machine === 'dual-channel' ? DUAL_CHANNEL_STATES : [];
  return [...mainStates(profile), ...channel];
}

/** The number server.h gives a state in that version. */
export function stateNumber(profile: VersionProfile, s: AnyState): number {
  const machine = machineOf(s);
  if (machine === 'main') return mainStates(profile).indexOf(s as ReplState);
  return s - (machine === 'rdb-channel' ? 100 : 200);
}

/** `REPL_STATE_TRANSFER`, `REPL_RDB_CH_RDB_LOADING`, `REPL_DUAL_CHANNEL_STATE_NONE`: as server.h spells them. */
export function stateName(s: AnyState): string {
  switch (machineOf(s)) {
    case 'main':
      return `REPL_STATE_${ReplState[s]}`;
    case 'rdb-channel':
      return s === RdbChannelState.NONE ? 'REPL_RDB_CH_STATE_NONE' : `REPL_RDB_CH_${RdbChannelState[s]}`;
    case 'dual-channel':
      return s === DualChannelState.NONE ? 'REPL_DUAL_CHANNEL_STATE_NONE' : `REPL_DUAL_CHANNEL_${DualChannelState[s]}`;
  }
}

/**
 * The name people write (`TRANSFER`, `RDB_CH_RDB_LOADING`, `DUAL_CHANNEL_RDB_LOAD`):
 * server.h's without REPL_ and the _STATE_ of the main states.
 */
export function shortStateName(s: AnyState): string {
  switch (machineOf(s)) {
    case 'main':
      return ReplState[s];
    case 'rdb-channel':
      return `RDB_CH_${RdbChannelState[s]}`;
    case 'dual-channel':
      return `DUAL_CHANNEL_${DualChannelState[s]}`;
  }
}

/** slaveIsInHandshakeState(): RECEIVE_PING_REPLY up to RECEIVE_PSYNC_REPLY. */
export function isHandshakeState(s: AnyState): boolean {
  return s >= ReplState.RECEIVE_PING_REPLY && s <= ReplState.RECEIVE_PSYNC_REPLY;
}

/**
 * The coarse phases people speak of. Redis walks up to ten handshake states
 * between CONNECTING and TRANSFER; a person says "handshake". A channel's
 * states belong to the phase the sync is in: its handshake, then the transfer.
 */
export type Phase = 'NONE' | 'CONNECT' | 'HANDSHAKE' | 'TRANSFER' | 'CONNECTED';

export function phaseOf(s: AnyState): Phase {
  switch (s) {
    case ReplState.NONE:
    case RdbChannelState.NONE:
    case DualChannelState.NONE:
      return 'NONE';
    case ReplState.CONNECT:
      return 'CONNECT';
    case ReplState.TRANSFER:
    case RdbChannelState.RDB_LOADING:
    case DualChannelState.RDB_LOAD:
    case DualChannelState.RDB_LOADED:
      return 'TRANSFER';
    case ReplState.CONNECTED:
      return 'CONNECTED';
    default:
      return 'HANDSHAKE';
  }
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
  | 'req-reply' // REPLCONF rdb-no-compress answered (Redis 8.6)
  | 'req-skipped' // not loading diskless: no REPLCONF rdb-no-compress
  | 'capa-reply'
  | 'version-reply' // REPLCONF version answered (Valkey 8)
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
  | 'protocol-error'
  // --- multi-channel full sync -------------------------------------------
  | 'rdb-channel-sync' // +RDBCHANNELSYNC / +DUALCHANNELSYNC: the rdb channel connects
  | 'rdb-channel-error' // the rdb channel's connect, handshake or reply failed
  | 'rdb-channel-abort' // the sync was cancelled while the rdb channel was open
  | 'endoff' // Valkey: $ENDOFF read on the rdb channel; the main channel asks PSYNC at the end offset
  | 'rdb-client-id-sent' // Valkey: REPLCONF set-rdb-client-id written on the main channel
  | 'rdb-client-id-reply'
  | 'rdb-loaded' // Valkey: the RDB loaded before the main channel's PSYNC was accepted
  | 'buffer-streamed'; // the main channel's local buffer was streamed into the dataset: the sync is over

export interface TransitionRule {
  machine: Machine;
  from: AnyState;
  to: AnyState;
  /** The causes that may drive this transition. */
  causes: readonly TransitionCause[];
  /** The Redis function that performs it (replication.c). */
  where: string;
  /** What happens, in one line. */
  summary: string;
  /** Only versions with this feature make this transition. */
  requires?: Feature;
  /** Versions with this feature do not make it. */
  unless?: Feature;
}

const S = ReplState;
const R = RdbChannelState;
const D = DualChannelState;
/**
 * What cancels a handshake in any of its states. rdb-error: Valkey 8's diskless
 * load of an aborted dual-channel sync fails after the replica has started to
 * reconnect, and cancels that new handshake.
 */
const CANCEL: TransitionCause[] = ['no-response', 'handshake-timeout', 'replicaof', 'replicaof-no-one', 'rdb-error'];

function main(from: ReplState, to: ReplState, causes: TransitionCause[], where: string, summary: string, gate: Partial<Pick<TransitionRule, 'requires' | 'unless'>> = {}): TransitionRule {
  return { machine: 'main', from, to, causes, where, summary, ...gate };
}

function rdbCh(from: RdbChannelState, to: RdbChannelState, causes: TransitionCause[], where: string, summary: string): TransitionRule {
  return { machine: 'rdb-channel', from, to, causes, where, summary, requires: 'rdb-channel' };
}

function dualCh(from: DualChannelState, to: DualChannelState, causes: TransitionCause[], where: string, summary: string): TransitionRule {
  return { machine: 'dual-channel', from, to, causes, where, summary, requires: 'dual-channel' };
}

const RDB_CH_ABORT: TransitionCause[] = ['rdb-channel-error', 'rdb-channel-abort'];

/**
 * Every legal transition of every version, in the order of the document a
 * person reads. Redis also goes from SEND_HANDSHAKE and SEND_PSYNC back to
 * CONNECT when a synchronous write fails; here writes are asynchronous, so a
 * failed write shows up as a lost link at the next read instead.
 */
export const TRANSITIONS: readonly TransitionRule[] = [
  main(S.NONE, S.CONNECT, ['replicaof'], 'replicationSetMaster', 'REPLICAOF host port (or replicaof in the config): become a replica'),
  main(S.CONNECT, S.CONNECTING, ['cron-connect', 'reconnect', 'replicaof'], 'connectWithMaster', 'non-blocking connect to the master issued'),
  main(S.CONNECT, S.NONE, ['replicaof-no-one'], 'replicationUnsetMaster', 'REPLICAOF NO ONE: become a master, shift the replication ID'),
  main(S.CONNECTING, S.RECEIVE_PING_REPLY, ['connect-ok'], 'syncWithMaster', 'connected: PING sent'),
  main(S.CONNECTING, S.CONNECT, ['connect-error', 'handshake-timeout', 'replicaof', 'replicaof-no-one', 'rdb-error'], 'syncWithMaster', 'connect failed, timed out or cancelled'),
  main(S.RECEIVE_PING_REPLY, S.SEND_HANDSHAKE, ['ping-reply'], 'syncWithMaster', 'PING answered (+PONG, -NOAUTH or -NOPERM)'),
  main(S.RECEIVE_PING_REPLY, S.CONNECT, ['ping-error', ...CANCEL], 'syncWithMaster', 'PING refused, unanswered or timed out'),
  main(S.SEND_HANDSHAKE, S.RECEIVE_AUTH_REPLY, ['handshake-sent'], 'syncWithMaster', 'AUTH and REPLCONFs written back to back'),
  main(S.SEND_HANDSHAKE, S.RECEIVE_CAPA_REPLY, ['rdb-client-id-sent'], 'setupMainConnForPsync', 'dual channel: REPLCONF set-rdb-client-id written on the main channel', { requires: 'dual-channel' }),
  main(S.RECEIVE_AUTH_REPLY, S.RECEIVE_PORT_REPLY, ['auth-ok', 'auth-skipped'], 'syncWithMaster', 'AUTH accepted (or no masterauth)'),
  main(S.RECEIVE_AUTH_REPLY, S.CONNECT, ['auth-error', ...CANCEL], 'syncWithMaster', 'AUTH refused, unanswered or timed out'),
  main(S.RECEIVE_PORT_REPLY, S.RECEIVE_IP_REPLY, ['port-reply'], 'syncWithMaster', 'REPLCONF listening-port answered'),
  main(S.RECEIVE_PORT_REPLY, S.CONNECT, CANCEL, 'syncWithMaster', 'REPLCONF listening-port unanswered or timed out'),
  main(S.RECEIVE_IP_REPLY, S.RECEIVE_REQ_REPLY, ['ip-reply', 'ip-skipped'], 'syncWithMaster', 'REPLCONF ip-address answered (or no replica-announce-ip)', { requires: 'rdb-no-compress' }),
  main(S.RECEIVE_IP_REPLY, S.RECEIVE_CAPA_REPLY, ['ip-reply', 'ip-skipped'], 'syncWithMaster', 'REPLCONF ip-address answered (or no replica-announce-ip)', { unless: 'rdb-no-compress' }),
  main(S.RECEIVE_IP_REPLY, S.CONNECT, CANCEL, 'syncWithMaster', 'REPLCONF ip-address unanswered or timed out'),
  main(S.RECEIVE_REQ_REPLY, S.RECEIVE_CAPA_REPLY, ['req-reply', 'req-skipped'], 'syncWithMaster', 'REPLCONF rdb-no-compress answered (or not loading diskless)', { requires: 'rdb-no-compress' }),
  main(S.RECEIVE_REQ_REPLY, S.CONNECT, CANCEL, 'syncWithMaster', 'REPLCONF rdb-no-compress unanswered or timed out', { requires: 'rdb-no-compress' }),
  main(S.RECEIVE_CAPA_REPLY, S.RECEIVE_VERSION_REPLY, ['capa-reply'], 'syncWithPrimary', 'REPLCONF capa answered', { requires: 'replconf-version' }),
  main(S.RECEIVE_CAPA_REPLY, S.SEND_PSYNC, ['capa-reply', 'rdb-client-id-reply'], 'syncWithMaster', 'REPLCONF capa answered (dual channel: REPLCONF set-rdb-client-id answered)'),
  main(S.RECEIVE_CAPA_REPLY, S.CONNECT, [...CANCEL, 'rdb-channel-error'], 'syncWithMaster', 'REPLCONF capa unanswered or timed out (dual channel: set-rdb-client-id refused)'),
  main(S.RECEIVE_VERSION_REPLY, S.SEND_PSYNC, ['version-reply'], 'syncWithPrimary', 'REPLCONF version answered', { requires: 'replconf-version' }),
  main(S.RECEIVE_VERSION_REPLY, S.CONNECT, CANCEL, 'syncWithPrimary', 'REPLCONF version unanswered or timed out', { requires: 'replconf-version' }),
  main(S.SEND_PSYNC, S.RECEIVE_PSYNC_REPLY, ['psync-sent'], 'slaveTryPartialResynchronization', 'PSYNC <replid> <offset> written'),
  main(S.RECEIVE_PSYNC_REPLY, S.SEND_HANDSHAKE, ['endoff'], 'fullSyncWithPrimary', 'dual channel: $ENDOFF on the rdb channel; the main channel asks PSYNC from the end offset', { requires: 'dual-channel' }),
  main(S.RECEIVE_PSYNC_REPLY, S.TRANSFER, ['full-resync', 'sync-fallback', 'partial-resync'], 'syncWithMaster', '+FULLRESYNC (or legacy SYNC): the RDB comes next (rdb channel: its +FULLRESYNC; dual channel: +CONTINUE while the RDB loads)'),
  main(S.RECEIVE_PSYNC_REPLY, S.CONNECTED, ['partial-resync', 'buffer-streamed'], 'slaveTryPartialResynchronization', '+CONTINUE: partial resync, the cached master is resurrected (dual channel: the RDB was loaded already)'),
  main(S.RECEIVE_PSYNC_REPLY, S.CONNECT, ['psync-try-later', 'protocol-error', 'rdb-channel-error', ...CANCEL], 'syncWithMaster', '-NOMASTERLINK/-LOADING, no reply, timed out, or the rdb channel failed'),
  main(S.TRANSFER, S.CONNECTED, ['sync-finished', 'buffer-streamed'], 'readSyncBulkPayload', 'RDB received and loaded: MASTER <-> REPLICA sync finished'),
  main(S.TRANSFER, S.CONNECT, ['transfer-error', 'protocol-error', 'rdb-error', 'transfer-timeout', 'rdb-channel-error', 'replicaof', 'replicaof-no-one'], 'cancelReplicationHandshake', 'transfer failed, bad header, RDB refused or timed out'),
  main(S.CONNECTED, S.CONNECT, ['link-lost', 'master-timeout', 'protocol-error', 'replicaof', 'replicaof-no-one'], 'replicationHandleMasterDisconnection', 'link to the master lost: master cached for PSYNC'),

  rdbCh(R.NONE, R.SEND_HANDSHAKE, ['rdb-channel-sync'], 'syncWithMaster', '+RDBCHANNELSYNC <client-id>: connect the rdb channel'),
  rdbCh(R.SEND_HANDSHAKE, R.RECEIVE_AUTH_REPLY, ['handshake-sent'], 'rdbChannelSendHandshake', 'connected: AUTH and REPLCONF … main-ch-client-id <id> written'),
  rdbCh(R.SEND_HANDSHAKE, R.NONE, RDB_CH_ABORT, 'rdbChannelAbort', 'the rdb channel could not connect, or the sync was cancelled'),
  rdbCh(R.RECEIVE_AUTH_REPLY, R.RECEIVE_REPLCONF_REPLY, ['auth-ok', 'auth-skipped'], 'rdbChannelHandleAuthReply', 'AUTH accepted (or no masterauth)'),
  rdbCh(R.RECEIVE_AUTH_REPLY, R.NONE, RDB_CH_ABORT, 'rdbChannelAbort', 'AUTH refused or unanswered'),
  rdbCh(R.RECEIVE_REPLCONF_REPLY, R.RECEIVE_FULLRESYNC, ['capa-reply'], 'rdbChannelHandleReplconfReply', 'REPLCONF answered: PSYNC ? -1 written on the rdb channel'),
  rdbCh(R.RECEIVE_REPLCONF_REPLY, R.NONE, RDB_CH_ABORT, 'rdbChannelAbort', 'REPLCONF refused (Unrecognized RDB client id) or unanswered'),
  rdbCh(R.RECEIVE_FULLRESYNC, R.RDB_LOADING, ['full-resync'], 'rdbChannelHandleFullresyncReply', '+FULLRESYNC: the RDB and the stream arrive in parallel'),
  rdbCh(R.RECEIVE_FULLRESYNC, R.NONE, RDB_CH_ABORT, 'rdbChannelAbort', 'unexpected reply to PSYNC, or no reply'),
  rdbCh(R.RDB_LOADING, R.NONE, ['buffer-streamed', ...RDB_CH_ABORT], 'rdbChannelCleanup', 'the buffered stream was applied (or the sync failed)'),

  dualCh(D.NONE, D.SEND_HANDSHAKE, ['rdb-channel-sync'], 'syncWithPrimary', '+DUALCHANNELSYNC: connect the rdb channel'),
  dualCh(D.SEND_HANDSHAKE, D.RECEIVE_AUTH_REPLY, ['handshake-sent'], 'fullSyncWithPrimary', 'connected: AUTH and REPLCONF capa eof rdb-only 1 rdb-channel 1 written'),
  dualCh(D.SEND_HANDSHAKE, D.NONE, RDB_CH_ABORT, 'replicationAbortDualChannelSyncTransfer', 'the rdb channel could not connect, or the sync was cancelled'),
  dualCh(D.RECEIVE_AUTH_REPLY, D.RECEIVE_REPLCONF_REPLY, ['auth-ok', 'auth-skipped'], 'fullSyncWithPrimary', 'AUTH accepted (or no primaryauth)'),
  dualCh(D.RECEIVE_AUTH_REPLY, D.NONE, RDB_CH_ABORT, 'replicationAbortDualChannelSyncTransfer', 'AUTH refused or unanswered'),
  dualCh(D.RECEIVE_REPLCONF_REPLY, D.RECEIVE_ENDOFF, ['capa-reply'], 'fullSyncWithPrimary', 'REPLCONF answered: SYNC written on the rdb channel'),
  dualCh(D.RECEIVE_REPLCONF_REPLY, D.NONE, RDB_CH_ABORT, 'replicationAbortDualChannelSyncTransfer', 'REPLCONF refused or unanswered'),
  dualCh(D.RECEIVE_ENDOFF, D.RDB_LOAD, ['endoff'], 'fullSyncWithPrimary', '$ENDOFF: the snapshot end offset; the RDB comes next'),
  dualCh(D.RECEIVE_ENDOFF, D.NONE, RDB_CH_ABORT, 'replicationAbortDualChannelSyncTransfer', 'a malformed $ENDOFF, or no reply'),
  dualCh(D.RDB_LOAD, D.RDB_LOADED, ['rdb-loaded'], 'dualChannelSyncHandleRdbLoadCompletion', 'the RDB loaded before the main channel\'s PSYNC was accepted'),
  dualCh(D.RDB_LOAD, D.NONE, ['buffer-streamed', ...RDB_CH_ABORT], 'dualChannelSyncSuccess', 'loaded and the buffered stream applied (or the sync failed)'),
  dualCh(D.RDB_LOADED, D.NONE, ['buffer-streamed', ...RDB_CH_ABORT], 'dualChannelSyncSuccess', 'the main channel\'s PSYNC was accepted: the buffered stream applied (or the sync failed)'),
];

/** Whether a rule exists in a version. */
export function ruleApplies(rule: TransitionRule, profile: VersionProfile): boolean {
  return (rule.requires === undefined || profile.has(rule.requires)) && (rule.unless === undefined || !profile.has(rule.unless));
}

const tables = new WeakMap<VersionProfile, TransitionTable>();

/** One version's rules, indexed by pair. */
export class TransitionTable {
  readonly rules: readonly TransitionRule[];
  readonly states: readonly AnyState[];
  private readonly byPair = new Map<string, TransitionRule>();

  constructor(readonly profile: VersionProfile) {
    this.rules = TRANSITIONS.filter((r) => ruleApplies(r, profile));
    this.states = statesOf(profile);
    for (const r of this.rules) {
      const key = `${r.from}>${r.to}`;
      if (this.byPair.has(key)) throw new Error(`two rules for ${stateName(r.from)} -> ${stateName(r.to)} in ${profile.id}`);
      this.byPair.set(key, r);
    }
  }

  find(from: AnyState, to: AnyState): TransitionRule | undefined {
    return this.byPair.get(`${from}>${to}`);
  }
}

export function transitionTable(profile: VersionProfile): TransitionTable {
  let t = tables.get(profile);
  if (!t) {
    t = new TransitionTable(profile);
    tables.set(profile, t);
  }
  return t;
}

const anyByPair = new Map<string, TransitionRule>();
for (const t of TRANSITIONS) if (!anyByPair.has(`${t.from}>${t.to}`)) anyByPair.set(`${t.from}>${t.to}`, t);

/** The rule for a pair in any version (the union table). */
export function findTransition(from: AnyState, to: AnyState): TransitionRule | undefined {
  return anyByPair.get(`${from}>${to}`);
}

export class IllegalTransitionError extends Error {
  constructor(from: AnyState, to: AnyState, cause: TransitionCause, profile?: VersionProfile) {
    super(`illegal ${machineOf(from) === 'main' ? 'repl_state' : 'rdb channel state'} transition ${stateName(from)} -> ${stateName(to)} (cause ${cause}): not in the transition table${profile ? ` of ${profile.id}` : ''}`);
    this.name = 'IllegalTransitionError';
  }
}
