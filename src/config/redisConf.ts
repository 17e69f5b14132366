// redis.conf: parsing lines into directives and applying them the way
// redis-server 7.0's loadServerConfigFromString does, including its error
// texts. Pure: files named by `include` are read through a reader the caller
// passes in, or handed back to the caller to follow.
import { splitArgsText } from '../resp/splitArgs';
import { ConfigError } from './configError';
import { DEPRECATED_CONFIGS, REDIS_CONFIGS } from './redisConfigTable';
import type { VersionProfile } from '../versions/profile';
import { type ReplicaConfig } from './replicaConfig';
import { FIELD_NAMES, FIELD_SPECS, nameOfVersion, setField } from './replicaFields';

export interface ConfigDirective {
  /** Lower-cased, as redis-server matches names. */
  name: string;
  args: string[];
  /** 1-based line in `source`. */
  line: number;
  /** A file name, '<config>' or 'command line'. */
  source: string;
  /**
   * The line as redis-server prints it in a fatal error. It may hold a
   * secret: show it through redactLine(), never as it is.
   */
  text: string;
}

const asciiLower = (s: string): string => s.replace(/[A-Z]/g, (c) => c.toLowerCase());

/**
 * Splits `text` into directives: lines split on '\n' and trimmed of
 * " \t\r\n", comments (first character '#') and blank lines skipped, each
 * line split with sdssplitargs quoting. Unbalanced quotes are a ConfigError.
 */
export function parseConfigLines(text: string, source: string, firstLine = 1): ConfigDirective[] {
  const out: ConfigDirective[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
    if (line === '' || line.startsWith('#')) return;
    const place = { line: firstLine + i, text: line, source };
    const words = splitArgsText(line);
    if (words === null) throw new ConfigError('Unbalanced quotes in configuration line', place);
    if (words.length === 0) return;
    out.push({ name: asciiLower(words[0]!), args: words.slice(1), ...place });
  });
  return out;
}

export function parseRedisConf(text: string, opts: { fileName?: string } = {}): ConfigDirective[] {
  return parseConfigLines(text, opts.fileName ?? '<config>');
}

/** How `include` directives are followed; paths are used as written (redis-server resolves them from its cwd). */
export interface IncludeReader {
  /** The file's text; throw if it cannot be read. */
  readFile(path: string): string;
  /** Paths matching a pattern containing `*`, `?` or `[`, sorted; [] when none (not an error). */
  glob(pattern: string): string[];
}

export interface ApplyResult {
  config: ReplicaConfig;
  /** Real Redis directives this tool accepts but does not act on. */
  ignored: ConfigDirective[];
  /** `include` directives not followed because no reader was given, in order. */
  includes: ConfigDirective[];
}

/** redis-server has no limit and crashes on an include cycle; this reports it instead. */
const MAX_INCLUDE_DEPTH = 32;
const WRONG_ARGS = 'wrong number of arguments';
const BAD_DIRECTIVE = 'Bad directive or wrong number of arguments';

/**
 * Applies directives in order (later ones win) to a copy of `config`,
 * validating each as redis-server 7.0 does; the first invalid one throws a
 * ConfigError. `include` is followed in place when `opts.include` is given.
 */
export function applyDirectives(
  config: ReplicaConfig, directives: ConfigDirective[], opts: { include?: IncludeReader; profile?: VersionProfile } = {},
): ApplyResult {
  const result: ApplyResult = { config: { ...config }, ignored: [], includes: [] };
  applyInto(result, directives, opts.include, 0, opts.profile);
  return result;
}

/**
 * Whether the directive is a config of the version: `profile` undefined
 * (emulate auto, the version not known yet) accepts the configs of any
 * version. The tool's own settings (emulate) are flags, not directives.
 */
function isConfigOf(key: keyof ReplicaConfig, profile: VersionProfile | undefined): boolean {
  const spec = FIELD_SPECS[key];
  if (spec.toolOnly) return false;
  return spec.requires === undefined || profile === undefined || profile.has(spec.requires);
}

function applyInto(result: ApplyResult, directives: ConfigDirective[], reader: IncludeReader | undefined, depth: number, profile: VersionProfile | undefined): void {
  for (const d of directives) {
    const fail = (reason: string): never => {
      throw new ConfigError(reason, d);
    };
    const key = FIELD_NAMES.get(d.name);
    if (key !== undefined && isConfigOf(key, profile) && nameOfVersion(d.name, profile)) {
      const args = configArgs(FIELD_SPECS[key], d.args, fail);
      const error = setField(result.config, key, args, profile);
      if (error !== null) fail(error);
      continue;
    }
    const spec = REDIS_CONFIGS.get(d.name);
    if (spec !== undefined) {
      const error = spec.validate(configArgs(spec, d.args, fail));
      if (error !== null) fail(error);
      result.ignored.push(d);
      continue;
    }
    applyOtherDirective(result, d, reader, depth, fail, profile);
  }
}

/** A multi-argument config given one non-empty argument splits it ("replicaof '10.0.0.1 6379'"). */
function configArgs(spec: { multiArg: boolean }, args: string[], fail: (reason: string) => never): string[] {
  if (!spec.multiArg) return args.length === 1 ? args : fail(WRONG_ARGS);
  if (args.length === 1 && args[0] !== '') return splitArgsText(args[0]!) ?? [];
  return args;
}

/** The directives that are not configs, in the order redis-server tries them. */
function applyOtherDirective(
  result: ApplyResult,
  d: ConfigDirective,
  reader: IncludeReader | undefined,
  depth: number,
  fail: (reason: string) => never,
  profile: VersionProfile | undefined,
): void {
  const n = d.args.length;
  if (DEPRECATED_CONFIGS.has(d.name) && n === 1) {
    result.ignored.push(d);
  } else if (d.name === 'include' && n === 1) {
    if (reader === undefined) result.includes.push(d);
    else applyInto(result, readInclude(d, reader, depth), reader, depth + 1, profile);
  } else if ((d.name === 'rename-command' && n === 2) || ((d.name === 'user' || d.name === 'loadmodule') && n >= 1)) {
    // redis-server also checks that a renamed command exists; no command table here.
    result.ignored.push(d);
  } else if (d.name.includes('.')) {
    // A module's config; redis-server queues it for the module to claim.
    if (n === 0) fail('Module config specified without value');
    result.ignored.push(d);
  } else if (d.name === 'sentinel') {
    // Bare `sentinel` is how redis-server is told to run as Sentinel; it is accepted here.
    if (n !== 0) fail('sentinel directive while not in sentinel mode');
    result.ignored.push(d);
  } else {
    fail(BAD_DIRECTIVE);
  }
}

/**
 * The directives of an included file, or of all files matching a pattern,
 * concatenated without separators as redis-server does (so a file without
 * a final newline runs into the next one).
 */
function readInclude(d: ConfigDirective, reader: IncludeReader, depth: number): ConfigDirective[] {
  if (depth >= MAX_INCLUDE_DEPTH) throw new ConfigError(`include nesting deeper than ${MAX_INCLUDE_DEPTH} (an include cycle?)`, d);
  const target = d.args[0]!;
  const isPattern = /[*?[]/.test(target);
  let text = '';
  let current = target;
  try {
    for (const path of isPattern ? reader.glob(target) : [target]) {
      current = path;
      text += reader.readFile(path);
    }
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    const reason = `Fatal error, can't open config file '${current}': ${why}`;
    throw new ConfigError(reason, d, reason);
  }
  return parseConfigLines(text, target);
}
