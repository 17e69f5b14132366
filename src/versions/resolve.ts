// `emulate auto`: which profile a replica of this master runs. The master's
// INFO (server and memory sections, asked on a side connection before the
// handshake) names its product and version; when it cannot be asked, the RDB
// it sends names them (its redis-ver / valkey-ver aux field).
import type { ProfileId, Product, VersionProfile } from './profile';
import { NEWEST, PROFILES, profileById } from './profiles';

export type Emulate = 'auto' | ProfileId;

/** Why this profile: the line the engine logs. */
export interface Resolution {
  profile: VersionProfile;
  reason: string;
}

/** Parses INFO's `field:value` lines. */
export function parseInfoFields(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0 && !line.startsWith('#')) fields.set(line.slice(0, colon), line.slice(colon + 1));
  }
  return fields;
}

type Triple = [number, number, number];

function parseVersion(text: string): Triple | null {
  const m = /^(\d+)\.(\d+)\.(\d+)/.exec(text);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : null;
}

function compare(a: Triple, b: Triple): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

/**
 * The newest profile of `product` whose release line (major.minor) is at most
 * `version`'s: a profile stands for its line, whatever the patch release
 * (the oldest if none is).
 */
function nearestAtOrBelow(product: Product, version: Triple): VersionProfile {
  const candidates = PROFILES.filter((p) => p.product === product && p.version !== '255.255.255');
  const line: Triple = [version[0], version[1], 0];
  let best = candidates[0]!;
  for (const p of candidates) {
    const v = parseVersion(p.version)!;
    if (compare([v[0], v[1], 0], line) <= 0) best = p;
  }
  return best;
}

const sameLine = (a: Triple, b: Triple): boolean => a[0] === b[0] && a[1] === b[1];

/**
 * An unstable build reports 255.255.255; which line it is shows in what it
 * has: the rdb-channel sync (Redis 8) comes with `mem_replica_full_sync_buffer`
 * in INFO memory.
 */
function unstableRedis(fields: Map<string, string>): VersionProfile {
  return fields.has('mem_replica_full_sync_buffer') ? NEWEST.redis : profileById('redis-unstable-2024-10')!;
}

/** The profile for a master whose INFO server (and memory) reads `info`. */
export function resolveFromInfo(info: string): Resolution {
  const fields = parseInfoFields(info);
  const valkey = fields.get('valkey_version') ?? (fields.get('server_name') === 'valkey' ? fields.get('redis_version') : undefined);
  const product: Product = valkey !== undefined ? 'valkey' : 'redis';
  const text = valkey ?? fields.get('redis_version');
  const label = product === 'valkey' ? 'Valkey' : 'Redis';
  if (text === undefined) {
    return { profile: NEWEST.redis, reason: `the master's INFO names no version: emulating the newest profile, ${NEWEST.redis.label}` };
  }
  const version = parseVersion(text);
  if (version === null) {
    const fallback = NEWEST[product];
    return { profile: fallback, reason: `the master reports ${label} version '${text}', which is not x.y.z: emulating ${fallback.label}` };
  }
  if (text === '255.255.255' && product === 'redis') {
    const profile = unstableRedis(fields);
    return { profile, reason: `the master is an unstable Redis build (255.255.255) of the ${profile.id} line: emulating ${profile.id}` };
  }
  const profile = nearestAtOrBelow(product, version);
  const own = parseVersion(profile.version)!;
  let reason: string;
  if (profile.version === text) reason = `the master runs ${label} ${text}: emulating a ${profile.label} replica`;
  else if (sameLine(own, version)) reason = `the master runs ${label} ${text}: emulating ${profile.id}, its release line (built against ${profile.label})`;
  else reason = `the master runs ${label} ${text}: emulating ${profile.id} (${profile.label}), the nearest version at or below it`;
  return { profile, reason };
}

/**
 * The profile an RDB's producer implies, once a sync shows it: used when the
 * master's INFO could not be read. `aux` is the redis-ver or valkey-ver field.
 */
export function resolveFromRdb(product: Product, versionText: string, rdbVersion: number): Resolution {
  const version = parseVersion(versionText);
  const label = product === 'valkey' ? 'Valkey' : 'Redis';
  if (version === null) {
    const profile = NEWEST[product];
    return { profile, reason: `the RDB was produced by ${label} '${versionText}': emulating ${profile.label}` };
  }
  if (versionText === '255.255.255' && product === 'redis') {
    const profile = rdbVersion >= 13 ? NEWEST.redis : profileById('redis-unstable-2024-10')!;
    return { profile, reason: `the RDB (version ${rdbVersion}) was produced by an unstable Redis build: emulating ${profile.id}` };
  }
  const profile = nearestAtOrBelow(product, version);
  return { profile, reason: `the RDB (version ${rdbVersion}) was produced by ${label} ${versionText}: emulating ${profile.id}` };
}

export function isEmulate(text: string): text is Emulate {
  return text === 'auto' || profileById(text) !== undefined;
}
