// The live state-machine view: a webview (media/stateMachine.js) that draws
// the 13 states and the transition table, highlights each replica's state and
// the path it took, shows breakpoints on their edges and toggles one when an
// edge is clicked. The page gets one typed message, `model`; it sends
// `ready` when loaded (answered with the model) and `toggleBreakpoint`. Strict CSP: no remote resources, nonce'd script only.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { ALL_STATES, shortStateName, TRANSITIONS } from '../engine/states';
import type { ReplicasModel, SeenTransition } from './replicasModel';

/** Host → page. */
export interface ModelMessage {
  type: 'model';
  states: string[];
  transitions: { from: string; to: string; where: string; summary: string }[];
  replicas: { sessionId: string; threadId: number; name: string; state: string; stopped: boolean }[];
  path: (SeenTransition & { sessionId: string })[];
  /** Function breakpoints that name one transition exactly (`FROM->TO`), enabled or not. */
  breakpoints: { from: string; to: string; enabled: boolean }[];
}

/** Page → host: a click on an edge, or the page saying it can receive the model (it may load after our first post). */
export type PageMessage = { type: 'toggleBreakpoint'; from: string; to: string } | { type: 'ready' };

const SHORT = (s: string): string => s.trim().toUpperCase().replace(/^REPL_STATE_/, '');

export class StateMachinePanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | null = null;
  private readonly disposables: vscode.Disposable[] = [];
  private pending: NodeJS.Timeout | null = null;

  constructor(private readonly model: ReplicasModel, private readonly media: vscode.Uri) {
    this.disposables.push(
      model.onDidChange(() => this.post()),
      vscode.debug.onDidChangeBreakpoints(() => this.post()),
    );
  }

  show(): void {
    if (this.panel) {
      this.panel.reveal();
      return;
    }
    const panel = vscode.window.createWebviewPanel('redisReplica.stateMachine', 'Replication state machine', vscode.ViewColumn.Beside, {
      enableScripts: true,
      localResourceRoots: [this.media],
      retainContextWhenHidden: false,
    });
    this.panel = panel;
    panel.iconPath = vscode.Uri.joinPath(this.media, 'states', 'connected-light.svg');
    panel.webview.html = this.html(panel.webview);
    panel.webview.onDidReceiveMessage((m: PageMessage) => this.onPageMessage(m), undefined, this.disposables);
    panel.onDidChangeViewState(() => this.post(), undefined, this.disposables);
    panel.onDidDispose(() => (this.panel = null), undefined, this.disposables);
    this.post();
  }

  dispose(): void {
    if (this.pending) clearTimeout(this.pending);
    this.panel?.dispose();
    for (const d of this.disposables) d.dispose();
  }

  /** Coalesces bursts of changes into one message (a busy stream must not flood the page). */
  private post(): void {
    if (!this.panel || this.pending) return;
    this.pending = setTimeout(() => {
      this.pending = null;
      void this.panel?.webview.postMessage(this.message());
    }, 100);
  }

  private message(): ModelMessage {
    const sessions = this.model.all;
    return {
      type: 'model',
      states: ALL_STATES.map(shortStateName),
      transitions: TRANSITIONS.map((t) => ({ from: shortStateName(t.from), to: shortStateName(t.to), where: t.where, summary: t.summary })),
      replicas: sessions.flatMap((s) => s.replicas.map((r) => ({ sessionId: s.session.id, threadId: r.threadId, name: r.name, state: r.repl_state, stopped: r.stopped !== null }))),
      path: sessions.flatMap((s) => s.transitions.map((t) => ({ ...t, from: SHORT(t.from), to: SHORT(t.to), sessionId: s.session.id }))),
      breakpoints: vscode.debug.breakpoints
        .filter((b): b is vscode.FunctionBreakpoint => b instanceof vscode.FunctionBreakpoint)
        .map((b) => ({ parts: b.functionName.split('->'), enabled: b.enabled }))
        .filter((b) => b.parts.length === 2)
        .map((b) => ({ from: SHORT(b.parts[0]!), to: SHORT(b.parts[1]!), enabled: b.enabled })),
    };
  }

  private onPageMessage(m: PageMessage): void {
    if (m.type === 'ready') void this.panel?.webview.postMessage(this.message());
    else if (m.type === 'toggleBreakpoint') this.toggle(m);
  }

  /** A click on an edge: remove its breakpoint if there is one, else add `FROM->TO`. */
  private toggle(m: { from: unknown; to: unknown }): void {
    if (typeof m.from !== 'string' || typeof m.to !== 'string') return;
    const existing = vscode.debug.breakpoints.filter((b) => {
      if (!(b instanceof vscode.FunctionBreakpoint)) return false;
      const parts = b.functionName.split('->');
      return parts.length === 2 && SHORT(parts[0]!) === m.from && SHORT(parts[1]!) === m.to;
    });
    if (existing.length > 0) vscode.debug.removeBreakpoints(existing);
    else vscode.debug.addBreakpoints([new vscode.FunctionBreakpoint(`${m.from}->${m.to}`)]);
  }

  private html(webview: vscode.Webview): string {
    const nonce = randomBytes(16).toString('base64');
    const script = webview.asWebviewUri(vscode.Uri.joinPath(this.media, 'stateMachine.js'));
    const style = webview.asWebviewUri(vscode.Uri.joinPath(this.media, 'stateMachine.css'));
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${webview.cspSource}; img-src ${webview.cspSource}; script-src 'nonce-${nonce}';">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link href="${style}" rel="stylesheet">
<title>Replication state machine</title>
</head>
<body>
<header><h1>Replication state machine</h1><p class="hint">Click an edge to toggle a breakpoint on that transition.</p><ul id="legend"></ul></header>
<svg id="diagram" role="img" aria-label="Redis replica replication states and transitions"></svg>
<section><h2>Timeline</h2><ol id="timeline"></ol></section>
<script nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
  }
}
