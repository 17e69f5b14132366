// The Replicas view's actions and the palette commands. Each is one request
// to the adapter of the replica's session (DAP, or a custom request), so the
// extension stays a thin layer over the debug session.
import * as vscode from 'vscode';
import type { ReplicasModel } from './replicasModel';
import { ReplicasTree } from './replicasTree';
import { openStateMachineDocument } from './stateMachineDocument';

type Target = { session: vscode.DebugSession; threadId: number };

function target(model: ReplicasModel, key: unknown): Target | undefined {
  const ref = typeof key === 'string' ? ReplicasTree.parse(key) : null;
  if (ref) {
    const entry = model.get(ref.sessionId);
    return entry ? { session: entry.session, threadId: ref.threadId } : undefined;
  }
  // From the palette: the active session's first replica.
  const session = vscode.debug.activeDebugSession;
  const entry = session ? model.get(session.id) : undefined;
  const first = entry?.replicas[0];
  return entry && first ? { session: entry.session, threadId: first.threadId } : undefined;
}

async function onReplica(model: ReplicasModel, key: unknown, what: string, act: (t: Target) => Thenable<unknown>): Promise<void> {
  const t = target(model, key);
  if (!t) {
    void vscode.window.showWarningMessage('No Redis replica debug session is running.');
    return;
  }
  try {
    await act(t);
  } catch (err) {
    void vscode.window.showErrorMessage(`${what}: ${err instanceof Error ? err.message : String(err)}`);
  }
  await model.refresh(t.session);
}

export function registerCommands(model: ReplicasModel, showStateMachine: () => void): vscode.Disposable[] {
  const on = (id: string, what: string, act: (t: Target) => Thenable<unknown>): vscode.Disposable =>
    vscode.commands.registerCommand(id, (key: unknown) => onReplica(model, key, what, act));
  return [
    on('redisReplica.pause', 'Pause', (t) => t.session.customRequest('pause', { threadId: t.threadId })),
    on('redisReplica.continue', 'Continue', (t) => t.session.customRequest('continue', { threadId: t.threadId })),
    on('redisReplica.dropLink', 'Drop link', (t) => t.session.customRequest('dropLink', { threadId: t.threadId })),
    on('redisReplica.reconnect', 'Reconnect', (t) => t.session.customRequest('reconnect', { threadId: t.threadId })),
    on('redisReplica.replicaofNoOne', 'REPLICAOF NO ONE', (t) => t.session.customRequest('replicaofNoOne', { threadId: t.threadId })),
    on('redisReplica.copyInfo', 'Copy INFO replication', async (t) => {
      const r = (await t.session.customRequest('infoReplication', { threadId: t.threadId })) as { text: string };
      await vscode.env.clipboard.writeText(r.text.replace(/\r\n/g, '\n'));
      void vscode.window.setStatusBarMessage('INFO replication copied', 3000);
    }),
    on('redisReplica.revealThread', 'Reveal in Call Stack', async () => {
      await vscode.commands.executeCommand('workbench.debug.action.focusCallStackView');
    }),
    vscode.commands.registerCommand('redisReplica.addReplica', async (key: unknown) => {
      const sessionId = typeof key === 'string' ? key.split('|')[1] : undefined;
      const session = (sessionId ? model.get(sessionId)?.session : undefined) ?? vscode.debug.activeDebugSession ?? model.all[0]?.session;
      if (!session || !model.get(session.id)) {
        void vscode.window.showWarningMessage('Start a Redis replica debug session first.');
        return;
      }
      try {
        const added = (await session.customRequest('addReplica')) as { threadId: number; port: number };
        void vscode.window.setStatusBarMessage(`Replica ${added.threadId} started on port ${added.port}`, 5000);
      } catch (err) {
        void vscode.window.showErrorMessage(`Add replica: ${err instanceof Error ? err.message : String(err)}`);
      }
      await model.refresh(session);
    }),
    vscode.commands.registerCommand('redisReplica.openStateMachine', () => openStateMachineDocument()),
    vscode.commands.registerCommand('redisReplica.showStateMachineView', () => showStateMachine()),
  ];
}
