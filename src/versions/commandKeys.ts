// The keys a command names in a version, by that build's key specs
// (keySpecs.ts, generated from the live servers' COMMAND): each build is
// stored as its changes from the build it grew from, as the command tables
// are (commandTable.ts).
import { commandKeys, type KeyRef, type KeySpec } from './keySpec';
import { KEY_SPECS } from './keySpecs';
import type { VersionProfile } from './profile';

export interface KeySpecDelta {
  build: string;
  from: string | null;
  removed: readonly string[];
  set: Readonly<Record<string, readonly KeySpec[]>>;
}

const built = new Map<string, ReadonlyMap<string, readonly KeySpec[]>>();

/** A build's key specs of the commands that write, its ancestors' changes applied in order (built once). */
export function keySpecsOf(build: string): ReadonlyMap<string, readonly KeySpec[]> {
  const hit = built.get(build);
  if (hit) return hit;
  const delta = KEY_SPECS.find((t) => t.build === build);
  if (!delta) throw new Error(`no key specs for ${build}`);
  const table = new Map(delta.from === null ? [] : keySpecsOf(delta.from));
  for (const name of delta.removed) table.delete(name);
  for (const [name, specs] of Object.entries(delta.set)) table.set(name, specs);
  built.set(build, table);
  return table;
}

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
