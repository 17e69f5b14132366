// The command tables: every family file exports its write and read commands as
// arrays; this module indexes them by lower-case name. Adding a family is one
// import and one entry in each list below.
import { reply, type ReplyValue } from '../../resp/encode';
import type { ApplyOutcome, CommandContext, ReadCommand, WriteCommand } from '../command';
import { bitReadCommands, bitWriteCommands } from './bits';
import { geoReadCommands, geoWriteCommands } from './geo';
import { hashFieldExpiryReadCommands, hashFieldExpiryWriteCommands } from './hashFieldExpiry';
import { hashReadCommands, hashWriteCommands } from './hashes';
import { hllReadCommands, hllWriteCommands } from './hyperloglog';
import { keyReadCommands, keyWriteCommands } from './keys';
import { listReadCommands, listWriteCommands } from './lists';
import { scanReadCommands } from './scan';
import { serverWriteCommands } from './server';
import { setReadCommands, setWriteCommands } from './sets';
import { sortReadCommands, sortWriteCommands } from './sort';
import { stringReadCommands, stringWriteCommands } from './strings';
import { vectorSetWriteCommands } from './vectorSets';
import { zsetReadCommands, zsetWriteCommands } from './zsets';
import { debugReadCommands } from './debug';
import { functionReadCommands, functionWriteCommands } from './functions';
import { streamReadCommands } from './streamReads';
import { streamWriteCommands } from './streams';
import { arrayWriteCommands } from './arrays';
import { arrayGrepCommands } from './arraysGrep';
import { arrayOpCommands } from './arraysOp';
import { arrayReadCommands } from './arraysRead';
import { increxWriteCommands } from './increx';
import { NO_DATASET_ERROR } from '../keyspace';
import type { Bytes } from '../values';
import type { Feature } from '../../versions/profile';

const WRITE_FAMILIES: WriteCommand[][] = [
  stringWriteCommands, bitWriteCommands, keyWriteCommands, serverWriteCommands, listWriteCommands,
  hashWriteCommands, hashFieldExpiryWriteCommands, setWriteCommands, zsetWriteCommands, hllWriteCommands, geoWriteCommands, sortWriteCommands,
  streamWriteCommands, functionWriteCommands, vectorSetWriteCommands, arrayWriteCommands, increxWriteCommands,
];

const READ_FAMILIES: ReadCommand[][] = [
  stringReadCommands, bitReadCommands, keyReadCommands, listReadCommands, hashReadCommands, hashFieldExpiryReadCommands,
  setReadCommands,
  zsetReadCommands, hllReadCommands, geoReadCommands, sortReadCommands, scanReadCommands,
  streamReadCommands, functionReadCommands, debugReadCommands, arrayReadCommands, arrayOpCommands, arrayGrepCommands,
];

function index<T extends { name: string }>(families: T[][]): Map<string, T> {
  const m = new Map<string, T>();
  for (const family of families) {
    for (const c of family) {
      if (m.has(c.name)) throw new Error(`command ${c.name} registered twice`);
      m.set(c.name, c);
    }
  }
  return m;
}

export const writeCommands: Map<string, WriteCommand> = index(WRITE_FAMILIES);
export const readCommands: Map<string, ReadCommand> = index(READ_FAMILIES);

/**
 * Every Redis 7.0–7.4 command flagged `write`: a client sending one to the
 * replica's port gets READONLY (redis-server checks the flag before the
 * arguments). Includes the families implemented elsewhere (streams, functions)
 * and write commands a replica never applies from a client (MIGRATE…).
 */
export const WRITE_COMMAND_NAMES: ReadonlySet<string> = new Set([
  // PFCOUNT is applied when a master replicates it, but it is not a write command.
  ...[...writeCommands.keys()].filter((n) => n !== 'pfcount'),
  'xadd', 'xack', 'xautoclaim', 'xclaim', 'xdel', 'xgroup', 'xreadgroup', 'xsetid', 'xtrim',
  'function', 'migrate', 'restore-asking', 'pfdebug', 'georadius', 'georadiusbymember', 'sort', 'bitfield',
]);

export const READONLY_ERROR = "READONLY You can't write against a read only replica.";

/** The same commands by their upper-case names: how masters and clients usually send them. */
const writeCommandsUpper: Map<string, WriteCommand> = new Map([...writeCommands].map(([n, c]) => [n.toUpperCase(), c]));

/** Finds a command by the name as sent (any case); the hot path tries the exact name first. */
export function findWrite(name: Bytes): WriteCommand | undefined {
  return writeCommands.get(name) ?? writeCommandsUpper.get(name) ?? writeCommands.get(name.toLowerCase());
}

export function findRead(name: Bytes): ReadCommand | undefined {
  return readCommands.get(name) ?? readCommands.get(name.toLowerCase());
}

/** A command exists for a replica only if its version has the feature that brought it. */
function knownTo<T extends { requires?: Feature }>(ctx: CommandContext, cmd: T | undefined): T | undefined {
  return cmd && (cmd.requires === undefined || ctx.ks.dialect.has(cmd.requires)) ? cmd : undefined;
}

export function arityOk(arity: number, argc: number): boolean {
  return arity > 0 ? argc === arity : argc >= -arity;
}

/**
 * Applies one replicated write (argv[0] = name in any case): the arity check
 * redis-server does before the command runs, then the command. Unknown
 * commands are divergences: their effect is unknown.
 */
export function applyWrite(ctx: CommandContext, argv: Bytes[]): ApplyOutcome {
  const cmd = knownTo(ctx, findWrite(argv[0]!));
  if (!cmd) return { kind: 'diverged', keys: [], reason: `unknown write command '${argv[0]}'` };
  if (!arityOk(cmd.arity, argv.length)) return { kind: 'error', error: `ERR wrong number of arguments for '${cmd.name}' command` };
  return cmd.apply(ctx, argv);
}

/** Answers a client command on the replica's port, as redis-server does for these commands. */
export function runRead(ctx: CommandContext, argv: Bytes[]): ReplyValue {
  const name = argv[0]!;
  const cmd = knownTo(ctx, findRead(name));
  if (!cmd) {
    const lower = name.toLowerCase();
    const w = writeCommands.get(lower);
    // A write command of a later version is as unknown to this replica as any other name.
    if (WRITE_COMMAND_NAMES.has(lower) && (!w || knownTo(ctx, w))) {
      if (w && !arityOk(w.arity, argv.length)) return reply.error(`ERR wrong number of arguments for '${w.name}' command`);
      return reply.error(READONLY_ERROR);
    }
    const args = argv.slice(1).map((a) => `'${a.slice(0, 128)}' `).join('');
    return reply.error(`ERR unknown command '${name.slice(0, 128)}', with args beginning with: ${args}`);
  }
  if (!arityOk(cmd.arity, argv.length)) return reply.error(`ERR wrong number of arguments for '${cmd.name}' command`);
  if (!ctx.ks.keepsValues) return reply.error(NO_DATASET_ERROR);
  return cmd.run(ctx, argv);
}
