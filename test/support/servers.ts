// The live servers of each version the tests run against: Debian's
// redis-server (7.0.15) and the builds in ../shared/servers (README there).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ProfileId } from '../../src/versions/profile';

export interface LiveServer {
  /** The folder name in ../shared/servers, or "debian". */
  name: string;
  /** The profile a replica of this server emulates (what `emulate auto` must pick). */
  profile: ProfileId;
  /** The server binary. */
  binary: string;
  /** Its CLI. */
  cli: string;
  product: 'redis' | 'valkey';
}

/** ../shared beside the project (the nearest parent folder holding shared/servers). */
export function sharedDir(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'shared');
    if (fs.existsSync(path.join(candidate, 'servers'))) return candidate;
    if (path.dirname(dir) === dir) throw new Error(`shared/servers was not found in any parent of ${__dirname}`);
  }
}

function built(name: string, profile: ProfileId, product: 'redis' | 'valkey'): LiveServer {
  const dir = path.join(sharedDir(), 'servers', name);
  const exe = product === 'redis' ? 'redis' : 'valkey';
  return { name, profile, product, binary: path.join(dir, `${exe}-server`), cli: path.join(dir, `${exe}-cli`) };
}

/** Every live server, oldest first within each product. */
export function liveServers(): LiveServer[] {
  return [
    { name: 'debian', profile: 'redis-7.0', product: 'redis', binary: 'redis-server', cli: 'redis-cli' },
    built('redis-7.2.6', 'redis-7.2', 'redis'),
    built('redis-7.4.1', 'redis-7.4', 'redis'),
    built('redis-unstable-2024-10', 'redis-unstable-2024-10', 'redis'),
    built('redis-unstable-2026-06', 'redis-8.8', 'redis'),
    built('valkey-7.2.7', 'valkey-7.2', 'valkey'),
    built('valkey-8.0.1', 'valkey-8.0', 'valkey'),
  ];
}

export function liveServer(name: string): LiveServer {
  const s = liveServers().find((x) => x.name === name || x.profile === name);
  if (!s) throw new Error(`no live server ${name}`);
  return s;
}
