// The master client in CONNECTED: readQueryFromClient, then processInputBuffer
// one command per step. reploff is the applied offset (frozen inside MULTI),
// read_reploff the read one; master_repl_offset and the backlog grow with
// what is applied.
import type { ReplicaCore, Work } from './core';
import { applyToDataset, errorToMaster, type DatasetOutcome } from './dataset';

const READ = ['readQueryFromClient'];
const PROCESS = ['readQueryFromClient', 'processInputBuffer', 'processCommand'];

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
    let result: CommandResult = { queued: false, outcome: OK };
    if (argv.length > 0) result = processCommand(core, argv);
    // commandProcessed(): outside MULTI the applied offset catches up with what was parsed.
    if (!master.multi) {
      const reploff = master.read_reploff - core.masterQuery.buffered;
      const applied = reploff - master.reploff;
      master.reploff = reploff;
      if (applied > 0) core.feedBacklog(applied);
    }
    if (argv.length > 0) {
      yield {
        kind: 'command', argv, db: master.db, offsetBefore, offsetAfter: master.reploff, queued: result.queued,
        outcome: result.outcome, callPath: [...PROCESS, commandFunction(argv)],
      };
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
/** PROTO_DUMP_LEN: how much of the query buffer the log line shows. */
const PROTO_DUMP_LEN = 128;

/**
 * A protocol error on the master link: logged as Redis logs it, then the master
 * is flagged to close after its next reply. It reads nothing more; the next ACK
 * the cron writes frees it, uncached (so the next sync is a full one).
 */
function* protocolError(core: ReplicaCore, reason: string): Work {
  const master = core.info.master!;
  const errstr = PROTOCOL_ERRSTR.find(([re]) => re.test(reason))?.[1] ?? reason;
  let message = `Protocol error (${errstr}) from master: master stream corruption?`;
  if (errstr.startsWith('Master using the inline protocol')) {
    message = 'WARNING: Receiving inline protocol from master, master stream corruption? Closing the master connection and discarding the cached master.';
    core.fail(message);
  }
  const client = `addr=${core.info.masterhost}:${core.info.masterport} flags=M db=${master.db} multi=${master.multi ? core.multiQueue.length : -1} qbuf=${core.masterQuery.buffered}`;
  core.fail(`Protocol error (${errstr}) from client: ${client}. ${sampleQueryBuffer(core.masterQuery.unread())}`);
  master.close_after_reply = message;
  core.masterQuery.clear();
  yield { kind: 'line', state: core.info.repl_state, line: errstr, callPath: [...PROCESS, 'setProtocolError'] };
}

function sampleQueryBuffer(buf: Buffer): string {
  const printable = (b: Buffer): string => b.toString('latin1').replace(/[^\x20-\x7e]/g, '.');
  if (buf.length < PROTO_DUMP_LEN) return `Query buffer during protocol error: '${printable(buf)}'`;
  const half = PROTO_DUMP_LEN / 2;
  return `'${printable(buf.subarray(0, half))}' (... more ${buf.length - PROTO_DUMP_LEN} bytes ...) '${printable(buf.subarray(buf.length - half))}'`;
}

interface CommandResult {
  queued: boolean;
  /** For EXEC, the first error or divergence among the queued commands. */
  outcome: DatasetOutcome;
}

const OK: DatasetOutcome = { kind: 'ok' };

/**
 * Runs one command of the master (queued inside MULTI). The replica never
 * replies to its master; an error is logged as Redis does.
 */
function processCommand(core: ReplicaCore, argv: Buffer[]): CommandResult {
  const master = core.info.master!;
  const name = argv[0]!.toString('latin1').toLowerCase();
  if (master.multi && name !== 'exec' && name !== 'discard' && name !== 'multi') {
    core.multiQueue.push(argv);
    return { queued: true, outcome: OK };
  }
  switch (name) {
    case 'multi':
      if (master.multi) return { queued: false, outcome: errorToMaster(core, 'ERR MULTI calls can not be nested', name) };
      master.multi = true;
      core.multiQueue = [];
      return { queued: false, outcome: OK };
    case 'exec': {
      if (!master.multi) return { queued: false, outcome: errorToMaster(core, 'ERR EXEC without MULTI', name) };
      const queue = core.multiQueue;
      core.multiQueue = [];
      master.multi = false;
      let outcome = OK;
      for (const queuedArgv of queue) {
        const r = execute(core, queuedArgv);
        if (outcome.kind === 'ok') outcome = r;
      }
      return { queued: false, outcome };
    }
    case 'discard': {
      const outcome = master.multi ? OK : errorToMaster(core, 'ERR DISCARD without MULTI', name);
      master.multi = false;
      core.multiQueue = [];
      return { queued: false, outcome };
    }
    default:
      return { queued: false, outcome: execute(core, argv) };
  }
}

function execute(core: ReplicaCore, argv: Buffer[]): DatasetOutcome {
  const master = core.info.master!;
  const name = argv[0]!.toString('latin1').toLowerCase();
  core.info.stat_commands_applied++;
  if (name === 'select') {
    const db = Number(argv[1]?.toString('latin1'));
    if (argv.length !== 2 || !Number.isInteger(db)) return errorToMaster(core, 'ERR value is not an integer or out of range', name);
    if (db < 0 || db >= core.config.databases) return errorToMaster(core, 'ERR DB index is out of range', name);
    master.db = db;
    return OK;
  }
  if (name === 'replconf') {
    // GETACK is answered with reploff as it was before this command: it runs before commandProcessed().
    if (argv[1]?.toString('latin1').toLowerCase() === 'getack') core.sendAck();
    return OK;
  }
  if (name === 'ping') return OK;
  return applyToDataset(core, master.db, argv);
}

/** The Redis function a command runs in, for the call stack (`setCommand`). */
function commandFunction(argv: readonly Buffer[]): string {
  const name = argv[0]!.toString('latin1').toLowerCase();
  return `${name}Command`;
}
