// The live state-machine view: a webview (media/stateMachine.js) that draws,
// for each version the replicas emulate, its main states and its second
// connection's machine beside them (stateMachineModel.ts), highlights each
// replica's state on both, the path it took, shows breakpoints on their edges
// and toggles one when an edge is clicked. The page gets one typed message,
// `model`; it sends `ready` when loaded (answered with the model) and
// `toggleBreakpoint`. Strict CSP: no remote resources, nonce'd script only.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { ReplicasModel } from './replicasModel';
import { breakpointsOnEdge, buildModel, shortName, type ModelMessage, type PageMessage } from './stateMachineModel';

const functionBreakpoints = (): vscode.FunctionBreakpoint[] =>
  vscode.debug.breakpoints.filter((b): b is vscode.FunctionBreakpoint => b instanceof vscode.FunctionBreakpoint);

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
    const sessions = this.model.all.map((s) => ({ sessionId: s.session.id, replicas: s.replicas, transitions: s.transitions }));
    return buildModel(sessions, functionBreakpoints().map((b) => ({ name: b.functionName, enabled: b.enabled })));
  }

  private onPageMessage(m: PageMessage): void {
    if (m.type === 'ready') void this.panel?.webview.postMessage(this.message());
    else if (m.type === 'toggleBreakpoint') this.toggle(m);
  }

  /** A click on an edge (of either machine): remove its breakpoint if there is one, else add `FROM->TO`. */
  private toggle(m: { from: unknown; to: unknown }): void {
    if (typeof m.from !== 'string' || typeof m.to !== 'string') return;
    const from = shortName(m.from);
    const to = shortName(m.to);
    if (!from || !to) return;
    const existing = breakpointsOnEdge(functionBreakpoints().map((b) => ({ name: b.functionName, b })), from, to).map((x) => x.b);
    if (existing.length > 0) vscode.debug.removeBreakpoints(existing);
    else vscode.debug.addBreakpoints([new vscode.FunctionBreakpoint(`${from}->${to}`)]);
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
<div id="diagrams"></div>
<section><h2>Timeline</h2><ol id="timeline"></ol></section>
<script nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
  }
}
