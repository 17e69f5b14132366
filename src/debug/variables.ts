// The scopes of a stopped replica as trees of named values: what the session
// hands to DAP's scopes/variables. Pure: it reads the model (ReplicaInfo under
// Redis's names, principle 4) and the timeout countdowns, and formats values
// the way watches and hovers do (values.ts), so a variable and an expression
// over it read the same.
import type { RecentEvent } from '../engine/recentEvents';
import type { ReplicaInfo } from '../engine/replicaInfo';
import type { TransferProgress } from '../engine/transferProgress';
import type { MasterReplTimeout } from './masterReplTimeout';
import { recentEventNodes } from './recentEventsView';
import { replicaTimeouts, type TimeoutView } from './timeouts';
import { transferNodes } from './transferView';
import { formatValue, state, toValue, typeName } from './values';

export interface VariableNode {
  name: string;
  value: string;
  type?: string;
  /** Present for a struct: its fields, expanded on demand. */
  children?: readonly VariableNode[];
  /** What a watch would write to read this value (`master.reploff`). */
  evaluateName?: string;
}

export type ScopeId = 'replication' | 'master-link' | 'timeouts' | 'transfer' | 'recent' | 'keyspace';

/** `expensive`: the client expands it only when asked (the Keyspace is read a page at a time). */
export const SCOPES: readonly { id: ScopeId; name: string; expensive?: boolean }[] = [
  { id: 'replication', name: 'Replication' },
  { id: 'master-link', name: 'Master link' },
  { id: 'timeouts', name: 'Timeouts' },
  { id: 'transfer', name: 'Transfer' },
  { id: 'recent', name: 'Recent events' },
  { id: 'keyspace', name: 'Keyspace', expensive: true },
];

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
}

/** Lives in Master link, not Replication. */
const LINK_FIELDS = new Set(['master', 'cached_master']);

function node(name: string, raw: unknown, path: string = name): VariableNode {
  const v = name === 'repl_state' ? state(raw as ReplicaInfo['repl_state']) : toValue(raw);
  if (v === undefined) return { name, value: String(raw) };
  const out: VariableNode = { name, value: formatValue(v, true), type: typeName(v), evaluateName: path };
  if (v.type === 'record' && raw !== null && typeof raw === 'object') {
    out.children = Object.entries(raw).map(([k, child]) => node(k, child, `${path}.${k}`));
  }
  return out;
}

function replication(s: ReplicaSnapshot): VariableNode[] {
  const fields = Object.entries(s.info).filter(([k]) => !LINK_FIELDS.has(k)).map(([k, v]) => node(k, v));
  // repl-timeout is a config, but Redis's C code reads it as server.repl_timeout next to these fields.
  fields.push({ name: 'repl_timeout', value: String(s.replTimeout), type: 'integer' });
  fields.push({ name: 'masterauth', value: s.masterauthSet ? '(redacted)' : '(not set)', type: 'string' });
  return fields;
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
