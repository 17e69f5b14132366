// The `contributes.debuggers` entry of the extension manifest, derived from the
// launch schema: `program`/`runtime` let any DAP client (and DebugClient) start
// the standalone adapter with `node <program>`.
import { ATTACH_ATTRIBUTES, DEBUG_TYPE, INITIAL_CONFIGURATION, LAUNCH_ATTRIBUTES } from './launchSchema';

export function debuggerContribution(): Record<string, unknown> {
  return {
    type: DEBUG_TYPE,
    label: 'Redis Replica',
    program: './out/src/cli/debugAdapter.js',
    runtime: 'node',
    languages: [],
    configurationAttributes: { launch: LAUNCH_ATTRIBUTES, attach: ATTACH_ATTRIBUTES },
    initialConfigurations: [INITIAL_CONFIGURATION],
  };
}
