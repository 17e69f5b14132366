// The master client in CONNECTED: readQueryFromClient, then processInputBuffer
// one command per step. reploff is the applied offset (frozen inside MULTI),
// read_reploff the read one; master_repl_offset and the backlog grow with
// what is applied.
import type { ReplicaCore, Work } from './core';

const READ = ['readQueryFromClient'];
const PROCESS = ['readQueryFromClient', 'processInputBuffer', 'processCommand'];

/** Anything for the master client to read or execute. */
export function streamReadable(core: ReplicaCore): boolean {
  const link = core.link;
  if (!link) return false;
  return link.input.length > 0 || link.eof;
}

/** A hook for what the replica does with the data commands (the dataset, later). */
export interface CommandListener {
  (db: number, argv: readonly Buffer[]): void;
}

export function* onStreamReadable(core: ReplicaCore, apply: CommandListener | null): Work {
  const info = core.info;
  const link = core.link!;
  const master = info.master!;

  if (link.input.length === 0) {
    // read() returned 0: the master closed the link.
    const message = link.error ? `Error reading from master: ${link.error}` : 'Master closed the connection';
    core.fail(`Connection with master lost: ${link.error ?? 'connection closed by master'}`, 'notice');
    yield* core.freeMaster('link-lost', message, READ);
    return;
  }

  const bytes = link.input.takeAll();
  master.read_reploff += bytes.length;
  master.lastinteraction = core.unixtime();
  info.stat_net_repl_input_bytes += bytes.length;
  core.masterQuery.push(bytes);
  yield { kind: 'read', bytes: bytes.length, read_reploff: master.read_reploff, callPath: READ };

  for (;;) {
    // The master may have been lost by a command (a protocol error): stop.
    if (info.master !== master) return;
    const parsed = core.masterQuery.next();
    if (parsed.kind === 'need-more') return;
    if (parsed.kind === 'error') {
      yield* protocolError(core, parsed.message);
      return;
    }
    const offsetBefore = master.reploff;
    const argv = parsed.request.argv;
    let queued = false;
    if (argv.length > 0) queued = processCommand(core, argv, apply);
    // commandProcessed(): outside MULTI the applied offset catches up with what was parsed.
    if (!master.multi) {
      const reploff = master.read_reploff - core.masterQuery.buffered;
      const applied = reploff - master.reploff;
      master.reploff = reploff;
      if (applied > 0) core.feedBacklog(applied);
    }
    if (argv.length > 0) {
      yield { kind: 'command', argv, db: master.db, offsetBefore, offsetAfter: master.reploff, queued, callPath: [...PROCESS, commandFunction(argv)] };
    }
  }
}

function* protocolError(core: ReplicaCore, reason: string): Work {
  const message = reason === 'Protocol error: inline request not allowed'
    ? 'WARNING: Receiving inline protocol from master, master stream corruption? Closing the master connection and discarding the cached master.'
    : `Protocol error (${reason}) from master: master stream corruption? Closing the master connection and discarding the cached master.`;
  core.fail(message);
  yield* core.freeMaster('protocol-error', message, PROCESS);
}

/**
 * Runs one command of the master. Returns true when it was queued inside MULTI.
 * The replica never replies to its master; an error is logged as Redis does.
 */
function processCommand(core: ReplicaCore, argv: Buffer[], apply: CommandListener | null): boolean {
  const master = core.info.master!;
  const name = argv[0]!.toString('latin1').toLowerCase();
  if (master.multi && name !== 'exec' && name !== 'discard' && name !== 'multi') {
    core.multiQueue.push(argv);
    return true;
  }
  switch (name) {
    case 'multi':
      if (master.multi) errorToMaster(core, 'ERR MULTI calls can not be nested', name);
      else {
        master.multi = true;
        core.multiQueue = [];
      }
      return false;
    case 'exec': {
      if (!master.multi) {
        errorToMaster(core, 'ERR EXEC without MULTI', name);
        return false;
      }
      const queue = core.multiQueue;
      core.multiQueue = [];
      master.multi = false;
      for (const queuedArgv of queue) execute(core, queuedArgv, apply);
      return false;
    }
    case 'discard':
      if (!master.multi) errorToMaster(core, 'ERR DISCARD without MULTI', name);
      master.multi = false;
      core.multiQueue = [];
      return false;
    default:
      execute(core, argv, apply);
      return false;
  }
}

function execute(core: ReplicaCore, argv: Buffer[], apply: CommandListener | null): void {
  const master = core.info.master!;
  const name = argv[0]!.toString('latin1').toLowerCase();
  core.info.stat_commands_applied++;
  if (name === 'select') {
    const db = Number(argv[1]?.toString('latin1'));
    if (argv.length !== 2 || !Number.isInteger(db)) errorToMaster(core, 'ERR value is not an integer or out of range', name);
    else if (db < 0 || db >= core.config.databases) errorToMaster(core, 'ERR DB index is out of range', name);
    else master.db = db;
    return;
  }
  if (name === 'replconf') {
    // GETACK is answered with reploff as it was before this command: it runs before commandProcessed().
    if (argv[1]?.toString('latin1').toLowerCase() === 'getack') core.sendAck();
    return;
  }
  if (name === 'ping') return;
  apply?.(master.db, argv);
}

function errorToMaster(core: ReplicaCore, error: string, command: string): void {
  core.log('warning', `== CRITICAL == This replica is sending an error to its master: '${error}' after processing the command '${command}'`);
}

/** The Redis function a command runs in, for the call stack (`setCommand`). */
function commandFunction(argv: readonly Buffer[]): string {
  const name = argv[0]!.toString('latin1').toLowerCase();
  return `${name}Command`;
}
