// Which arguments of a command are keys, and what the command does to each:
// Redis 7's key specifications (COMMAND's key_specs), as each live build
// reports them (keySpecs.ts, generated), read the way getKeysUsingKeySpecs()
// reads them. A replica that keeps only its keys (dataset keys) learns from
// them which keys a replicated write creates, overwrites or deletes.

/**
 * One key specification, compacted: its flags (RW, OW, RM, RO, ACCESS,
 * UPDATE, INSERT, DELETE, …), where the search for its keys begins, and how
 * the keys are found from there.
 */
export type KeySpec = readonly [flags: readonly string[], begin: BeginSearch, find: FindKeys];

export type BeginSearch =
  /** At this argv index. */
  | readonly ['index', number]
  /** After the first `keyword` (case-insensitive) found from `startfrom` (negative: from the end, backwards). */
  | readonly ['keyword', string, number]
  /** Only the command's own procedure knows (getkeys_proc). */
  | readonly ['unknown'];

export type FindKeys =
  /**
   * From the beginning to `lastkey` (relative; -1: the last argument, -2 the one before), every
   * `keystep`; with `limit` > 0 and lastkey -1, the first 1/limit of what remains.
   */
  | readonly ['range', number, number, number]
  /** The number of keys is at `keynumidx` (relative), the first key at `firstkey` (relative), every `keystep`. */
  | readonly ['keynum', number, number, number]
  | readonly ['unknown'];

export interface KeyRef {
  /** The key's index in argv. */
  index: number;
  /** The spec's flags. With `variable`, the command narrows them per call (SET without GET only overwrites). */
  flags: readonly string[];
  variable: boolean;
}

/** A numkeys argument: a canonical integer (string2ll), or NaN. */
function numkeys(arg: string | undefined): number {
  return arg !== undefined && /^(0|-?[1-9]\d{0,17})$/.test(arg) ? Number(arg) : Number.NaN;
}

/**
 * The keys `argv` names by these specs, in spec order, or null when one of
 * them is unknown (the command finds its keys with code of its own) or the
 * arguments cannot hold them (Redis answers "Invalid arguments").
 */
export function commandKeys(specs: readonly KeySpec[], argv: readonly string[]): KeyRef[] | null {
  const argc = argv.length;
  const out: KeyRef[] = [];
  for (const [flags, begin, find] of specs) {
    let first: number;
    if (begin[0] === 'index') {
      first = begin[1];
    } else if (begin[0] === 'keyword') {
      const [, keyword, startfrom] = begin;
      const word = keyword.toLowerCase();
      let at = -1;
      if (startfrom >= 0) {
        for (let i = startfrom; i < argc; i++) if (argv[i]!.toLowerCase() === word) { at = i; break; }
      } else {
        for (let i = argc + startfrom; i > 0; i--) if (argv[i]!.toLowerCase() === word) { at = i; break; }
      }
      if (at === -1) continue;
      first = at + 1;
    } else {
      return null;
    }
    if (first >= argc) continue;
    let last: number;
    let step: number;
    if (find[0] === 'range') {
      const [, lastkey, keystep, limit] = find;
      step = keystep;
      if (lastkey >= 0) last = first + lastkey;
      else if (limit === 0) last = argc + lastkey;
      else last = first + Math.floor((argc - first) / limit) + lastkey;
    } else if (find[0] === 'keynum') {
      const [, keynumidx, firstkey, keystep] = find;
      const n = numkeys(argv[first + keynumidx]);
      if (!(n >= 0)) return null;
      step = keystep;
      const start = first + firstkey;
      last = start + (n - 1) * keystep;
      first = start;
      if (n === 0) continue;
    } else {
      return null;
    }
    if (last >= argc) return null;
    const variable = flags.includes('variable_flags');
    for (let i = first; i <= last; i += step) out.push({ index: i, flags, variable });
  }
  return out;
}
