// Whole-database writes (db.c): FLUSHDB, FLUSHALL (SYNC/ASYNC only change how
// redis-server frees memory, not the result) and SWAPDB. FLUSHALL leaves
// functions alone in 7.x (FUNCTION FLUSH removes them).
import type { WriteCommand } from '../command';
import { ERR_SYNTAX, fail, OK_OUTCOME, parseInt32, write } from './util';
import type { Bytes } from '../values';

/** getFlushCommandFlags: at most one argument, SYNC or ASYNC. */
function flushArgsOk(argv: Bytes[]): boolean {
  if (argv.length > 2) return false;
  if (argv.length === 2) {
    const o = argv[1]!.toLowerCase();
    return o === 'sync' || o === 'async';
  }
  return true;
}

const flushdb = write('flushdb', -1, (ctx, argv) => {
  if (!flushArgsOk(argv)) return fail(ERR_SYNTAX);
  ctx.ks.db(ctx.db).clear();
  return OK_OUTCOME;
});

const flushall = write('flushall', -1, (ctx, argv) => {
  if (!flushArgsOk(argv)) return fail(ERR_SYNTAX);
  ctx.ks.flushAll();
  return OK_OUTCOME;
});

const swapdb = write('swapdb', 3, (ctx, argv) => {
  const a = parseInt32(argv[1]!);
  if (a === null) return fail('ERR invalid first DB index');
  const b = parseInt32(argv[2]!);
  if (b === null) return fail('ERR invalid second DB index');
  const n = ctx.ks.databases;
  if (a < 0 || a >= n || b < 0 || b >= n) return fail('ERR DB index is out of range');
  if (a !== b) ctx.ks.swap(a, b);
  return OK_OUTCOME;
});

export const serverWriteCommands: WriteCommand[] = [flushdb, flushall, swapdb];
