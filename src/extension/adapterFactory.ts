// Where VS Code gets its debug adapter. Launch starts the standalone adapter
// (dist/debugAdapter.js, DAP over stdio) as a process of its own, so a large
// sync or a busy master loads that process, never the extension host that
// every other extension shares, and a dataset past its heap ends that process
// alone (DESIGN.md principle 12). Attach connects straight to the running
// `redis-replica-debugger --debug-port` process, whose own session answers.
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';

/** The adapter bundle, beside the extension's own in the .vsix. */
export const ADAPTER_BUNDLE = path.join('dist', 'debugAdapter.js');

/**
 * The adapter's old-generation limit: half the machine's memory (at least
 * 1 GB), where Node's default stops near 4 GB whatever the machine. dataset
 * auto weighs each master against it, so a master that fits is kept whole and
 * a larger one is followed without its dataset; the load's guard keeps the
 * process inside it either way.
 */
export function adapterHeapMb(totalMemBytes = os.totalmem()): number {
  return Math.max(1024, Math.floor(totalMemBytes / 2 / 1024 / 1024));
}

export class AdapterFactory implements vscode.DebugAdapterDescriptorFactory {
  constructor(private readonly extensionPath: string) {}

  createDebugAdapterDescriptor(session: vscode.DebugSession): vscode.DebugAdapterDescriptor {
    const c = session.configuration;
    if (c.request === 'attach') return new vscode.DebugAdapterServer(Number(c['port']), typeof c['host'] === 'string' ? c['host'] : '127.0.0.1');
    // The editor's own runtime runs it, so nothing needs installing: Node in code-server, and in the
    // desktop app Electron, which ELECTRON_RUN_AS_NODE turns into a plain Node (VS Code merges `env`
    // into its own environment).
    return new vscode.DebugAdapterExecutable(process.execPath, [`--max-old-space-size=${adapterHeapMb()}`, path.join(this.extensionPath, ADAPTER_BUNDLE)], {
      env: { ELECTRON_RUN_AS_NODE: '1' },
    });
  }
}
