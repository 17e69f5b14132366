// The status bar while a redis-replica session runs: how many replicas, the
// worst state among them, and the total lag behind the master.
import * as vscode from 'vscode';
import { bytes, lagBytes, worstState } from './format';
import type { ReplicasModel } from './replicasModel';

export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('redisReplica.status', vscode.StatusBarAlignment.Left, 10);
  private readonly subscription: vscode.Disposable;

  constructor(private readonly model: ReplicasModel) {
    this.item.name = 'Redis replicas';
    this.item.command = 'redisReplica.replicas.focus';
    this.subscription = model.onDidChange(() => this.render());
  }

  dispose(): void {
    this.subscription.dispose();
    this.item.dispose();
  }

  private render(): void {
    const sessions = this.model.all;
    if (sessions.length === 0) {
      this.item.hide();
      return;
    }
    const replicas = sessions.flatMap((s) => s.replicas.map((r) => ({ r, masterOffset: s.master?.master_repl_offset ?? null })));
    const worst = worstState(replicas.map(({ r }) => r.repl_state));
    const lags = replicas.map(({ r, masterOffset }) => lagBytes(r, masterOffset)).filter((l): l is number => l !== null);
    const stopped = replicas.filter(({ r }) => r.stopped).length;
    const text = [`$(database) ${replicas.length} replica${replicas.length === 1 ? '' : 's'}`];
    if (worst) text.push(worst);
    if (lags.length > 0) text.push(`lag ${bytes(lags.reduce((a, b) => a + b, 0))}`);
    if (stopped > 0) text.push(`${stopped} stopped`);
    this.item.text = text.join(' · ');
    this.item.tooltip = `Redis replica debugging: ${replicas.length} replica(s), worst state ${worst ?? 'n/a'}; click for the Replicas view`;
    this.item.backgroundColor = worst !== null && worst !== 'CONNECTED' && worst !== 'NONE' ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.show();
  }
}
