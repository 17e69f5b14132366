// F5 with no launch.json asks for the master and starts; every configuration
// is checked before a session starts, so a mistake is one clear message (not
// a stack trace) and nothing is left running.
import * as vscode from 'vscode';
import { errors } from '../debug/errors';
import { parseAttachArguments, parseLaunchArguments, parseMaster, unknownAttributes } from '../debug/launchConfig';
import { INITIAL_CONFIGURATION } from '../debug/launchSchema';
import { DEBUG_TYPE, STATE_MACHINE_URI } from './constants';

export class ConfigurationProvider implements vscode.DebugConfigurationProvider {
  async resolveDebugConfiguration(_folder: vscode.WorkspaceFolder | undefined, config: vscode.DebugConfiguration): Promise<vscode.DebugConfiguration | undefined> {
    if (!config.type && !config.request && !config.name) {
      const master = await vscode.window.showInputBox({
        title: 'Debug Redis replication',
        prompt: 'The master to replicate from: host:port, redis://[user@]host:port or rediss://… for TLS',
        value: '127.0.0.1:6379',
        ignoreFocusOut: true,
        validateInput: (text) => {
          try {
            parseMaster(text);
            return null;
          } catch (err) {
            return err instanceof Error ? err.message : String(err);
          }
        },
      });
      // Escape: no session, and no message either (the person chose not to).
      if (master === undefined) return undefined;
      config = { ...INITIAL_CONFIGURATION, master };
    }
    return { ...config, type: DEBUG_TYPE, stateMachineUri: STATE_MACHINE_URI };
  }

  /** After ${env:…} and ${input:…} are substituted: the values the adapter will see. */
  resolveDebugConfigurationWithSubstitutedVariables(_folder: vscode.WorkspaceFolder | undefined, config: vscode.DebugConfiguration): vscode.DebugConfiguration | undefined {
    const args = config as Readonly<Record<string, unknown>>;
    try {
      const unknown = unknownAttributes(args, config.request === 'attach' ? 'attach' : 'launch');
      if (unknown.length > 0) throw errors.launchConfig(unknown.join('; '));
      if (config.request === 'attach') parseAttachArguments(args);
      else parseLaunchArguments(args);
    } catch (err) {
      // AdapterErrors never hold a password (launchConfig.ts redacts them).
      void vscode.window.showErrorMessage(`${config.name ?? 'Redis replica'}: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    }
    return config;
  }
}
