// Drives a Keyspace the way the engine does, for keyspace tests: a captured
// replication stream applied command by command (SELECT, MULTI/EXEC), and reads
// run as the RESP port runs them. Replies are compared as a client sees them:
// ours are encoded to RESP and parsed back with the same parser RedisClient
// uses, so both sides go through identical decoding.
import RedisParser = require('redis-parser');
import type { ApplyOutcome, ReadCommand, WriteCommand } from '../../src/keyspace/command';
import type { Keyspace } from '../../src/keyspace/keyspace';
import { toBytes } from '../../src/keyspace/values';
import type { Reply } from '../../src/net/redisClient';
import { encodeReply, type ReplyValue } from '../../src/resp/encode';
import { RequestParser } from '../../src/resp/requestParser';

export interface AppliedCommand {
  db: number;
  argv: string[];
  outcome: ApplyOutcome;
}

/** Commands of the stream that carry no data. */
const CONTROL = new Set(['ping', 'replconf']);

/**
 * Applies every command of a captured stream. Commands not in `writes` throw:
 * a test must know everything its workload produced.
 */
export function replay(ks: Keyspace, bytes: Buffer, writes: WriteCommand[], now: () => number = Date.now): AppliedCommand[] {
  const byName = new Map(writes.map((w) => [w.name, w]));
  const parser = new RequestParser({ maxBulkLength: Infinity });
  parser.push(bytes);
  const applied: AppliedCommand[] = [];
  let db = 0;
  let queue: string[][] | null = null;
  const run = (argv: string[]): void => {
    const name = argv[0]!.toLowerCase();
    const w = byName.get(name);
    if (!w) throw new Error(`the test cannot apply '${name}'`);
    const argc = argv.length;
    const arityOk = w.arity > 0 ? argc === w.arity : argc >= -w.arity;
    const outcome: ApplyOutcome = arityOk
      ? w.apply({ ks, db, now: now() }, argv)
      : { kind: 'error', error: `ERR wrong number of arguments for '${name}' command` };
    applied.push({ db, argv, outcome });
  };
  for (;;) {
    const r = parser.next();
    if (r.kind === 'need-more') break;
    if (r.kind === 'error') throw new Error(r.message);
    const argv = r.request.argv.map(toBytes);
    const name = argv[0]!.toLowerCase();
    if (CONTROL.has(name)) continue;
    if (name === 'select') db = Number(argv[1]);
    else if (name === 'multi') queue = [];
    else if (name === 'exec') {
      for (const q of queue ?? []) run(q);
      queue = null;
    } else if (queue) queue.push(argv);
    else run(argv);
  }
  return applied;
}

/** Runs a read as the replica's RESP port would (arity first). */
export function runRead(ks: Keyspace, db: number, reads: ReadCommand[], argv: string[], now = Date.now()): ReplyValue {
  const name = argv[0]!.toLowerCase();
  const r = reads.find((c) => c.name === name);
  if (!r) throw new Error(`no read command '${name}'`);
  const argc = argv.length;
  if (r.arity > 0 ? argc !== r.arity : argc < -r.arity) {
    return { type: 'error', value: `ERR wrong number of arguments for '${name}' command` };
  }
  return r.run({ ks, db, now }, argv);
}

/** A reply in a comparable form: bulk/status as latin1 strings, errors as { error }, null, numbers, arrays. */
export type Plain = string | number | null | { error: string } | Plain[];

export function plain(r: Reply): Plain {
  if (r === null || typeof r === 'number') return r;
  if (Buffer.isBuffer(r)) return r.toString('latin1');
  if (typeof r === 'string') return r;
  if (Array.isArray(r)) return r.map(plain);
  return { error: r.message };
}

/** What a client (RedisClient with returnBuffers) would receive for this reply. */
export function asClientSees(r: ReplyValue): Plain {
  let out: Plain | undefined;
  const parser = new RedisParser({
    returnBuffers: true,
    returnReply: (reply: unknown) => (out = plain(reply as Reply)),
    returnError: (err: Error) => (out = { error: err.message }),
  });
  parser.execute(encodeReply(r));
  if (out === undefined) throw new Error('reply did not parse');
  return out;
}
