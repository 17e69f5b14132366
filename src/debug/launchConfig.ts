// A launch request's arguments turned into what the session needs: the
// ReplicaConfig every hosted replica starts from (validated by the same rules
// redis-server applies to its config, see config/redisConf.ts), how many, and
// what a stop does. Anything wrong is an AdapterError with a message that
// never repeats a password.
import * as fs from 'node:fs';
import { ConfigError } from '../config/configError';
import { applyDirectives, parseRedisConf, type ConfigDirective } from '../config/redisConf';
import { DATASET_CHOICES, defaultConfig, isDatasetChoice, type ReplicaConfig } from '../config/replicaConfig';
import type { PauseMode } from '../net/replicaShell';
import { AdapterError, errors } from './errors';
import { ATTACH_ATTRIBUTES, LAUNCH_ATTRIBUTES, MAX_REPLICAS } from './launchSchema';
import type { VersionProfile } from '../versions/profile';
import { PROFILE_IDS, profileById } from '../versions/profiles';
import { isEmulate } from '../versions/resolve';

export { MAX_REPLICAS } from './launchSchema';
import { closestName } from './names';

export interface LaunchSettings {
  base: ReplicaConfig;
  replicas: number;
  pauseMode: PauseMode;
  stopOnEntry: boolean;
}

export interface AttachSettings {
  /** The `redis-replica-debugger --debug-port` to attach to (a standalone adapter connects there). */
  host: string;
  port: number;
  pauseMode: PauseMode;
}


interface MasterAddress {
  host: string;
  port: number;
  tls: boolean;
  user: string | null;
  password: string | null;
}

/** `redis://user:***@host:port`: the form errors may show. */
function redactUrl(text: string): string {
  return text.replace(/^(rediss?:\/\/)([^@/]*)@/i, (_m, scheme: string, cred: string) =>
    `${scheme}${cred.includes(':') ? `${cred.slice(0, cred.indexOf(':'))}:***` : cred}@`);
}

function parsePort(text: string, shown: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > 65535) throw errors.launchConfig(`master '${shown}': port must be 1..65535`);
  return Number(text);
}

export function parseMaster(value: unknown): MasterAddress {
  if (typeof value !== 'string' || value.trim() === '') {
    throw errors.launchConfig("'master' is required: host:port, redis://[user:pass@]host:port or rediss://… for TLS");
  }
  const text = value.trim();
  const shown = redactUrl(text);
  if (/^rediss?:\/\//i.test(text)) {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      throw errors.launchConfig(`master '${shown}' is not a valid redis:// URL`);
    }
    if (url.hostname === '') throw errors.launchConfig(`master '${shown}' has no host`);
    return {
      host: url.hostname.replace(/^\[|\]$/g, ''),
      port: url.port === '' ? 6379 : parsePort(url.port, shown),
      tls: url.protocol.toLowerCase() === 'rediss:',
      user: url.username === '' ? null : decodeURIComponent(url.username),
      password: url.password === '' ? null : decodeURIComponent(url.password),
    };
  }
  // host:port, or [v6]:port.
  const m = /^(?:\[([^\]]+)\]|([^:\s]+)):(\S+)$/.exec(text);
  if (!m) throw errors.launchConfig(`master '${shown}' must be host:port, redis://[user:pass@]host:port or rediss://…`);
  return { host: (m[1] ?? m[2])!, port: parsePort(m[3]!, shown), tls: false, user: null, password: null };
}

/** A launch.json config value as the words of a redis.conf line. */
function configWords(name: string, value: unknown): string[] {
  if (typeof value === 'boolean') return [value ? 'yes' : 'no'];
  if (typeof value === 'number' && Number.isFinite(value)) return [String(value)];
  if (typeof value === 'string') return [value];
  throw errors.launchConfig(`config '${name}' must be a string, a number or a boolean`);
}

const LAUNCH_SOURCE = 'launch configuration';
/** Set by `master` and by the session, not by `config`. */
const RESERVED = new Set(['replicaof', 'slaveof']);

function directive(name: string, args: string[], line: number): ConfigDirective {
  // The text is only ever shown through redactLine() (ConfigError does that).
  return { name: name.toLowerCase(), args, line, source: LAUNCH_SOURCE, text: [name, ...args].join(' ') };
}

function applyAll(config: ReplicaConfig, directives: ConfigDirective[], where: (e: ConfigError) => AdapterError, profile?: VersionProfile): ReplicaConfig {
  try {
    // An explicit version's configs only; under auto, those of any version.
    return applyDirectives(config, directives, profile ? { profile } : {}).config;
  } catch (err) {
    if (err instanceof ConfigError) throw where(err);
    throw err;
  }
}

function readRedisConf(file: unknown, base: ReplicaConfig, profile: VersionProfile | undefined): ReplicaConfig {
  if (file === undefined || file === null || file === '') return base;
  if (typeof file !== 'string') throw errors.launchConfig("'redisConf' must be a file path");
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw errors.redisConf(file, err instanceof Error ? err.message : String(err));
  }
  const fail = (e: ConfigError): AdapterError => errors.redisConf(file, e.message);
  try {
    return applyAll(base, parseRedisConf(text, { fileName: file }), fail, profile);
  } catch (err) {
    // parseRedisConf's own errors (unbalanced quotes) are ConfigErrors too.
    if (err instanceof ConfigError) throw fail(err);
    throw err;
  }
}

/** Validates `args` (a launch request's arguments, as the client sent them). */
export function parseLaunchArguments(args: Readonly<Record<string, unknown>>): LaunchSettings {
  const master = parseMaster(args['master']);
  const replicas = args['replicas'] ?? 1;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 1 || replicas > MAX_REPLICAS) {
    throw errors.launchConfig(`'replicas' must be an integer from 1 to ${MAX_REPLICAS}`);
  }
  const pauseMode = parsePauseMode(args['pauseMode']);
  const stopOnEntry = args['stopOnEntry'] ?? false;
  if (typeof stopOnEntry !== 'boolean') throw errors.launchConfig("'stopOnEntry' must be true or false");

  const emulate = args['emulate'] ?? 'auto';
  if (typeof emulate !== 'string' || !isEmulate(emulate)) throw errors.launchConfig(`'emulate' must be auto or one of ${PROFILE_IDS.join(', ')}`);
  const profile = emulate === 'auto' ? undefined : profileById(emulate);

  const dataset = args['dataset'] ?? 'auto';
  if (typeof dataset !== 'string' || !isDatasetChoice(dataset)) throw errors.launchConfig(`'dataset' must be one of ${DATASET_CHOICES.join(', ')}`);

  // Port 0: each replica's RESP port is picked by the OS, so replicas never clash with a local redis.
  let config = readRedisConf(args['redisConf'], { ...defaultConfig(), port: 0, emulate, dataset }, profile);
  const extra = args['config'] ?? {};
  if (typeof extra !== 'object' || extra === null || Array.isArray(extra)) throw errors.launchConfig("'config' must be an object of redis.conf names to values");
  const directives: ConfigDirective[] = [];
  if (master.tls) directives.push(directive('tls-replication', ['yes'], directives.length + 1));
  if (master.user !== null) directives.push(directive('masteruser', [master.user], directives.length + 1));
  if (master.password !== null) directives.push(directive('masterauth', [master.password], directives.length + 1));
  for (const [name, value] of Object.entries(extra)) {
    if (RESERVED.has(name.toLowerCase())) throw errors.launchConfig(`config '${name}' is set by 'master'`);
    directives.push(directive(name, configWords(name, value), directives.length + 1));
  }
  directives.push(directive('replicaof', [master.host, String(master.port)], directives.length + 1));
  config = applyAll(config, directives, (e) => errors.launchConfig(e.directive === null ? e.reason : `config '${e.directive}': ${e.reason}`), profile);
  return { base: config, replicas, pauseMode, stopOnEntry };
}

function parsePauseMode(value: unknown): PauseMode {
  const pauseMode = value ?? 'keepalive';
  if (pauseMode !== 'keepalive' && pauseMode !== 'freeze') throw errors.launchConfig("'pauseMode' must be 'keepalive' or 'freeze'");
  return pauseMode;
}

/** Validates an attach request's arguments. */
export function parseAttachArguments(args: Readonly<Record<string, unknown>>): AttachSettings {
  const port = args['port'];
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw errors.launchConfig("'port' must be the --debug-port of a running redis-replica-debugger (1..65535)");
  }
  const host = args['host'] ?? '127.0.0.1';
  if (typeof host !== 'string' || host.trim() === '') throw errors.launchConfig("'host' must be a host name or address");
  return { host: host.trim(), port, pauseMode: parsePauseMode(args['pauseMode']) };
}

/** Attributes every VS Code configuration may carry, whatever its debug type. */
const CLIENT_ATTRIBUTES = new Set([
  'type', 'request', 'name', 'presentation', 'preLaunchTask', 'postDebugTask', 'internalConsoleOptions', 'debugServer',
  'noDebug', 'suppressMultipleSessionUI', 'stateMachineUri',
]);

/**
 * Attributes the schema does not know ("unknown attribute 'mastr' (did you
 * mean 'master'?)"): a typo would otherwise be silently ignored. VS Code's own
 * `__` attributes are left alone.
 */
export function unknownAttributes(args: Readonly<Record<string, unknown>>, request: 'launch' | 'attach'): string[] {
  const known = Object.keys((request === 'launch' ? LAUNCH_ATTRIBUTES : ATTACH_ATTRIBUTES).properties);
  return Object.keys(args)
    .filter((name) => !name.startsWith('__') && !CLIENT_ATTRIBUTES.has(name) && !known.includes(name))
    .map((name) => {
      const near = closestName(name, known);
      return `unknown attribute '${name}'${near ? ` (did you mean '${near}'?)` : ''}`;
    });
}
