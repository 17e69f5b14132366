// The keys a command names in a version, by that build's key specs
// (keySpecs.ts, generated from the live servers' COMMAND): each build is
// stored as its changes from the build it grew from, as the command tables
// are (commandTable.ts).
import { deltaTables, type BuildDelta } from './buildDeltas';
import { commandKeys, type KeyRef, type KeySpec } from './keySpec';
import { KEY_SPECS } from './keySpecs';
import type { VersionProfile } from './profile';

export type KeySpecDelta = BuildDelta<readonly KeySpec[]>;

/** A build's key specs of the commands that write, its ancestors' changes applied in order (built once). */
export const keySpecsOf = deltaTables(KEY_SPECS, 'key specs');

/**
 * The keys a write names in this version (argv[0] the command, any case):
 * undefined for a command with no key specs (no keys, or not a write), null
 * when the command finds its keys with code of its own or the arguments
 * cannot hold them.
 */
export function writeKeys(profile: VersionProfile, argv: readonly string[]): KeyRef[] | null | undefined {
  const table = keySpecsOf(profile.commandTable);
  const name = argv[0]!.toLowerCase();
  const specs = table.get(name) ?? (argv.length > 1 ? table.get(`${name}|${argv[1]!.toLowerCase()}`) : undefined);
  return specs === undefined ? undefined : commandKeys(specs, argv);
}
