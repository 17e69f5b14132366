// streamParseAddOrTrimArgsOrReply: the options XADD and XTRIM share, parsed as
// redis-server parses them for its master client (LIMIT is accepted and then
// ignored there: the master already rewrote "~ n" into "= <what it kept>").
import type { Bytes, StreamId } from '../values';
import { NOT_INTEGER, INVALID_ID, parseId, parseLongLong, parseStrictId, SYNTAX_ERROR } from './streamId';
import type { TrimSpec } from './streamOps';

export interface AddTrimArgs {
  trim: TrimSpec | null;
  /** XADD: index of the ID argument (argc when none was found). */
  idIndex: number;
  id: StreamId | null;
  seqGiven: boolean;
  noMkStream: boolean;
}

export function parseAddTrimArgs(argv: Bytes[], xadd: boolean): AddTrimArgs | string {
  const out: AddTrimArgs = { trim: null, idIndex: argv.length, id: null, seqGiven: true, noMkStream: false };
  let limit = 0;
  let i = 2;
  for (; i < argv.length; i++) {
    const moreargs = argv.length - 1 - i;
    const opt = argv[i]!;
    const lower = opt.toLowerCase();
    if (xadd && opt === '*') {
      break;
    } else if ((lower === 'maxlen' || lower === 'minid') && moreargs) {
      if (out.trim) return 'ERR syntax error, MAXLEN and MINID options at the same time are not compatible';
      let approx = false;
      const next = argv[i + 1]!;
      if (moreargs >= 2 && next === '~') {
        approx = true;
        i++;
      } else if (moreargs >= 2 && next === '=') {
        i++;
      }
      if (lower === 'maxlen') {
        const maxlen = parseLongLong(argv[i + 1]!);
        if (maxlen === null) return NOT_INTEGER;
        if (maxlen < 0) return 'ERR The MAXLEN argument must be >= 0.';
        out.trim = { strategy: 'maxlen', maxlen, approx };
      } else {
        const minid = parseStrictId(argv[i + 1]!);
        if (!minid) return INVALID_ID;
        out.trim = { strategy: 'minid', minid, approx };
      }
      i++;
    } else if (lower === 'limit' && moreargs) {
      const l = parseLongLong(argv[i + 1]!);
      if (l === null) return NOT_INTEGER;
      if (l < 0) return 'ERR The LIMIT argument must be >= 0.';
      limit = l;
      i++;
    } else if (xadd && lower === 'nomkstream') {
      out.noMkStream = true;
    } else if (xadd) {
      const parsed = parseId(opt, 0n, true, true);
      if (!parsed) return INVALID_ID;
      out.id = parsed.id;
      out.seqGiven = parsed.seqGiven;
      break;
    } else {
      return SYNTAX_ERROR;
    }
  }
  out.idIndex = i;
  if (limit && !out.trim) return 'ERR syntax error, LIMIT cannot be used without specifying a trimming strategy';
  if (!xadd && !out.trim) return 'ERR syntax error, XTRIM must be called with a trimming strategy';
  return out;
}
