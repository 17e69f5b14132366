// CONFIG GET and CONFIG SET on a replica's RESP port, over the configs in
// ReplicaConfig, with redis-server 7.0.15's matching, rendering, validation
// order and error replies. Configs this tool does not hold are unknown here.
import type { VersionProfile } from '../versions/profile';
import { DEFAULT_PROFILE } from '../versions/profiles';
import { type ReplicaConfig } from './replicaConfig';
import { FIELD_NAMES, FIELD_SPECS, mergeValue, nameOfVersion, renderField } from './replicaFields';
import { stringMatch } from './stringMatch';

/** A CONFIG SET refusal; `message` is the error reply, "ERR ..." included. */
export class ConfigSetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigSetError';
  }
}

const asciiLower = (s: string): string => s.replace(/[A-Z]/g, (c) => c.toLowerCase());
const hasGlob = (s: string): boolean => /[[*?]/.test(s);

/**
 * Name/value pairs for every config matching one of `patterns`. A pattern
 * without glob characters is looked up case-insensitively and answered under
 * the name as typed; a glob matches every name, aliases included (slaveof,
 * slave-read-only...). Each config name appears once. Secrets read
 * "(redacted)" when set (see replicaFields.ts).
 */
export function configGet(config: ReplicaConfig, patterns: string[], profile: VersionProfile = DEFAULT_PROFILE): [string, string][] {
  const found = new Map<string, [string, string]>();
  const effective = withVersionDefaults(config, profile);
  for (const pattern of patterns) {
    if (!hasGlob(pattern)) {
      const name = asciiLower(pattern);
      const key = FIELD_NAMES.get(name);
      if (key !== undefined && known(key, profile) && nameOfVersion(name, profile) && !found.has(name)) found.set(name, [pattern, renderField(effective, key)]);
      continue;
    }
    for (const [name, key] of FIELD_NAMES) {
      // A hidden config answers only to its exact name.
      if (!known(key, profile) || !nameOfVersion(name, profile) || FIELD_SPECS[key].hidden) continue;
      if (!found.has(name) && stringMatch(pattern, name, true)) found.set(name, [name, renderField(effective, key)]);
    }
  }
  return [...found.values()];
}

/** Whether the emulated version has the config (the tool's own settings are no config of Redis's). */
export function known(key: keyof ReplicaConfig, profile: VersionProfile): boolean {
  const spec = FIELD_SPECS[key];
  return !spec.toolOnly && (spec.requires === undefined || profile.has(spec.requires));
}

/** The values in effect: an unset version-dependent config takes the version's default. */
export function withVersionDefaults(config: ReplicaConfig, profile: VersionProfile): ReplicaConfig {
  return {
    ...config,
    'repl-backlog-size': config['repl-backlog-size'] ?? profile.defaults['repl-backlog-size'],
    'loading-process-events-interval-bytes': config['loading-process-events-interval-bytes'] ?? profile.defaults['loading-process-events-interval-bytes'],
  };
}

interface PlannedSet {
  /** The registered name: lower case, an alias stays an alias. */
  name: string;
  key: keyof ReplicaConfig;
  value: string;
}

const failed = (name: string, why: string): ConfigSetError =>
  new ConfigSetError(`ERR CONFIG SET failed (possibly related to argument '${name}') - ${why}`);

/**
 * Sets all pairs or none. As in Redis 7.0, names are checked first (unknown,
 * immutable, duplicate: the first problem wins and is reported with the name
 * as typed), then values in order (reported with the registered name).
 * `changed` lists the keys whose value differs afterwards.
 */
export function configSet(config: ReplicaConfig, pairs: [string, string][], profile: VersionProfile = DEFAULT_PROFILE): { config: ReplicaConfig; changed: (keyof ReplicaConfig)[] } {
  const planned: PlannedSet[] = [];
  for (const [typed, value] of pairs) {
    const name = asciiLower(typed);
    const key = FIELD_NAMES.get(name);
    if (key === undefined || !known(key, profile) || !nameOfVersion(name, profile)) throw new ConfigSetError(`ERR Unknown option or number of arguments for CONFIG SET - '${typed}'`);
    if (!FIELD_SPECS[key].mutable) throw failed(typed, "can't set immutable config");
    if (planned.some((p) => p.name === name)) throw failed(typed, 'duplicate parameter');
    planned.push({ name, key, value });
  }
  const next: ReplicaConfig = { ...config };
  for (const p of planned) setOne(next, p, profile);
  const changed = [...new Set(planned.map((p) => p.key))].filter((k) => next[k] !== config[k]);
  return { config: next, changed };
}

function setOne<K extends keyof ReplicaConfig>(config: ReplicaConfig, p: PlannedSet & { key: K }, profile: VersionProfile): void {
  const spec = FIELD_SPECS[p.key];
  // CONFIG SET splits a multi-argument value on single spaces, not with quoting rules.
  const args = spec.multiArg ? (p.value === '' ? [] : p.value.split(' ')) : [p.value];
  const r = spec.parse(args, profile);
  if (!r.ok) throw failed(p.name, r.error);
  const value = mergeValue(config, p.key, r.value);
  config[p.key] = spec.afterSet ? spec.afterSet(value) : value;
}
