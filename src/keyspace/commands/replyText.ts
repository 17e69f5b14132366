// Bytes inside reply texts. Redis formats names into errors with "%s" (the text
// stops at a NUL byte) and writes the bytes as they are. ReplyValue strings
// (errors, status lines, string bulks) are sent UTF-8 encoded, so a latin1
// Bytes string is turned back into the text its bytes spell; bulk replies of
// Bytes go out as Buffers (util.ts bulk) so every byte survives.
import { reply, type ReplyValue } from '../../resp/encode';
import { fromBytes, type Bytes } from '../values';

/** A name as printf("%s") shows it inside an error or status text. */
export function cText(b: Bytes): string {
  const nul = b.indexOf('\0');
  return fromBytes(nul === -1 ? b : b.slice(0, nul)).toString('utf8');
}

/** A bulk reply of an ASCII text (IDs, field names of XINFO). */
export function bulkText(s: string): ReplyValue {
  return reply.bulk(s);
}

/** "ERR wrong number of arguments for '<name>' command" */
export function arityError(name: string): string {
  return `ERR wrong number of arguments for '${name}' command`;
}

/** addReplySubcommandSyntaxError */
export function subcommandSyntaxError(command: string, sub: Bytes): string {
  return `ERR unknown subcommand or wrong number of arguments for '${cText(sub).slice(0, 128)}'. Try ${command.toUpperCase()} HELP.`;
}

/** A container command's unknown subcommand. */
export function unknownSubcommand(command: string, sub: Bytes): string {
  return `ERR unknown subcommand '${cText(sub).slice(0, 128)}'. Try ${command.toUpperCase()} HELP.`;
}

/** addReplyHelp: the header line, the command's lines, then HELP. */
export function helpReply(command: string, lines: string[]): ReplyValue {
  const all = [`${command.toUpperCase()} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:`, ...lines, 'HELP', '    Prints this help.'];
  return reply.array(all.map((l) => reply.simple(l)));
}
