// What the extension knows of the replicas: one entry per redis-replica
// debug session, fed only by the adapter (its `replicas` answer, its
// replicasChanged/replicaStateChanged events, and `masterReplicas`), never by
// polling. Views (tree, status bar, state-machine panel) read it and listen
// to onDidChange.
import * as vscode from 'vscode';
import type { MasterView } from '../debug/masterView';
import type { ReplicaSummary } from '../debug/replicaSummary';
import { DEBUG_TYPE } from './constants';

/** A transition a replica took, as the replicaStateChanged event tells it. */
export interface SeenTransition {
  threadId: number;
  /** main, rdb-channel or dual-channel: which of the replica's state machines moved. */
  machine: string;
  from: string;
  to: string;
  cause: string;
  message: string;
  seq: number;
  /** When the extension heard of it (ms). */
  at: number;
}

export interface SessionReplicas {
  session: vscode.DebugSession;
  replicas: ReplicaSummary[];
  master: MasterView | null;
  /** Why the master could not be asked (auth refused, unreachable), or null. */
  masterError: string | null;
  /** Every replica's recent transitions, oldest first. */
  transitions: SeenTransition[];
}

/** Transitions kept per session for the state-machine panel's path and timeline. */
const KEPT_TRANSITIONS = 200;
/** The master is asked at most this often, and only when a replica event came in. */
const MASTER_QUERY_INTERVAL_MS = 2000;

export class ReplicasModel implements vscode.Disposable {
  private readonly sessions = new Map<string, SessionReplicas>();
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly masterTimers = new Map<string, NodeJS.Timeout>();
  readonly onDidChange = this.changed.event;

  constructor() {
    this.disposables.push(
      this.changed,
      vscode.debug.onDidStartDebugSession((s) => this.started(s)),
      vscode.debug.onDidTerminateDebugSession((s) => this.ended(s)),
      vscode.debug.onDidReceiveDebugSessionCustomEvent((e) => this.onEvent(e)),
    );
  }

  get all(): readonly SessionReplicas[] {
    return [...this.sessions.values()];
  }

  get(sessionId: string): SessionReplicas | undefined {
    return this.sessions.get(sessionId);
  }

  /** Asks the adapter again (after a command that changes the replicas). */
  async refresh(session: vscode.DebugSession): Promise<void> {
    const entry = this.sessions.get(session.id);
    if (!entry) return;
    try {
      const r = (await session.customRequest('replicas')) as { replicas: ReplicaSummary[] };
      entry.replicas = r.replicas;
      this.changed.fire();
    } catch {
      // The session is ending; its terminate event clears the entry.
    }
    this.askMasterSoon(entry);
  }

  dispose(): void {
    for (const t of this.masterTimers.values()) clearTimeout(t);
    for (const d of this.disposables) d.dispose();
  }

  private started(session: vscode.DebugSession): void {
    if (session.type !== DEBUG_TYPE) return;
    this.sessions.set(session.id, { session, replicas: [], master: null, masterError: null, transitions: [] });
    this.changed.fire();
    void this.refresh(session);
  }

  private ended(session: vscode.DebugSession): void {
    if (!this.sessions.delete(session.id)) return;
    clearTimeout(this.masterTimers.get(session.id));
    this.masterTimers.delete(session.id);
    this.changed.fire();
  }

  private onEvent(e: vscode.DebugSessionCustomEvent): void {
    const entry = this.sessions.get(e.session.id);
    if (!entry) return;
    if (e.event === 'replicasChanged') {
      entry.replicas = (e.body as { replicas: ReplicaSummary[] }).replicas;
      this.changed.fire();
      this.askMasterSoon(entry);
    } else if (e.event === 'replicaStateChanged') {
      const b = e.body as Omit<SeenTransition, 'at'>;
      entry.transitions.push({ threadId: b.threadId, machine: b.machine ?? 'main', from: b.from, to: b.to, cause: b.cause, message: b.message, seq: b.seq, at: Date.now() });
      if (entry.transitions.length > KEPT_TRANSITIONS) entry.transitions.splice(0, entry.transitions.length - KEPT_TRANSITIONS);
      this.changed.fire();
    }
  }

  /** The master's view follows the replicas' events, at most every MASTER_QUERY_INTERVAL_MS. */
  private askMasterSoon(entry: SessionReplicas): void {
    const id = entry.session.id;
    if (this.masterTimers.has(id)) return;
    this.masterTimers.set(id, setTimeout(() => {
      void (async () => {
        try {
          entry.master = (await entry.session.customRequest('masterReplicas')) as MasterView;
          entry.masterError = null;
        } catch (err) {
          entry.masterError = err instanceof Error ? err.message : String(err);
        }
        // Cleared after the answer: a slow master is never asked twice at once.
        this.masterTimers.delete(id);
        if (this.sessions.has(id)) this.changed.fire();
      })();
    }, MASTER_QUERY_INTERVAL_MS));
  }
}
