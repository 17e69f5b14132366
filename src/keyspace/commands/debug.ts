// DEBUG on the replica's RESP port: only the dataset digests, which is how a
// person (or a test) proves the replica holds what its master holds. Other
// DEBUG subcommands change or crash a server; a debugger's replica has none.
import { reply, type ReplyValue } from '../../resp/encode';
import type { CommandContext, ReadCommand } from '../command';
import { datasetDigest, DigestUnavailable, valueDigest } from '../digest';
import type { Bytes } from '../values';
import { cText, helpReply, subcommandSyntaxError } from './replyText';

const HELP = [
  'DIGEST',
  '    Output a hex signature representing the current DB content.',
  'DIGEST-VALUE <key> [<key> ...]',
  '    Output a hex signature of the values of all the specified keys.',
];

/** A digest as the status line Redis answers, or the reason it cannot be given. */
function digestReply(compute: () => string): ReplyValue {
  try {
    return reply.simple(compute());
  } catch (err) {
    if (err instanceof DigestUnavailable) return reply.error(`ERR ${err.message}`);
    throw err;
  }
}

function debug(ctx: CommandContext, argv: Bytes[]): ReplyValue {
  const sub = argv[1]!;
  switch (sub.toLowerCase()) {
    case 'help':
      return argv.length === 2 ? helpReply('debug', HELP) : reply.error(subcommandSyntaxError('debug', sub));
    case 'digest':
      return argv.length === 2 ? digestReply(() => datasetDigest(ctx.ks)) : reply.error(subcommandSyntaxError('debug', sub));
    case 'digest-value':
      // One answer per key; a diverged key answers an error in its place, the others stay comparable.
      return reply.array(argv.slice(2).map((key) => digestReply(() => valueDigest(ctx.ks, ctx.db, key))));
    default:
      return reply.error(`ERR DEBUG ${cText(sub).slice(0, 128).toUpperCase()} is not available on this replica (it answers DEBUG DIGEST, DIGEST-VALUE and HELP)`);
  }
}

export const debugReadCommands: ReadCommand[] = [{ name: 'debug', arity: -2, run: debug }];
