// How each ReplicaConfig key is named, parsed, rendered and changed, with the
// types, bounds, aliases and mutability of redis-server 7.0.15 (checked
// against the binary: CONFIG GET *, CONFIG SET, and bad config files).
import type { Feature, VersionProfile } from '../versions/profile';
import { isEmulate, type Emulate } from '../versions/resolve';
import { PROFILE_IDS } from '../versions/profiles';
import { DATASET_CHOICES, isDatasetChoice, type DatasetChoice, type DisklessLoad, type OutputBufferLimit, type ProtectedAction, type ReplicaConfig } from './replicaConfig';
import {
  INT_MAX,
  parseMemory,
  LLONG_MAX,
  fail,
  ok,
  parseBool,
  parseEnum,
  parseIntInRange,
  parseLooseInteger,
  parseMemoryInRange,
  type Parsed,
} from './valueParsers';

export interface FieldSpec<T> {
  /** Other names redis-server accepts for the same config (slaveof...). */
  aliases: readonly string[];
  /** Takes a list of arguments (replicaof host port, bind a b c). */
  multiArg: boolean;
  /** CONFIG SET refuses immutable configs. */
  mutable: boolean;
  /** `profile`: the version whose values are allowed (undefined: any version's). */
  parse(args: string[], profile?: VersionProfile): Parsed<T>;
  /** The value as CONFIG GET prints it. */
  render(value: T): string;
  /** What CONFIG SET's apply step does to an accepted value. */
  afterSet?(value: T): T;
  /** Only versions with this feature have the config. */
  requires?: Feature;
  /** Answers CONFIG GET by its exact name only, never to a pattern (Redis's HIDDEN_CONFIG). */
  hidden?: boolean;
  /** The tool's own setting: set from the command line or the launch configuration, unknown to CONFIG. */
  toolOnly?: boolean;
}

export type FieldSpecs = { [K in keyof ReplicaConfig]: FieldSpec<ReplicaConfig[K]> };

const WRONG_ARGS = 'wrong number of arguments';
const DISKLESS_LOAD: readonly DisklessLoad[] = ['disabled', 'on-empty-db', 'swapdb', 'flushdb'];
const PROTECTED_ACTION: readonly ProtectedAction[] = ['no', 'yes', 'local'];
/** CONFIG_REPL_BACKLOG_MIN_SIZE, applied by CONFIG SET only. */
const REPL_BACKLOG_MIN_SIZE = 16 * 1024;
/** Redis's CONFIG_BINDADDR_MAX: more addresses are refused. */
const BINDADDR_MAX = 16;

type Opts = { aliases?: readonly string[]; mutable?: boolean; requires?: Feature; hidden?: boolean };

function single<T>(parseOne: (s: string) => Parsed<T>, render: (v: T) => string, opts: Opts = {}): FieldSpec<T> {
  return {
    aliases: opts.aliases ?? [],
    multiArg: false,
    mutable: opts.mutable ?? true,
    parse: (args) => (args.length === 1 ? parseOne(args[0]!) : fail(WRONG_ARGS)),
    render,
    ...(opts.requires ? { requires: opts.requires } : {}),
    ...(opts.hidden ? { hidden: true } : {}),
  };
}

function int(min: bigint, max: bigint, opts: Opts = {}): FieldSpec<number> {
  return single((s) => {
    const r = parseIntInRange(s, min, max);
    return r.ok ? ok(Number(r.value)) : r;
  }, String, opts);
}

const port = (opts: Opts = {}): FieldSpec<number> => int(0n, 65535n, opts);
const bool = (opts: Opts = {}): FieldSpec<boolean> => single(parseBool, (v) => (v ? 'yes' : 'no'), opts);

/** Redis stores "" as NULL for these (EMPTY_STRING_IS_NULL). */
const optionalString = (opts: Opts = {}): FieldSpec<string | null> =>
  single((s) => ok(s === '' ? null : s), (v) => v ?? '', opts);

/**
 * Secrets render as "(redacted)" when set, not as Redis renders them (the
 * real CONFIG GET masterauth returns the password) and not as "" either,
 * which would wrongly say that no password is configured.
 */
const secretString = (): FieldSpec<string | null> => ({
  ...optionalString(),
  render: (v) => (v === null ? '' : '(redacted)'),
});

/** An enum; a value in `valueRequires` exists only in versions with that feature (and is not listed to the others). */
function enumField<T extends string>(values: readonly T[], opts: Opts = {}, valueRequires: Partial<Record<T, Feature>> = {}): FieldSpec<T> {
  const spec = single((s) => parseEnum(s, values), (v) => v, opts);
  return {
    ...spec,
    parse: (args, profile) => {
      if (args.length !== 1) return fail(WRONG_ARGS);
      const allowed = values.filter((v) => {
        const needs = valueRequires[v];
        return needs === undefined || profile === undefined || profile.has(needs);
      });
      return parseEnum(args[0]!, allowed);
    },
  };
}

/** "host port" or "no one"; the port is read with strtol, so " 5", "+5" and even "" (0) pass. */
function parseReplicaof(args: string[]): Parsed<ReplicaConfig['replicaof']> {
  if (args.length !== 2) return fail(WRONG_ARGS);
  const [host, portText] = args as [string, string];
  if (host.toLowerCase() === 'no' && portText.toLowerCase() === 'one') return ok(null);
  const value = parseLooseInteger(portText);
  if (value === null || value < 0n || value > 65535n) return fail('Invalid master port');
  return ok({ host, port: Number(value) });
}

const memory = (opts: Opts = {}): FieldSpec<number> => single((s) => {
  const r = parseMemoryInRange(s, 0n, LLONG_MAX);
  return r.ok ? ok(Number(r.value)) : r;
}, String, opts);

const CLIENT_CLASS: Readonly<Record<string, keyof ReplicaConfig['client-output-buffer-limit']>> = {
  normal: 'normal', slave: 'replica', replica: 'replica', pubsub: 'pubsub',
};

/**
 * client-output-buffer-limit <class> <hard> <soft> <soft seconds> [...]: the
 * classes named change, the others keep their values (the caller merges).
 */
function parseOutputBufferLimits(args: string[]): Parsed<Partial<ReplicaConfig['client-output-buffer-limit']>> {
  if (args.length % 4 !== 0) return fail('Wrong number of arguments in buffer limit configuration.');
  const out: Partial<Record<keyof ReplicaConfig['client-output-buffer-limit'], OutputBufferLimit>> = {};
  for (let i = 0; i < args.length; i += 4) {
    const cls = CLIENT_CLASS[args[i]!.toLowerCase()];
    if (!cls) return fail('Invalid client class specified in buffer limit configuration.');
    const hard = parseMemory(args[i + 1]!);
    const soft = parseMemory(args[i + 2]!);
    const seconds = parseLooseInteger(args[i + 3]!);
    if (hard === null || soft === null || seconds === null || seconds < 0n) {
      return fail('Error in hard, soft or soft_seconds setting in buffer limit configuration.');
    }
    out[cls] = { hard: Number(hard), soft: Number(soft), softSeconds: Number(seconds) };
  }
  return ok(out);
}

const renderLimit = (name: string, l: OutputBufferLimit): string => `${name} ${l.hard} ${l.soft} ${l.softSeconds}`;

function parseEmulate(s: string): Parsed<Emulate> {
  return isEmulate(s) ? ok(s) : fail(`argument must be auto or one of ${PROFILE_IDS.join(', ')}`);
}

function parseDataset(s: string): Parsed<DatasetChoice> {
  return isDatasetChoice(s) ? ok(s) : fail(`argument must be one of ${DATASET_CHOICES.join(', ')}`);
}

function parseBind(args: string[]): Parsed<string> {
  if (args.length > BINDADDR_MAX) return fail('Too many bind addresses specified.');
  // A single empty argument means "no addresses", like no arguments at all.
  return ok(args.length === 1 && args[0] === '' ? '' : args.join(' '));
}

export const FIELD_SPECS: FieldSpecs = {
  replicaof: {
    aliases: ['slaveof'],
    multiArg: true,
    mutable: false, // REPLICAOF is the runtime way; CONFIG SET refuses it.
    parse: parseReplicaof,
    render: (v) => (v === null ? '' : `${v.host} ${v.port}`),
  },
  masterauth: { ...secretString(), aliases: ['primaryauth'] },
  masteruser: { ...secretString(), aliases: ['primaryuser'] },
  'repl-timeout': int(1n, INT_MAX),
  'replica-announce-ip': optionalString({ aliases: ['slave-announce-ip'] }),
  'replica-announce-port': port({ aliases: ['slave-announce-port'] }),
  'replica-announced': bool(),
  'replica-priority': int(0n, INT_MAX, { aliases: ['slave-priority'] }),
  'replica-read-only': bool({ aliases: ['slave-read-only'] }),
  port: port(),
  bind: { aliases: [], multiArg: true, mutable: true, parse: parseBind, render: (v) => v },
  'repl-diskless-load': enumField(DISKLESS_LOAD, {}, { flushdb: 'repl-diskless-load-flushdb' }),
  'repl-backlog-size': {
    ...single<number | null>((s) => {
      const r = parseMemoryInRange(s, 1n, LLONG_MAX);
      return r.ok ? ok(Number(r.value)) : r;
    }, String),
    afterSet: (v) => (v === null ? v : Math.max(v, REPL_BACKLOG_MIN_SIZE)),
  },
  emulate: { ...single(parseEmulate, (v) => v, { mutable: false }), toolOnly: true },
  dataset: { ...single(parseDataset, (v) => v, { mutable: false }), toolOnly: true },
  'loading-process-events-interval-bytes': single<number | null>((s) => {
    const r = parseIntInRange(s, 1024n, INT_MAX);
    return r.ok ? ok(Number(r.value)) : r;
  }, (v) => String(v), { hidden: true }),
  'repl-rdb-channel': bool({ requires: 'rdb-channel', hidden: true }),
  'replica-full-sync-buffer-limit': memory({ requires: 'rdb-channel' }),
  'dual-channel-replication-enabled': bool({ requires: 'dual-channel' }),
  'client-output-buffer-limit': {
    aliases: [],
    multiArg: true,
    mutable: true,
    // A partial value is merged by setField into the classes it does not name.
    parse: (args) => parseOutputBufferLimits(args) as Parsed<ReplicaConfig['client-output-buffer-limit']>,
    render: (v) => [renderLimit('normal', v.normal), renderLimit('slave', v.replica), renderLimit('pubsub', v.pubsub)].join(' '),
  },
  databases: int(1n, INT_MAX, { mutable: false }),
  'tls-replication': bool(),
  'tls-port': port(),
  'tls-cert-file': optionalString(),
  'tls-key-file': optionalString(),
  'tls-ca-cert-file': optionalString(),
  'tls-ca-cert-dir': optionalString(),
  'tls-key-file-pass': secretString(),
  'enable-debug-command': enumField(PROTECTED_ACTION, { mutable: false }),
};

export const FIELD_KEYS = Object.keys(FIELD_SPECS) as (keyof ReplicaConfig)[];

/** Names only some versions have for a config all have: Valkey 8's primary* names. */
const NAME_REQUIRES: ReadonlyMap<string, Feature> = new Map([
  ['primaryauth', 'primary-config-names'],
  ['primaryuser', 'primary-config-names'],
]);

/** Whether `name` (lower case) is one of the version's names (`profile` undefined: any version's). */
export function nameOfVersion(name: string, profile: VersionProfile | undefined): boolean {
  const needs = NAME_REQUIRES.get(name);
  return needs === undefined || profile === undefined || profile.has(needs);
}

/** Every name (primary or alias, lower case) → its key, in table order. */
export const FIELD_NAMES: ReadonlyMap<string, keyof ReplicaConfig> = new Map(
  FIELD_KEYS.flatMap((key) => [[key, key] as const, ...FIELD_SPECS[key].aliases.map((a) => [a, key] as const)]),
);

/** Parses `args` for `key` and stores the value; returns the error text or null. */
export function setField<K extends keyof ReplicaConfig>(config: ReplicaConfig, key: K, args: string[], profile?: VersionProfile): string | null {
  const r = FIELD_SPECS[key].parse(args, profile);
  if (!r.ok) return r.error;
  config[key] = mergeValue(config, key, r.value);
  return null;
}

export function renderField<K extends keyof ReplicaConfig>(config: ReplicaConfig, key: K): string {
  return FIELD_SPECS[key].render(config[key]);
}

/** client-output-buffer-limit changes only the classes it names. */
export function mergeValue<K extends keyof ReplicaConfig>(config: ReplicaConfig, key: K, value: ReplicaConfig[K]): ReplicaConfig[K] {
  if (key !== 'client-output-buffer-limit') return value;
  return { ...config['client-output-buffer-limit'], ...(value as ReplicaConfig['client-output-buffer-limit']) } as ReplicaConfig[K];
}
