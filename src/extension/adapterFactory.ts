// Where VS Code gets its debug adapter: launch runs the adapter in the
// extension host (inline); attach connects straight to the running
// `redis-replica-debugger --debug-port` process, whose own session answers.
import * as vscode from 'vscode';
import { ReplicaDebugSession } from '../debug/session';

export class AdapterFactory implements vscode.DebugAdapterDescriptorFactory {
  createDebugAdapterDescriptor(session: vscode.DebugSession): vscode.DebugAdapterDescriptor {
    const c = session.configuration;
    if (c.request === 'attach') return new vscode.DebugAdapterServer(Number(c['port']), typeof c['host'] === 'string' ? c['host'] : '127.0.0.1');
    // The DAP types of @vscode/debugadapter and of vscode describe the same protocol under two names.
    return new vscode.DebugAdapterInlineImplementation(new ReplicaDebugSession() as unknown as vscode.DebugAdapter);
  }
}
