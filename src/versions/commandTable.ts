// A version's command table, as processCommand() consults it before a command
// runs: lookupCommand() (a container's subcommand by argv[1]), then the
// existence and arity checks with their error replies. The tables are the
// live servers' own COMMAND replies (commandTables.ts, generated), each build
// stored as its changes from the build it grew from.
import { deltaTables, type BuildDelta } from './buildDeltas';
import { COMMAND_TABLES } from './commandTables';
import type { VersionProfile } from './profile';

/** [arity, 1 when the command writes, subcommands]: COMMAND's arity and `write` flag. */
export type CommandSpec = readonly [number, 0 | 1] | readonly [number, 0 | 1, Readonly<Record<string, readonly [number, 0 | 1]>>];

export type CommandTableDelta = BuildDelta<CommandSpec>;

export type CommandLookup =
  /** `fullname` is `container|sub` for a subcommand, as c->cmd->fullname. */
  | { kind: 'found'; fullname: string; arity: number; write: boolean }
  | { kind: 'unknown'; error: string }
  /**
   * A module's command (modules name theirs `<module>.<command>`): the
   * master ran it, so the replica has the module too; only the engine lacks it.
   */
  | { kind: 'module'; fullname: string };

/** A build's whole table, its ancestors' changes applied in order (built once). */
export const commandTableOf = deltaTables(COMMAND_TABLES, 'command table');

/** Per build, the lookups of commands without subcommands, by the name as sent (bounded: any spelling of a name is a key). */
const plainLookups = new Map<string, Map<string, CommandLookup>>();
const PLAIN_LOOKUPS_KEPT = 4096;

/** sdsmapchars(err, "\r\n", "  "): an error reply holds no line breaks. */
const oneLine = (s: string): string => s.replace(/[\r\n]/g, ' ');

/**
 * lookupCommand() and commandCheckExistence(): the command `argv` (latin1
 * strings, one character per byte) names in
 * this version, or the error reply (as a client reads it) for a name the
 * version does not have. Arity is the caller's check (commandCheckArity).
 */
export function lookupCommand(profile: VersionProfile, argv: readonly string[], given = argv[0]!): CommandLookup {
  const build = profile.commandTable;
  // The stream repeats a handful of names: a plain command's answer is kept by the name as sent.
  let known = plainLookups.get(build);
  if (known === undefined) plainLookups.set(build, (known = new Map()));
  const hit = known.get(given);
  if (hit !== undefined) return hit;
  const table = commandTableOf(build);
  const name = given.toLowerCase();
  const spec = table.get(name);
  if (spec !== undefined) {
    const subs = spec[2];
    if (subs === undefined) {
      const found: CommandLookup = Object.freeze({ kind: 'found', fullname: name, arity: spec[0], write: spec[1] === 1 });
      if (known.size < PLAIN_LOOKUPS_KEPT) known.set(given, found);
      return found;
    }
    // A container alone is the container (its arity then fails); with an argument, its subcommand.
    if (argv.length === 1) return { kind: 'found', fullname: name, arity: spec[0], write: spec[1] === 1 };
    const subGiven = argv[1]!;
    const sub = subs[subGiven.toLowerCase()];
    if (sub !== undefined) return { kind: 'found', fullname: `${name}|${subGiven.toLowerCase()}`, arity: sub[0], write: sub[1] === 1 };
    return { kind: 'unknown', error: oneLine(`ERR unknown subcommand '${subGiven.slice(0, 128)}'. Try ${given.toUpperCase()} HELP.`) };
  }
  if (name.includes('.')) return { kind: 'module', fullname: name };
  let error = `ERR unknown command '${given.slice(0, 128)}'`;
  if (argv.length >= 2 || !profile.has('unknown-command-args-only-when-given')) {
    let args = '';
    for (let i = 1; i < argv.length && args.length < 128; i++) args += `'${argv[i]!.slice(0, 128 - args.length)}' `;
    error += `, with args beginning with: ${args}`;
  }
  return { kind: 'unknown', error: oneLine(error) };
}

/** commandCheckArity(): positive = exactly, negative = at least. */
export function arityError(found: { fullname: string; arity: number }, argc: number): string | null {
  const { arity } = found;
  return (arity > 0 && arity !== argc) || argc < -arity ? `ERR wrong number of arguments for '${found.fullname}' command` : null;
}
