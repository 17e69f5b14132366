// How each ReplicaConfig key is named, parsed, rendered and changed, with the
// types, bounds, aliases and mutability of redis-server 7.0.15 (checked
// against the binary: CONFIG GET *, CONFIG SET, and bad config files).
import { type DisklessLoad, type ProtectedAction, type ReplicaConfig } from './replicaConfig';
import {
  INT_MAX,
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
  parse(args: string[]): Parsed<T>;
  /** The value as CONFIG GET prints it. */
  render(value: T): string;
  /** What CONFIG SET's apply step does to an accepted value. */
  afterSet?(value: T): T;
}

export type FieldSpecs = { [K in keyof ReplicaConfig]: FieldSpec<ReplicaConfig[K]> };

const WRONG_ARGS = 'wrong number of arguments';
const DISKLESS_LOAD: readonly DisklessLoad[] = ['disabled', 'on-empty-db', 'swapdb'];
const PROTECTED_ACTION: readonly ProtectedAction[] = ['no', 'yes', 'local'];
/** CONFIG_REPL_BACKLOG_MIN_SIZE, applied by CONFIG SET only. */
const REPL_BACKLOG_MIN_SIZE = 16 * 1024;
/** Redis's CONFIG_BINDADDR_MAX: more addresses are refused. */
const BINDADDR_MAX = 16;

type Opts = { aliases?: readonly string[]; mutable?: boolean };

function single<T>(parseOne: (s: string) => Parsed<T>, render: (v: T) => string, opts: Opts = {}): FieldSpec<T> {
  return {
    aliases: opts.aliases ?? [],
    multiArg: false,
    mutable: opts.mutable ?? true,
    parse: (args) => (args.length === 1 ? parseOne(args[0]!) : fail(WRONG_ARGS)),
    render,
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

function enumField<T extends string>(values: readonly T[], opts: Opts = {}): FieldSpec<T> {
  return single((s) => parseEnum(s, values), (v) => v, opts);
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
  masterauth: secretString(),
  masteruser: secretString(),
  'repl-timeout': int(1n, INT_MAX),
  'replica-announce-ip': optionalString({ aliases: ['slave-announce-ip'] }),
  'replica-announce-port': port({ aliases: ['slave-announce-port'] }),
  'replica-announced': bool(),
  'replica-priority': int(0n, INT_MAX, { aliases: ['slave-priority'] }),
  'replica-read-only': bool({ aliases: ['slave-read-only'] }),
  port: port(),
  bind: { aliases: [], multiArg: true, mutable: true, parse: parseBind, render: (v) => v },
  'repl-diskless-load': enumField(DISKLESS_LOAD),
  'repl-backlog-size': {
    ...single((s) => {
      const r = parseMemoryInRange(s, 1n, LLONG_MAX);
      return r.ok ? ok(Number(r.value)) : r;
    }, String),
    afterSet: (v) => Math.max(v, REPL_BACKLOG_MIN_SIZE),
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

/** Every name (primary or alias, lower case) → its key, in table order. */
export const FIELD_NAMES: ReadonlyMap<string, keyof ReplicaConfig> = new Map(
  FIELD_KEYS.flatMap((key) => [[key, key] as const, ...FIELD_SPECS[key].aliases.map((a) => [a, key] as const)]),
);

/** Parses `args` for `key` and stores the value; returns the error text or null. */
export function setField<K extends keyof ReplicaConfig>(config: ReplicaConfig, key: K, args: string[]): string | null {
  const r = FIELD_SPECS[key].parse(args);
  if (!r.ok) return r.error;
  config[key] = r.value;
  return null;
}

export function renderField<K extends keyof ReplicaConfig>(config: ReplicaConfig, key: K): string {
  return FIELD_SPECS[key].render(config[key]);
}
