// streamParseAddOrTrimArgsOrReply: the options XADD and XTRIM share, parsed as
// redis-server parses them for its master client (LIMIT is accepted and then
// ignored there: the master already rewrote "~ n" into "= <what it kept>"),
// with 8.2's KEEPREF|DELREF|ACKED and 8.6's IDMP pid iid / IDMPAUTO pid (which
// a master sends with the ID it generated, or with "*" for a duplicate).
import type { Bytes, StreamId } from '../values';
import type { IdmpRequest } from './streamIdmp';
import { NOT_INTEGER, INVALID_ID, parseId, parseLongLong, parseStrictId, SYNTAX_ERROR } from './streamId';
import type { TrimSpec } from './streamOps';
import type { DeleteStrategy } from './streamRefs';

export interface AddTrimArgs {
  trim: TrimSpec | null;
  /** XADD: index of the ID argument (argc when none was found). */
  idIndex: number;
  id: StreamId | null;
  seqGiven: boolean;
  noMkStream: boolean;
  idmp: IdmpRequest | null;
}

const IDMP_TWICE = 'ERR syntax error, IDMP/IDMPAUTO specified multiple times';

/** KEEPREF, DELREF or ACKED, from an argument already in lower case. */
function deleteStrategyOf(lower: string): DeleteStrategy | null {
  return lower === 'keepref' || lower === 'delref' || lower === 'acked' ? lower : null;
}

/**
 * Runs for every XADD of the stream, so it allocates only its result: each
 * argument is lowered once, and the trim is built with one fixed shape.
 */
export function parseAddTrimArgs(argv: Bytes[], xadd: boolean): AddTrimArgs | string {
  const out: AddTrimArgs = { trim: null, idIndex: argv.length, id: null, seqGiven: true, noMkStream: false, idmp: null };
  let limit = 0;
  let refs: DeleteStrategy | null = null;
  let strategy: 'maxlen' | 'minid' | null = null;
  let maxlen = 0;
  let minid: StreamId | null = null;
  let approx = false;
  let i = 2;
  for (; i < argv.length; i++) {
    const moreargs = argv.length - 1 - i;
    const opt = argv[i]!;
    if (xadd && opt === '*') break;
    const lower = opt.toLowerCase();
    const deleteStrategy: DeleteStrategy | null = refs === null ? deleteStrategyOf(lower) : null;
    if ((lower === 'maxlen' || lower === 'minid') && moreargs) {
      if (strategy !== null) return 'ERR syntax error, MAXLEN and MINID options at the same time are not compatible';
      const next = argv[i + 1]!;
      if (moreargs >= 2 && next === '~') {
        approx = true;
        i++;
      } else if (moreargs >= 2 && next === '=') {
        i++;
      }
      if (lower === 'maxlen') {
        const n = parseLongLong(argv[i + 1]!);
        if (n === null) return NOT_INTEGER;
        if (n < 0) return 'ERR The MAXLEN argument must be >= 0.';
        strategy = 'maxlen';
        maxlen = n;
      } else {
        minid = parseStrictId(argv[i + 1]!);
        if (!minid) return INVALID_ID;
        strategy = 'minid';
      }
      i++;
    } else if (lower === 'limit' && moreargs) {
      const l = parseLongLong(argv[i + 1]!);
      if (l === null) return NOT_INTEGER;
      if (l < 0) return 'ERR The LIMIT argument must be >= 0.';
      limit = l;
      i++;
    } else if (deleteStrategy !== null) {
      refs = deleteStrategy;
    } else if (xadd && lower === 'nomkstream') {
      out.noMkStream = true;
    } else if (xadd && lower === 'idmpauto' && moreargs) {
      if (out.idmp) return IDMP_TWICE;
      if (argv[i + 1]!.length === 0) return 'ERR syntax error, IDMPAUTO requires a non-empty producer ID';
      out.idmp = { pid: argv[++i]!, iid: null };
    } else if (xadd && lower === 'idmp' && moreargs >= 2) {
      if (out.idmp) return IDMP_TWICE;
      if (argv[i + 1]!.length === 0) return 'ERR syntax error, IDMP requires a non-empty producer ID';
      if (argv[i + 2]!.length === 0) return 'ERR syntax error, IDMP requires a non-empty idempotent ID';
      out.idmp = { pid: argv[i + 1]!, iid: argv[i + 2]! };
      i += 2;
    } else if (xadd) {
      // Only "*" for a client; the master's own client may name the ID it generated.
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
  if (limit && strategy === null) return 'ERR syntax error, LIMIT cannot be used without specifying a trimming strategy';
  if (!xadd && strategy === null) return 'ERR syntax error, XTRIM must be called with a trimming strategy';
  if (strategy === 'maxlen') out.trim = { strategy, maxlen, approx, refs: refs ?? 'keepref' };
  else if (strategy === 'minid') out.trim = { strategy, minid: minid!, approx, refs: refs ?? 'keepref' };
  return out;
}
