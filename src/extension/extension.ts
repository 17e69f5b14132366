// The VS Code extension: a thin layer over the debug session (DESIGN
// principle 7). It registers the adapter (a process of its own for launch,
// the running process's port for attach), the launch.json help, the state-machine document, the
// Replicas view, the status bar and the state-machine panel; everything they
// show comes from the adapter through DAP and its custom requests/events.
import * as vscode from 'vscode';
import { AdapterFactory } from './adapterFactory';
import { registerCommands } from './commands';
import { ConfigurationProvider } from './configurationProvider';
import { DEBUG_TYPE, REPLICAS_VIEW, STATE_MACHINE_SCHEME } from './constants';
import { ReplicasModel } from './replicasModel';
import { ReplicasTree } from './replicasTree';
import { StateMachineContentProvider } from './stateMachineDocument';
import { StateMachinePanel } from './stateMachinePanel';
import { StatusBar } from './statusBar';

/** Returns the extension's log (Output: Redis Replica). */
export function activate(context: vscode.ExtensionContext): vscode.LogOutputChannel {
  const log = vscode.window.createOutputChannel('Redis Replica', { log: true });
  const media = vscode.Uri.joinPath(context.extensionUri, 'media');
  const model = new ReplicasModel();
  const tree = new ReplicasTree(model, media);
  const panel = new StateMachinePanel(model, media);
  context.subscriptions.push(
    log,
    model,
    tree,
    panel,
    new StatusBar(model),
    vscode.debug.registerDebugAdapterDescriptorFactory(DEBUG_TYPE, new AdapterFactory(context.extensionPath)),
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, new ConfigurationProvider()),
    vscode.workspace.registerTextDocumentContentProvider(STATE_MACHINE_SCHEME, new StateMachineContentProvider()),
    vscode.window.createTreeView(REPLICAS_VIEW, { treeDataProvider: tree, showCollapseAll: true }),
    ...registerCommands(model, () => panel.show()),
  );
  return log;
}

export function deactivate(): void {
  // Everything is in context.subscriptions.
}
