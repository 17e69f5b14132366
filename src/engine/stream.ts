// The master client in CONNECTED: readQueryFromClient, then processInputBuffer
// one command per step. reploff is the applied offset (frozen inside MULTI),
// read_reploff the read one; master_repl_offset and the backlog grow with
// what is applied.
import type { ReplicaCore, Work } from './core';
import { applyToDataset, errorToMaster, type DatasetOutcome } from './dataset';
import { guardHeap } from './heapGuard';
import { afterErrorReply, masterClientInfo, sampleQueryBuffer, serverLogLine } from './masterErrors';
import { arityError, lookupCommand } from '../versions/commandTable';
import type { CommandPoint } from './recentEvents';
import type { Bytes } from '../rdb/bytes';

const READ = ['readQueryFromClient'];
const PROCESS = ['readQueryFromClient', 'processInputBuffer', 'processCommand'];
const GETACK = [...PROCESS, 'replconfCommand', 'replicationSendAck'];

/** Anything for the master client to read or execute. */
export function streamReadable(core: ReplicaCore): boolean {
  const link = core.link;
  if (!link) return false;
  // A master flagged after a protocol error reads nothing more, but its link can still drop.
  if (core.info.master && core.info.master.close_after_reply !== null) return link.eof;
  return link.input.length > 0 || link.eof;
}

export function* onStreamReadable(core: ReplicaCore): Work {
  const info = core.info;
  const link = core.link!;
  const master = info.master!;

  if (link.input.length === 0 || master.close_after_reply !== null) {
    // read() returned 0: the master closed the link.
    // Redis logs only "Connection with master lost." (freeClient); the cause is kept for the views.
    const message = link.error ? `Error reading from master: ${link.error}` : 'Master closed the connection';
    core.info.last_error = { at: core.now(), message };
    yield* core.freeMaster(master.close_after_reply !== null ? 'protocol-error' : 'link-lost', message, READ);
    return;
  }

  const bytes = link.input.takeAll();
  info.stat_net_repl_input_bytes += bytes.length;
  // Once per read, not per command: the stream can grow the dataset past the heap as a load can.
  guardHeap(core, core.keyspace, 'while applying the stream');
  yield* readIntoQuery(core, bytes, READ);
  yield* processInputBuffer(core);
}

/** Stream bytes enter the master client's query buffer (readQueryFromClient). */
export function* readIntoQuery(core: ReplicaCore, bytes: Buffer, callPath: readonly string[]): Work {
  const info = core.info;
  const master = info.master!;
  master.read_reploff += bytes.length;
  master.lastinteraction = core.unixtime();
  core.masterQuery.push(bytes);
  yield { kind: 'read', bytes: bytes.length, read_reploff: master.read_reploff, callPath };
}

/** processInputBuffer(): every whole command in the query buffer, one step each. */
export function* processInputBuffer(core: ReplicaCore): Work {
  const info = core.info;
  const master = info.master!;
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
    let result: CommandResult = NOT_QUEUED_OK;
    // The name as sent: the lookups, the dataset and the call path share it.
    const given = argv.length > 0 ? argv[0]! : '';
    const names = argv.length > 0 ? commandNames(given) : null;
    if (names !== null) result = processCommand(core, argv, given, names.lower);
    // commandProcessed(), outside MULTI: the applied offset catches up with what was parsed. An
    // empty request (*0, *-1, a bare newline) runs no command: its bytes count with the next one.
    if (argv.length > 0 && !master.multi) {
      const reploff = master.read_reploff - core.masterQuery.buffered;
      const applied = reploff - master.reploff;
      master.reploff = reploff;
      if (applied > 0) core.feedBacklog(applied);
    }
    if (argv.length > 0) {
      const point: CommandPoint = {
        kind: 'command', argv, db: master.db, offsetBefore, offsetAfter: master.reploff, queued: result.queued,
        outcome: result.outcome, callPath: names!.callPath,
      };
      // The step point itself is what Recent events keeps: no copy, no text, and the clock read it already made.
      core.recent.command(point, core.clockMs);
      yield point;
    }
  }
}

/** setProtocolError()'s short reason for each of the parser's errors. */
const PROTOCOL_ERRSTR: [RegExp, string][] = [
  [/too big mbulk count string/, 'too big mbulk count string'],
  [/invalid multibulk length/, 'invalid mbulk count'],
  [/too big bulk count string/, 'too big bulk count string'],
  [/expected '\$'/, 'expected $ but got something else'],
  [/invalid bulk length/, 'invalid bulk length'],
  [/inline request not allowed/, 'Master using the inline protocol. Desync?'],
  [/unbalanced quotes/, 'unbalanced quotes in inline request'],
  [/too big inline request/, 'too big inline request'],
];

/**
 * A protocol error on the master link, logged as Redis logs it: the parser's
 * error reply goes through afterErrorReply() (== CRITICAL == and the latest
 * backlog) except for inline data, which processInlineBuffer refuses with its
 * own WARNING; then setProtocolError()'s line, the query buffer sampled from
 * qb_pos. The master is flagged to close after its next reply: it reads
 * nothing more, and the next ACK the cron writes frees it, uncached (so the
 * next sync is a full one). The first line Redis logged is the transition's
 * message.
 */
function* protocolError(core: ReplicaCore, reason: string): Work {
  const master = core.info.master!;
  const errstr = PROTOCOL_ERRSTR.find(([re]) => re.test(reason))?.[1] ?? reason;
  let message: string;
  if (errstr.startsWith('Master using the inline protocol')) {
    const m = core.w.master;
    message = `WARNING: Receiving inline protocol from ${m}, ${m} stream corruption? Closing the ${m} connection and discarding the cached ${m}.`;
    core.fail(message);
  } else {
    message = afterErrorReply(core, reason);
  }
  core.fail(serverLogLine(`Protocol error (${errstr}) from client: ${masterClientInfo(core)}. ${sampleQueryBuffer(core.masterQuery.unparsed())}`));
  master.close_after_reply = message;
  core.masterQuery.clear();
  yield { kind: 'line', state: core.info.repl_state, line: errstr, callPath: [...PROCESS, 'setProtocolError'] };
}

interface CommandResult {
  queued: boolean;
  /** For EXEC, the first error or divergence among the queued commands. */
  outcome: DatasetOutcome;
}

const OK: DatasetOutcome = { kind: 'ok' };
const NOT_QUEUED_OK: CommandResult = { queued: false, outcome: OK };

/**
 * Runs one command of the master (queued inside MULTI). The replica never
 * replies to its master; an error is logged as Redis does.
 */
function processCommand(core: ReplicaCore, argv: Bytes[], given: string, name: string): CommandResult {
  const master = core.info.master!;
  // processCommand() looks every command up and checks it, a queued one too, before anything runs.
  const found = lookupCommand(core.profile, argv, given);
  master.lastcmd = found.kind === 'unknown' ? null : found.fullname;
  const refusal = found.kind === 'unknown' ? found.error : found.kind === 'found' ? arityError(found, argv.length) : null;
  if (refusal !== null) {
    // rejectCommand() inside MULTI also flags the transaction: its EXEC will abort.
    if (master.multi) master.multi_dirty = true;
    return { queued: false, outcome: errorToMaster(core, refusal) };
  }
  if (master.multi && name !== 'exec' && name !== 'discard' && name !== 'multi') {
    core.multiQueue.push(argv);
    return { queued: true, outcome: OK };
  }
  switch (name) {
    case 'multi':
      if (master.multi) return { queued: false, outcome: errorToMaster(core, 'ERR MULTI calls can not be nested') };
      master.multi = true;
      master.multi_dirty = false;
      core.multiQueue = [];
      return { queued: false, outcome: OK };
    case 'exec': {
      if (!master.multi) return { queued: false, outcome: errorToMaster(core, 'ERR EXEC without MULTI') };
      const queue = core.multiQueue;
      const dirty = master.multi_dirty;
      core.multiQueue = [];
      master.multi = false;
      master.multi_dirty = false;
      if (dirty) return { queued: false, outcome: errorToMaster(core, 'EXECABORT Transaction discarded because of previous errors.') };
      let outcome = OK;
      for (const queuedArgv of queue) {
        const queuedName = queuedArgv[0]!;
        const queued = lookupCommand(core.profile, queuedArgv, queuedName);
        const r = execute(core, queuedArgv, queuedName, commandNames(queuedName).lower, queued.kind !== 'found' || queued.write);
        if (outcome.kind === 'ok') outcome = r;
      }
      return { queued: false, outcome };
    }
    case 'discard': {
      const outcome = master.multi ? OK : errorToMaster(core, 'ERR DISCARD without MULTI');
      master.multi = false;
      master.multi_dirty = false;
      core.multiQueue = [];
      return { queued: false, outcome };
    }
    default: {
      const outcome = execute(core, argv, given, name, found.kind !== 'found' || found.write);
      return outcome.kind === 'ok' ? NOT_QUEUED_OK : { queued: false, outcome };
    }
  }
}

/** `given` is argv[0] as sent, `name` the same in lower case. */
function execute(core: ReplicaCore, argv: Bytes[], given: string, name: string, writes: boolean): DatasetOutcome {
  const master = core.info.master!;
  core.info.stat_commands_applied++;
  if (name === 'select') {
    const db = Number(argv[1]);
    if (argv.length !== 2 || !Number.isInteger(db)) return errorToMaster(core, 'ERR value is not an integer or out of range');
    if (db < 0 || db >= core.config.databases) return errorToMaster(core, 'ERR DB index is out of range');
    master.db = db;
    return OK;
  }
  if (name === 'replconf') return replconfCommand(core, argv);
  if (name === 'ping') return OK;
  return applyToDataset(core, master.db, argv, given, writes);
}

/**
 * replconfCommand() as a replica runs it for its master: options come in
 * pairs; GETACK answers with reploff as it was before this command (it runs
 * before commandProcessed()); a malformed one is an error reply, which a
 * replica logs as CRITICAL and never sends.
 */
function replconfCommand(core: ReplicaCore, argv: Bytes[]): DatasetOutcome {
  if (argv.length % 2 === 0) return errorToMaster(core, 'ERR syntax error');
  const options = core.profile.replconfOptions;
  for (let j = 1; j < argv.length; j += 2) {
    const option = argv[j]!.toLowerCase();
    if (option === 'getack') {
      core.sendAck(GETACK);
      return OK;
    }
    // ACK and FACK come from replicas; a master client's are ignored.
    if (option === 'ack') return OK;
    if (!options.has(option)) return errorToMaster(core, `ERR Unrecognized REPLCONF option: ${argv[j]!}`);
    if (option === 'listening-port' && !/^-?\d+$/.test(argv[j + 1]!)) return errorToMaster(core, 'ERR value is not an integer or out of range');
  }
  return OK;
}

interface CommandNames {
  lower: string;
  /** The call stack of the command: processCommand, then the Redis function it runs in (`setCommand`). */
  callPath: readonly string[];
}

/** By the name as sent, up to a bound (a master cannot grow it without limit): the stream repeats a few names. */
const namesKept = new Map<string, CommandNames>();
const NAMES_KEPT = 4096;

function commandNames(given: string): CommandNames {
  const hit = namesKept.get(given);
  if (hit !== undefined) return hit;
  const lower = given.toLowerCase();
  const names: CommandNames = { lower, callPath: Object.freeze([...PROCESS, `${lower}Command`]) };
  if (namesKept.size < NAMES_KEPT) namesKept.set(given, names);
  return names;
}
