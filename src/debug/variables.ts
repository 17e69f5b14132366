// The scopes of a stopped replica as trees of named values: what the session
// hands to DAP's scopes/variables. Pure: it reads the model (ReplicaInfo under
// Redis's names, principle 4) and the timeout countdowns, and formats values
// the way watches and hovers do (values.ts), so a variable and an expression
// over it read the same. What a scope shows follows the replica's version:
// the fields that version has, under its names (channelNodes for the second
// connection of a multi-channel sync).
import type { RecentEvent } from '../engine/recentEvents';
import type { ReplicaInfo } from '../engine/replicaInfo';
import type { TransferProgress } from '../engine/transferProgress';
import type { MasterReplTimeout } from './masterReplTimeout';
import { recentEventNodes } from './recentEventsView';
import { isStateName } from './replicaScope';
import { replicaTimeouts, type TimeoutView } from './timeouts';
import { transferNodes } from './transferView';
import { formatValue, state, toValue, typeName } from './values';
import { channelNames, mainChannelFlags, type LinkView, type VersionSnapshot } from './versionView';

export interface VariableNode {
  name: string;
  value: string;
  type?: string;
  /** Present for a struct: its fields, expanded on demand. */
  children?: readonly VariableNode[];
  /** What a watch would write to read this value (`master.reploff`). */
  evaluateName?: string;
}

export type ScopeId = 'replication' | 'master-link' | 'channel' | 'timeouts' | 'transfer' | 'recent' | 'keyspace';

export interface ScopeView {
  id: ScopeId;
  name: string;
  /** The client expands it only when asked (the Keyspace is read a page at a time). */
  expensive?: boolean;
}

/** Every replica's scopes; a version with a second connection adds its own after Master link (scopesOf). */
export const SCOPES: readonly ScopeView[] = [
  { id: 'replication', name: 'Replication' },
  { id: 'master-link', name: 'Master link' },
  { id: 'timeouts', name: 'Timeouts' },
  { id: 'transfer', name: 'Transfer' },
  { id: 'recent', name: 'Recent events' },
  { id: 'keyspace', name: 'Keyspace', expensive: true },
];

/** The scopes of a replica of `profile`: the Rdb channel (Redis 8) or Dual channel (Valkey 8) scope where it has one. */
export function scopesOf(profile: VersionSnapshot['profile']): ScopeView[] {
  const names = channelNames(profile);
  if (!names) return [...SCOPES];
  const at = SCOPES.findIndex((s) => s.id === 'master-link') + 1;
  return [...SCOPES.slice(0, at), { id: 'channel', name: names.scope }, ...SCOPES.slice(at)];
}

/**
 * Variables of the Replication scope that are configs, by the config name
 * CONFIG SET knows them by: setVariable sets them as CONFIG SET would.
 */
export const SETTING_VARIABLES: ReadonlyMap<string, string> = new Map([
  ['repl_timeout', 'repl-timeout'],
  ['masterauth', 'masterauth'],
]);

/** What the views read of one replica right now. */
export interface ReplicaSnapshot {
  info: Readonly<ReplicaInfo>;
  replTimeout: number;
  /** Whether masterauth is set (its value is never shown). */
  masterauthSet: boolean;
  /** The engine's clock, ms. */
  nowMs: number;
  /** Bytes received from the master that the engine has not read (kept while stopped). */
  unreadBytes: number;
  /** Whether the engine's clock is held (a keepalive stop): the countdowns stand still. */
  clockHeld: boolean;
  /** The engine's recent events, newest first. */
  recent: readonly RecentEvent[];
  /** The transfer's received bytes, rate and RDB load position. */
  transfer: TransferProgress;
  /** The master's repl-timeout (it drops a replica whose last ACK is older), and where the figure came from. */
  masterReplTimeout: MasterReplTimeout;
  /** The version it emulates, and its second connection. */
  version: VersionSnapshot;
  /** How much of the dataset it keeps: the setting, the footprint in effect and why. */
  dataset: DatasetSnapshot;
}

export interface DatasetSnapshot {
  setting: string;
  footprint: string;
  reason: string;
}

/** Live in Master link, not Replication. */
const LINK_FIELDS = new Set(['master', 'cached_master']);
/** The second connection's: in its own scope, for the versions that have one. */
const CHANNEL_FIELDS = new Set(['repl_rdb_ch_state', 'repl_main_ch_state', 'repl_main_ch_client_id', 'rdb_client_id', 'repl_provisional_primary']);
/** Redis 8.2's sync attempts and link times: shown where INFO prints them. */
const SYNC_ATTEMPT_FIELDS = new Set([
  'repl_current_sync_attempts', 'repl_total_sync_attempts', 'repl_up_since', 'repl_total_disconnect_time', 'repl_disconnect_start_time',
]);

function node(name: string, raw: unknown, path: string = name): VariableNode {
  const v = isStateName(name) ? state(raw as ReplicaInfo['repl_state']) : toValue(raw);
  if (v === undefined) return { name, value: String(raw) };
  const out: VariableNode = { name, value: formatValue(v, true), type: typeName(v), evaluateName: path };
  if (v.type === 'record' && raw !== null && typeof raw === 'object') {
    out.children = Object.entries(raw).map(([k, child]) => node(k, child, `${path}.${k}`));
  }
  return out;
}

const quoted = (text: string): string => formatValue({ type: 'string', value: text }, true);

/** The version it emulates: which, its label, why, and what the master runs. */
function emulationNode(v: VersionSnapshot): VariableNode {
  const e = v.emulation;
  const value = e.resolved ? `${v.profile.id} (${v.profile.label})` : `not known yet (emulate ${v.emulate})`;
  return {
    name: 'emulate',
    value,
    children: [
      { name: 'setting', value: quoted(v.emulate), type: 'string' },
      { name: 'profile', value: e.resolved ? quoted(v.profile.id) : `${quoted(v.profile.id)} (standing in until the master is asked)`, type: 'string' },
      { name: 'label', value: quoted(v.profile.label), type: 'string' },
      { name: 'reason', value: quoted(e.reason), type: 'string' },
      { name: 'master_version', value: e.masterVersion === null ? 'null' : quoted(e.masterVersion), type: e.masterVersion === null ? 'null' : 'string' },
      { name: 'reported_version', value: quoted(v.emulatedVersion), type: 'string' },
    ],
  };
}

/** How much of the dataset it keeps, and why: what a Keyspace without values is explained by. */
function datasetNode(d: DatasetSnapshot): VariableNode {
  return {
    name: 'dataset',
    value: d.footprint === 'full' ? 'full (every value)' : `${d.footprint} (no keys kept)`,
    children: [
      { name: 'setting', value: quoted(d.setting), type: 'string' },
      { name: 'footprint', value: quoted(d.footprint), type: 'string' },
      { name: 'reason', value: quoted(d.reason), type: 'string' },
    ],
  };
}

function replication(s: ReplicaSnapshot): VariableNode[] {
  const has82 = s.version.profile.has('info-sync-attempts');
  const fields = Object.entries(s.info)
    .filter(([k]) => !LINK_FIELDS.has(k) && !CHANNEL_FIELDS.has(k) && (has82 || !SYNC_ATTEMPT_FIELDS.has(k)))
    .map(([k, v]) => node(k, v));
  fields.unshift(emulationNode(s.version), datasetNode(s.dataset));
  // repl-timeout is a config, but Redis's C code reads it as server.repl_timeout next to these fields.
  fields.push({ name: 'repl_timeout', value: String(s.replTimeout), type: 'integer' });
  fields.push({ name: 'masterauth', value: s.masterauthSet ? '(redacted)' : '(not set)', type: 'string' });
  return fields;
}

function linkNode(name: string, link: LinkView | null): VariableNode {
  if (link === null) return { name, value: 'not connected' };
  return {
    name,
    value: `link ${link.id}, ${link.unread} bytes unread`,
    children: [
      { name: 'id', value: String(link.id), type: 'integer' },
      { name: 'unread_bytes', value: String(link.unread), type: 'integer' },
    ],
  };
}

/**
 * The Rdb channel (Redis 8) or Dual channel (Valkey 8) scope: the second
 * connection's state under the version's name, what the two links exchanged,
 * the local buffer under INFO's names, and each link's unread bytes.
 */
function channel(s: ReplicaSnapshot): VariableNode[] {
  const names = channelNames(s.version.profile);
  if (!names) return [];
  const info = s.info;
  const b = s.version.buffer;
  const nodes: VariableNode[] = [node(names.stateField, info.repl_rdb_ch_state)];
  if (names.machine === 'rdb-channel') {
    const flags = node('repl_main_ch_state', info.repl_main_ch_state);
    nodes.push({ ...flags, value: mainChannelFlags(info.repl_main_ch_state) }, node('repl_main_ch_client_id', info.repl_main_ch_client_id));
  } else {
    nodes.push(node('rdb_client_id', info.rdb_client_id), node('repl_provisional_primary', info.repl_provisional_primary));
  }
  nodes.push(
    { name: names.bufferSize, value: String(b.size), type: 'integer' },
    { name: names.bufferPeak, value: String(b.peak), type: 'integer' },
    { name: 'buffer_used', value: String(b.used), type: 'integer' },
    { name: 'buffer_blocks', value: String(b.blocks), type: 'integer' },
    linkNode('main_link', s.version.mainLink),
    linkNode('rdb_link', s.version.rdbLink),
  );
  return nodes;
}

function masterLink(s: ReplicaSnapshot): VariableNode[] {
  return [
    node('master', s.info.master),
    node('cached_master', s.info.cached_master),
    { name: 'unread_bytes', value: String(s.unreadBytes), type: 'integer' },
  ];
}

const seconds = (ms: number): string => String(Math.ceil(ms / 1000));

function timeoutNode(t: TimeoutView, s: ReplicaSnapshot): VariableNode {
  const name = `${t.id}_timeout`;
  if (!t.active) return { name, value: `not armed (${t.label})` };
  const remaining = seconds(t.remainingMs!);
  // Held clock = a keepalive stop: our countdowns stand still, and the ACK sent each second resets the master's.
  const note = !s.clockHeld ? '' : t.id === 'master_drop' ? ' (reset each second by the keepalive ACK)' : ' (clock held while stopped)';
  const children: VariableNode[] = [
    { name: 'elapsed', value: String(t.elapsed), type: 'integer' },
    { name: 'limit', value: String(t.limit), type: 'integer' },
    { name: 'remaining', value: remaining, type: 'integer' },
    { name: 'since', value: t.since },
  ];
  if (t.id === 'master_drop') children.push({ name: 'limit_source', value: s.masterReplTimeout.source });
  return { name, value: `${t.label} in ${remaining} s${note}`, children };
}

function timeouts(s: ReplicaSnapshot): VariableNode[] {
  const view = replicaTimeouts(s.info, s.replTimeout, s.masterReplTimeout.seconds, s.nowMs);
  return [
    ...view.timeouts.map((t) => timeoutNode(t, s)),
    { name: 'fires_first', value: view.firesFirst === null ? 'none' : `${view.firesFirst}_timeout` },
    { name: 'repl_timeout', value: String(s.replTimeout), type: 'integer' },
    { name: 'master_repl_timeout', value: `${s.masterReplTimeout.seconds} (${s.masterReplTimeout.source})` },
  ];
}

export function scopeVariables(id: ScopeId, snapshot: ReplicaSnapshot): VariableNode[] {
  switch (id) {
    case 'replication': return replication(snapshot);
    case 'master-link': return masterLink(snapshot);
    case 'channel': return channel(snapshot);
    case 'timeouts': return timeouts(snapshot);
    case 'transfer': return transferNodes(snapshot.info, snapshot.transfer);
    case 'recent': return recentEventNodes(snapshot.recent);
    // Paged from the dataset by keyspaceVariables.ts, not built as a tree.
    case 'keyspace': return [];
  }
}

/** The node at `path` (names from the scope down), or undefined when the model no longer has it. */
export function findNode(nodes: readonly VariableNode[], path: readonly string[]): VariableNode | undefined {
  let current: VariableNode | undefined;
  let level: readonly VariableNode[] | undefined = nodes;
  for (const name of path) {
    current = level?.find((n) => n.name === name);
    level = current?.children;
  }
  return current;
}
