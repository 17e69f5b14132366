// Validation of the Redis 7.0 configs that have their own syntax. This tool
// does not act on any of them, but a config file redis-server would refuse
// must be refused here too, with the same words.
import { parseLooseInteger, parseMemory, parseStrictInteger } from './valueParsers';

/** Returns Redis's error text, or null when redis-server would accept the arguments. */
export type Validator = (args: string[]) => string | null;

export const validateSave: Validator = (args) => {
  // A lone "" clears the save points; any other list is "<seconds> <changes>" pairs.
  const list = args.length === 1 && args[0] === '' ? [] : args;
  if (list.length % 2 !== 0) return 'Invalid save parameters';
  for (let i = 0; i < list.length; i++) {
    const v = parseLooseInteger(list[i]!);
    if (v === null || v < (i % 2 === 0 ? 1n : 0n)) return 'Invalid save parameters';
  }
  return null;
};

const CLIENT_CLASSES = new Set(['normal', 'slave', 'replica', 'pubsub']);

export const validateClientOutputBufferLimit: Validator = (args) => {
  if (args.length % 4 !== 0) return 'Wrong number of arguments in buffer limit configuration.';
  for (let i = 0; i < args.length; i += 4) {
    if (!CLIENT_CLASSES.has(args[i]!.toLowerCase())) return 'Invalid client class specified in buffer limit configuration.';
    const seconds = parseLooseInteger(args[i + 3]!);
    if (parseMemory(args[i + 1]!) === null || parseMemory(args[i + 2]!) === null || seconds === null || seconds < 0n) {
      return 'Error in hard, soft or soft_seconds setting in buffer limit configuration.';
    }
  }
  return null;
};

export const validateOomScoreAdjValues: Validator = (args) => {
  if (args.length !== 3) return 'wrong number of arguments';
  for (const a of args) {
    const v = parseLooseInteger(a);
    if (v === null || v < -2000n || v > 2000n) return 'Invalid oom-score-adj-values, elements must be between -2000 and 2000.';
  }
  return null;
};

const KEYSPACE_EVENT_CLASSES = 'Ag$lshzxeKEtmdn';

export const validateNotifyKeyspaceEvents: Validator = (args) =>
  [...args[0]!].every((c) => KEYSPACE_EVENT_CLASSES.includes(c))
    ? null
    : `Invalid event class character. Use '${KEYSPACE_EVENT_CLASSES}'.`;

/** C strtod as Redis's string2d uses it: no leading space, no NaN, no overflow. */
function parseCDouble(s: string): number | null {
  const decimal = /^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$/;
  const hex = /^[+-]?0[xX]([0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)([pP][+-]?[0-9]+)?$/;
  const inf = /^[+-]?(inf|infinity)$/i;
  if (inf.test(s)) return s.startsWith('-') ? -Infinity : Infinity;
  if (hex.test(s)) {
    const m = /^([+-]?)0[xX]([0-9a-fA-F]*)\.?([0-9a-fA-F]*)(?:[pP]([+-]?[0-9]+))?$/.exec(s)!;
    const mantissa = parseInt(m[2]! + m[3]! || '0', 16) / 16 ** m[3]!.length;
    const v = mantissa * 2 ** Number(m[4] ?? 0);
    return Number.isFinite(v) ? (m[1] === '-' ? -v : v) : null;
  }
  if (!decimal.test(s)) return null;
  const v = Number(s);
  return Number.isFinite(v) ? v : null;
}

export const validateLatencyPercentiles: Validator = (args) => {
  const list = args.length === 1 && args[0] === '' ? [] : args;
  for (const a of list) {
    const v = parseCDouble(a);
    if (v === null) return 'Invalid latency-tracking-info-percentiles parameters';
    if (v < 0 || v > 100) return 'latency-tracking-info-percentiles parameters should sit between [0.0,100.0]';
  }
  return null;
};

// Variables that always expand to something non-empty at startup; the others
// ({title}, {server-mode}, {unixsocket}, {config-file}) may be empty.
const TITLE_VARS_NON_EMPTY = new Set(['listen-addr', 'port', 'tls-port']);
const TITLE_VARS = new Set([...TITLE_VARS_NON_EMPTY, 'title', 'server-mode', 'unixsocket', 'config-file']);

/** Redis expands the template once and refuses it if that fails or leaves only spaces. */
export const validateProcTitleTemplate: Validator = (args) => {
  const bad = 'template format is invalid or contains unknown variables';
  const t = args[0]!;
  let visible = '';
  for (let i = 0; i < t.length; ) {
    const open = t.indexOf('{', i);
    if (open < 0) {
      visible += t.slice(i);
      break;
    }
    visible += t.slice(i, open);
    if (open + 1 >= t.length) return bad;
    if (t[open + 1] === '{') {
      visible += '{';
      i = open + 2;
      continue;
    }
    const close = t.indexOf('}', open + 1);
    if (close < 0) return bad;
    const name = t.slice(open + 1, close);
    if (!TITLE_VARS.has(name)) return bad;
    if (TITLE_VARS_NON_EMPTY.has(name)) visible += 'x';
    i = close + 1;
  }
  return visible.replace(/^ +| +$/g, '') === '' ? bad : null;
};

export const validateHostname: Validator = (args) =>
  /^[A-Za-z0-9.-]*$/.test(args[0]!) ? null : 'Hostnames may only contain alphanumeric characters, hyphens or dots';

const isBaseName = (s: string): boolean => !s.includes('/') && !s.includes('\\');

export const validateAppendFilename: Validator = ([s]) =>
  s === '' ? "appendfilename can't be empty" : isBaseName(s!) ? null : "appendfilename can't be a path, just a filename";

export const validateAppendDirname: Validator = ([s]) =>
  s === '' ? "appenddirname can't be empty" : isBaseName(s!) ? null : "appenddirname can't be a path, just a dirname";

export const validateDbFilename: Validator = ([s]) => (isBaseName(s!) ? null : "dbfilename can't be a path, just a filename");

/** maxmemory-clients: a memory value, or "N%" with 0 <= N <= 100. */
export const validateMemoryOrPercent: Validator = ([s]) => {
  const text = s!;
  if (text.length > 1 && text.endsWith('%')) {
    const pct = parseStrictInteger(text.slice(0, -1));
    if (pct !== null && pct >= 0n) return pct > 100n ? 'percentage argument must be less or equal to 100' : null;
  }
  // Unsigned 64-bit with no bounds: any memory value fits.
  return parseMemory(text) === null ? 'argument must be a memory or percent value' : null;
};

const SHUTDOWN_FLAGS = ['default', 'save', 'nosave', 'now', 'force'];

/** shutdown-on-sigint / -sigterm: one or more flags, not both save and nosave. */
export const validateShutdownFlags: Validator = (args) => {
  const lower = args.map((a) => a.toLowerCase());
  if (lower.length === 0 || !lower.every((a) => SHUTDOWN_FLAGS.includes(a))) {
    return `argument(s) must be one of the following: ${SHUTDOWN_FLAGS.join(', ')}`;
  }
  return lower.includes('save') && lower.includes('nosave') ? "shutdown options SAVE and NOSAVE can't be used simultaneously" : null;
};
