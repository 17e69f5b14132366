// The `contributes.debuggers` entry of the extension manifest, derived from the
// launch schema: `program`/`runtime` let any DAP client start the standalone
// adapter (bundled into dist/ by `npm run bundle`) with `node <program>`.
import { ATTACH_ATTRIBUTES, CONFIGURATION_SNIPPETS, DEBUG_TYPE, INITIAL_CONFIGURATION, LAUNCH_ATTRIBUTES } from './launchSchema';

/** The state-machine document's language: breakpoints are allowed in its gutter. */
export const STATE_MACHINE_LANGUAGE = 'redis-replication-states';

export function debuggerContribution(): Record<string, unknown> {
  return {
    type: DEBUG_TYPE,
    label: 'Redis Replica',
    program: './dist/debugAdapter.js',
    runtime: 'node',
    languages: [STATE_MACHINE_LANGUAGE],
    configurationAttributes: { launch: LAUNCH_ATTRIBUTES, attach: ATTACH_ATTRIBUTES },
    initialConfigurations: [INITIAL_CONFIGURATION],
    configurationSnippets: CONFIGURATION_SNIPPETS,
  };
}
