// The Replicas view in Run and Debug: one node per hosted replica (state icon,
// master, offsets, lag, sync progress, last I/O, nearest timeout), its key
// fields as children, and beside them the master's own view of its replicas,
// real redis-server replicas included. Elements are string keys, so refreshes
// keep expansion and reveal works (getParent). Refreshes are throttled.
import * as vscode from 'vscode';
import type { ReplicaSummary } from '../debug/replicaSummary';
import type { MasterReplicaLine } from '../debug/masterView';
import { replicaDescription, replicaFields as fieldsOf, stateIcon } from './format';
import type { ReplicasModel, SessionReplicas } from './replicasModel';

/** At most one tree refresh per this many ms, however busy the stream. */
const REFRESH_MS = 300;

type Key = string;

export interface ReplicaNodeRef {
  sessionId: string;
  threadId: number;
}

export class ReplicasTree implements vscode.TreeDataProvider<Key>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<Key | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private timer: NodeJS.Timeout | null = null;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly model: ReplicasModel, private readonly media: vscode.Uri) {
    this.subscription = model.onDidChange(() => this.scheduleRefresh());
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.subscription.dispose();
    this.changed.dispose();
  }

  /** The replica a context-menu command was invoked on. */
  static parse(key: Key): ReplicaNodeRef | null {
    const m = /^replica\|([^|]+)\|(\d+)$/.exec(key);
    return m ? { sessionId: m[1]!, threadId: Number(m[2]) } : null;
  }

  getChildren(key?: Key): Key[] {
    const sessions = this.model.all;
    if (!key) {
      // One session: its replicas at the top; several: a node each.
      if (sessions.length === 1) return this.sessionChildren(sessions[0]!);
      return sessions.map((s) => `session|${s.session.id}`);
    }
    const [kind, sessionId, rest] = key.split('|');
    const entry = sessionId ? this.model.get(sessionId) : undefined;
    if (!entry) return [];
    if (kind === 'session') return this.sessionChildren(entry);
    if (kind === 'replica') return replicaFields(this.replica(entry, Number(rest)), entry).map((_, i) => `field|${sessionId}|${rest}|${i}`);
    if (kind === 'master') return (entry.master?.replicas ?? []).map((r) => `slave|${sessionId}|${r.index}`);
    return [];
  }

  getParent(key: Key): Key | undefined {
    const [kind, sessionId, rest] = key.split('|');
    const top = (): Key | undefined => (this.model.all.length === 1 ? undefined : `session|${sessionId}`);
    if (kind === 'field') return `replica|${sessionId}|${rest}`;
    if (kind === 'slave') return `master|${sessionId}`;
    if (kind === 'replica' || kind === 'master') return top();
    return undefined;
  }

  getTreeItem(key: Key): vscode.TreeItem {
    const [kind, sessionId, rest, index] = key.split('|');
    const entry = this.model.get(sessionId!);
    if (!entry) return new vscode.TreeItem('(ended)');
    switch (kind) {
      case 'session': {
        const item = new vscode.TreeItem(entry.session.name, vscode.TreeItemCollapsibleState.Expanded);
        item.id = key;
        return item;
      }
      case 'replica':
        return this.replicaItem(key, entry, this.replica(entry, Number(rest)));
      case 'field': {
        const [name, value] = replicaFields(this.replica(entry, Number(rest)), entry)[Number(index)] ?? ['?', ''];
        const item = new vscode.TreeItem(name);
        item.id = key;
        item.description = value;
        item.tooltip = `${name}: ${value}`;
        return item;
      }
      case 'master':
        return masterItem(key, entry);
      case 'slave':
        return slaveItem(key, entry, entry.master?.replicas.find((r) => r.index === Number(rest)));
      default:
        return new vscode.TreeItem(key);
    }
  }

  private sessionChildren(entry: SessionReplicas): Key[] {
    const id = entry.session.id;
    return [...entry.replicas.map((r) => `replica|${id}|${r.threadId}`), `master|${id}`];
  }

  private replica(entry: SessionReplicas, threadId: number): ReplicaSummary | undefined {
    return entry.replicas.find((r) => r.threadId === threadId);
  }

  private replicaItem(key: Key, entry: SessionReplicas, r: ReplicaSummary | undefined): vscode.TreeItem {
    if (!r) return new vscode.TreeItem('(gone)');
    const item = new vscode.TreeItem(`replica ${r.threadId} :${r.port}`, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = key;
    item.description = replicaDescription(r, entry.master?.master_repl_offset ?? null);
    const file = stateIcon(r.repl_state);
    item.iconPath = {
      light: vscode.Uri.joinPath(this.media, 'states', `${file}-light.svg`),
      dark: vscode.Uri.joinPath(this.media, 'states', `${file}-dark.svg`),
    };
    item.contextValue = r.stopped ? 'replica.stopped' : r.masterhost === null ? 'replica.nomaster' : 'replica.running';
    const tip = new vscode.MarkdownString();
    tip.appendMarkdown(`**${r.name}**\n\n`);
    for (const [name, value] of replicaFields(r, entry)) tip.appendMarkdown(`- \`${name}\`: ${value}\n`);
    item.tooltip = tip;
    return item;
  }

  private scheduleRefresh(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.changed.fire(undefined);
    }, REFRESH_MS);
  }
}

/** The children of a replica node (format.ts's replicaFields, with the master's offset when it was read). */
function replicaFields(r: ReplicaSummary | undefined, entry: SessionReplicas): [string, string][] {
  return r ? fieldsOf(r, entry.master?.master_repl_offset ?? null) : [];
}

function masterItem(key: Key, entry: SessionReplicas): vscode.TreeItem {
  const m = entry.master;
  const first = entry.replicas[0];
  const where = first?.masterhost ? `${first.masterhost}:${first.masterport}` : 'master';
  const item = new vscode.TreeItem(`${where} (the master's view)`, m && m.replicas.length > 0 ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
  item.id = key;
  item.iconPath = new vscode.ThemeIcon('server');
  item.contextValue = 'master';
  if (entry.masterError) {
    item.description = `cannot ask: ${entry.masterError}`;
  } else if (m) {
    item.description = `${m.connected_slaves} replica(s) · master_repl_offset ${m.master_repl_offset}`;
  } else {
    item.description = 'asking…';
  }
  return item;
}

function slaveItem(key: Key, entry: SessionReplicas, line: MasterReplicaLine | undefined): vscode.TreeItem {
  if (!line) return new vscode.TreeItem('(gone)');
  const ours = entry.replicas.find((r) => r.port === line.port && (line.ip === '127.0.0.1' || line.ip === '::1'));
  const item = new vscode.TreeItem(`slave${line.index} ${line.ip}:${line.port}`);
  item.id = key;
  item.description = `${line.state} · offset ${line.offset} · lag ${line.lag} s · ${ours ? `ours: replica ${ours.threadId}` : 'not ours (read-only)'}`;
  item.iconPath = new vscode.ThemeIcon(ours ? 'debug-alt' : 'eye');
  item.contextValue = 'master.replica';
  return item;
}
