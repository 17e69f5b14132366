// FUNCTION as a replica meets it. A master propagates FUNCTION LOAD [REPLACE],
// DELETE, FLUSH [ASYNC|SYNC] and RESTORE <payload> [FLUSH|APPEND|REPLACE]
// verbatim (FCALL itself arrives as the writes it made). The RESP port answers
// FUNCTION LIST [LIBRARYNAME pattern] [WITHCODE]; libraries come out sorted by
// name (Redis lists them in hash-table order, which differs between servers).
// Functions are not part of DEBUG DIGEST.
import { stringMatch } from '../../config/stringMatch';
import { reply, type ReplyValue } from '../../resp/encode';
import { errorOutcome, OK, type ApplyOutcome, type CommandContext, type ReadCommand, type WriteCommand } from '../command';
import type { FunctionLibrary, Keyspace } from '../keyspace';
import { fromBytes, toBytes, type Bytes } from '../values';
import { readFunctionDump } from './functionDump';
import { createLibrary, installLibrary } from './functionLibrary';
import { arityError, cText, helpReply, subcommandSyntaxError, unknownSubcommand } from './replyText';
import { bulk } from './util';

const ARITY: Record<string, number> = { delete: 3, dump: 2, flush: -2, help: 2, kill: 2, list: -2, load: -3, restore: -3, stats: 2 };
const WRITES = new Set(['load', 'delete', 'flush', 'restore']);

/** The container's checks: a known subcommand with its arity. Returns the lower-case name or an error. */
function subcommand(argv: Bytes[]): { sub: string } | { error: string } {
  const sub = argv[1]!.toLowerCase();
  const arity = ARITY[sub];
  if (arity === undefined) return { error: unknownSubcommand('function', argv[1]!) };
  if (arity > 0 ? argv.length !== arity : argv.length < -arity) return { error: arityError(`function|${sub}`) };
  return { sub };
}

function load(ks: Keyspace, argv: Bytes[]): ApplyOutcome {
  let replace = false;
  let pos = 2;
  while (pos < argv.length - 1) {
    const arg = argv[pos++]!;
    if (arg.toLowerCase() === 'replace') {
      replace = true;
      continue;
    }
    return errorOutcome(`ERR Unknown option given: ${cText(arg)}`);
  }
  if (pos >= argv.length) return errorOutcome('ERR Function code is missing');
  const created = createLibrary(ks.functions, argv[pos]!, replace);
  if ('error' in created) return errorOutcome(`ERR ${created.error}`);
  installLibrary(ks, created.library);
  return OK;
}

type RestorePolicy = 'flush' | 'append' | 'replace';

function restore(ks: Keyspace, argv: Bytes[]): ApplyOutcome {
  if (argv.length > 4) return errorOutcome(subcommandSyntaxError('function', argv[1]!));
  let policy: RestorePolicy = 'append';
  if (argv.length === 4) {
    const p = argv[3]!.toLowerCase();
    if (p !== 'flush' && p !== 'append' && p !== 'replace') {
      return errorOutcome('ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.');
    }
    policy = p;
  }
  const content = readFunctionDump(fromBytes(argv[2]!));
  if (content.kind === 'refused') return errorOutcome(content.error);
  if (content.kind === 'unreadable') return { kind: 'diverged', keys: [], reason: `FUNCTION RESTORE: ${content.reason}` };

  // The payload's libraries are first loaded on their own (duplicates in it are an error)…
  const staged = new Map<Bytes, FunctionLibrary>();
  for (const code of content.codes) {
    const created = createLibrary(staged, toBytes(code), false);
    if ('error' in created) return errorOutcome(`ERR ${created.error}`);
    staged.set(created.library.name, created.library);
  }
  if (policy === 'flush') {
    ks.functions = staged;
    return OK;
  }
  // …then joined with the loaded ones (libraryJoin): all or nothing.
  const kept = new Map(ks.functions);
  for (const name of staged.keys()) {
    if (!kept.has(name)) continue;
    if (policy === 'append') return errorOutcome(`ERR Library ${cText(name)} already exists`);
    kept.delete(name);
  }
  const taken = new Set<string>();
  for (const lib of kept.values()) for (const f of lib.functions) taken.add(f.name);
  for (const lib of staged.values()) {
    for (const f of lib.functions) if (taken.has(f.name)) return errorOutcome(`ERR Function ${f.name} already exists`);
  }
  for (const lib of staged.values()) kept.set(lib.name, lib);
  ks.functions = kept;
  return OK;
}

function functionWrite(ctx: CommandContext, argv: Bytes[]): ApplyOutcome {
  const found = subcommand(argv);
  if ('error' in found) return errorOutcome(found.error);
  const ks = ctx.ks;
  switch (found.sub) {
    case 'load':
      return load(ks, argv);
    case 'delete':
      if (!ks.functions.delete(argv[2]!)) return errorOutcome('ERR Library not found');
      return OK;
    case 'flush':
      if (argv.length > 3) return errorOutcome(subcommandSyntaxError('function', argv[1]!));
      if (argv.length === 3 && !['async', 'sync'].includes(argv[2]!.toLowerCase())) {
        return errorOutcome('ERR FUNCTION FLUSH only supports SYNC|ASYNC option');
      }
      ks.functions.clear();
      return OK;
    case 'restore':
      return restore(ks, argv);
  }
  // Read-only subcommands change nothing (a master never propagates them).
  return OK;
}

function listLibraries(ctx: CommandContext, argv: Bytes[]): ReplyValue {
  let withCode = false;
  let pattern: Bytes | null = null;
  for (let i = 2; i < argv.length; i++) {
    const arg = argv[i]!.toLowerCase();
    if (!withCode && arg === 'withcode') {
      withCode = true;
      continue;
    }
    if (pattern === null && arg === 'libraryname') {
      if (i >= argv.length - 1) return reply.error('ERR library name argument was not given');
      pattern = argv[++i]!;
      continue;
    }
    return reply.error(`ERR Unknown argument ${cText(argv[i]!)}`);
  }
  const libs = [...ctx.ks.functions.values()]
    .filter((l) => pattern === null || stringMatch(pattern, l.name, true))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return reply.array(
    libs.map((lib) => {
      const fields: ReplyValue[] = [
        reply.bulk('library_name'), bulk(lib.name),
        reply.bulk('engine'), reply.bulk(lib.engine),
        reply.bulk('functions'),
        reply.array(
          [...lib.functions].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).map((f) =>
            reply.array([
              reply.bulk('name'), bulk(f.name),
              reply.bulk('description'), f.description === null ? reply.bulk(null) : bulk(f.description),
              reply.bulk('flags'), reply.array(f.flags.map((flag) => reply.simple(flag))),
            ]),
          ),
        ),
      ];
      if (withCode) fields.push(reply.bulk('library_code'), bulk(lib.code));
      return reply.array(fields);
    }),
  );
}

const HELP = [
  'LIST [LIBRARYNAME <pattern>] [WITHCODE]',
  '    Return general information on all the libraries:',
  '    * Library name',
  '    * The engine used to run the Library',
  '    * Library description',
  '    * Functions list',
  '    * Library code (if WITHCODE is given)',
  '    It also possible to get only function that matches a pattern using LIBRARYNAME argument.',
];

function functionRead(ctx: CommandContext, argv: Bytes[]): ReplyValue {
  const found = subcommand(argv);
  if ('error' in found) return reply.error(found.error);
  if (found.sub === 'list') return listLibraries(ctx, argv);
  if (found.sub === 'help') return helpReply('function', HELP);
  if (WRITES.has(found.sub)) return reply.error("READONLY You can't write against a read only replica.");
  return reply.error(`ERR FUNCTION ${found.sub.toUpperCase()} is not available on this replica (it answers FUNCTION LIST and HELP)`);
}

export const functionWriteCommands: WriteCommand[] = [{ name: 'function', arity: -2, apply: functionWrite }];
export const functionReadCommands: ReadCommand[] = [{ name: 'function', arity: -2, run: functionRead }];
