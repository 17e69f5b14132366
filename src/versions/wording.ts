// How a version names things in its log. Valkey 8 renamed MASTER to PRIMARY
// in its replication log lines (the INFO fields kept their names); every line
// the engine logs that names the master takes its words from the profile's
// wording.
import type { VersionProfile } from './profile';

export interface Wording {
  /** MASTER / PRIMARY: "Connecting to MASTER h:p", "MASTER <-> REPLICA sync: …". */
  readonly MASTER: string;
  /** Master / Primary, at the start of a sentence. */
  readonly Master: string;
  /** master / primary, inside a sentence. */
  readonly master: string;
  /** The config file a hint names (the repl-timeout hint). */
  readonly confFile: string;
  /**
   * "Loading RDB produced by …" for each producer aux field the version
   * recognises (Redis: redis-ver only; Valkey: both), or absent: the field is
   * then "Unrecognized RDB AUX field" at debug level.
   */
  readonly producedBy: Readonly<Partial<Record<'redis-ver' | 'valkey-ver', string>>>;
  /** INFO server's name for the mode (Valkey 8 renamed redis_mode). */
  readonly modeField: 'redis_mode' | 'server_mode';
}

export const REDIS_WORDING: Wording = {
  MASTER: 'MASTER', Master: 'Master', master: 'master', confFile: 'redis.conf',
  producedBy: { 'redis-ver': 'Loading RDB produced by version' },
  modeField: 'redis_mode',
};

export const VALKEY_7_WORDING: Wording = {
  MASTER: 'MASTER', Master: 'Master', master: 'master', confFile: 'redis.conf',
  producedBy: { 'redis-ver': 'Loading RDB produced by Redis version', 'valkey-ver': 'Loading RDB produced by valkey version' },
  modeField: 'redis_mode',
};

export const VALKEY_8_WORDING: Wording = {
  MASTER: 'PRIMARY', Master: 'Primary', master: 'primary', confFile: 'valkey.conf',
  producedBy: { 'redis-ver': 'Loading RDB produced by Redis version', 'valkey-ver': 'Loading RDB produced by Valkey version' },
  modeField: 'server_mode',
};

export function wording(profile: VersionProfile): Wording {
  return profile.wording;
}
