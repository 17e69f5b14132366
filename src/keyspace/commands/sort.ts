// SORT (sort.c). A master replicates SORT … STORE as sent; SORT without STORE
// writes nothing and is never replicated. The STORE form is not reproduced yet
// (BY/GET patterns reach into other keys, ALPHA/numeric ordering rules), so it
// is reported as a divergence of the destination key, never guessed.
import type { ReadCommand, WriteCommand } from '../command';
import { diverged, OK_OUTCOME, write } from './util';

const sort = write('sort', -2, (_ctx, argv) => {
  for (let j = 2; j < argv.length - 1; j++) {
    if (argv[j]!.toLowerCase() === 'store') return diverged([argv[j + 1]!], 'SORT … STORE is not implemented by the replica keyspace yet');
  }
  return OK_OUTCOME;
});

export const sortWriteCommands: WriteCommand[] = [sort];
export const sortReadCommands: ReadCommand[] = [];
