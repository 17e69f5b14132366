#!/usr/bin/env node
// redis-replica-debugger [redis.conf] [--flags]: replica engines configured the
// way redis-server is, each serving its own RESP port on 127.0.0.1.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { numberAfterConfigText, parseCommandLine, type ToolOptions } from '../config/commandLine';
import { applyDirectives, parseRedisConf, type IncludeReader } from '../config/redisConf';
import { stringMatch } from '../config/stringMatch';
import { defaultConfig, type ReplicaConfig } from '../config/replicaConfig';
import { TOOL_VERSION } from '../net/replicaCommands';
import { PROFILE_IDS, profileById } from '../versions/profiles';
import { serveDebugAdapter, type DebugServer } from './debugServer';
import { hostReplicas, PortInUseError } from './hostReplicas';
import { listenAddress } from '../net/hostedReplica';
import type { ReplicaFleet } from '../net/replicaFleet';

const USAGE = `Usage: redis-replica-debugger [/path/to/redis.conf] [options]

Runs replica engines that replicate from a real Redis or Valkey master exactly as
a replica of the master's own version does (or of the version --emulate names),
each answering redis-cli on its own port.

Configuration is read as redis-server reads it: a redis.conf file, then
--<directive> <args> flags that override it, e.g.
  redis-replica-debugger --port 6380 --replicaof 127.0.0.1 6379 --repl-timeout 5
  redis-replica-debugger ./redis.conf --masterauth "$REDIS_PASSWORD"
Replication directives: replicaof (slaveof), masterauth, masteruser, repl-timeout,
replica-announce-ip, replica-announce-port, repl-diskless-load, repl-backlog-size,
port, bind, tls-replication and the tls-* files.

Options of this tool:
  --replicas N           host N replicas on ports port, port+1, ... (default 1)
  --log-format text|json text: redis-server's log lines; json: one object a line
  --debug-port P         serve the Debug Adapter Protocol on 127.0.0.1:P, so a
                         debugger can attach to these replicas (0: a free port)
  --emulate V            the version to be a replica of: auto (the default: the
                         master's own, asked with INFO before the handshake) or
                         one of ${PROFILE_IDS.join(', ')}
  --dataset D            how much of the dataset to keep: auto (the default:
                         full when the master's dataset fits this process's
                         heap with room to spare, else none), full (every
                         value), none (decode and verify everything, keep no
                         keys); replication is the same in each
  --help, --version
`;

export interface LoadedConfig {
  config: ReplicaConfig;
  configFile: string | null;
  tool: ToolOptions;
  ignored: string[];
}

/** `include` lines are followed as redis-server follows them: a path, or a pattern in its file name. */
const includeReader: IncludeReader = {
  readFile: (file) => fs.readFileSync(file, 'utf8'),
  glob: (pattern) => {
    const dir = path.dirname(pattern);
    const base = path.basename(pattern);
    let names: string[];
    try {
      names = fs.readdirSync(dir);
    } catch {
      return [];
    }
    return names.filter((n) => stringMatch(base, n, false)).sort().map((n) => path.join(dir, n));
  },
};

/** Reads redis.conf (if given) and the flags, in redis-server's order: the flags come after the file. */
export function loadConfiguration(argv: string[]): LoadedConfig {
  const cli = parseCommandLine(argv);
  let config: ReplicaConfig = { ...defaultConfig(), emulate: cli.tool.emulate, dataset: cli.tool.dataset };
  // An explicit version's configs only; under auto, those of any version (the master decides later).
  const profile = cli.tool.emulate === 'auto' ? undefined : profileById(cli.tool.emulate);
  const ignored: string[] = [];
  let configFile: string | null = null;
  let configText = '';
  if (cli.configFile !== null) {
    configFile = path.resolve(cli.configFile);
    try {
      configText = fs.readFileSync(configFile, 'utf8');
    } catch (err) {
      throw new Error(`Fatal error, can't open config file '${cli.configFile}': ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'No such file or directory' : String(err)}`);
    }
    const applied = applyDirectives(config, parseRedisConf(configText, { fileName: configFile }), { include: includeReader, ...(profile ? { profile } : {}) });
    config = applied.config;
    ignored.push(...applied.ignored.map((d) => d.name));
  }
  const fromFlags = applyDirectives(config, numberAfterConfigText(cli.directives, configText), { include: includeReader, ...(profile ? { profile } : {}) });
  config = fromFlags.config;
  ignored.push(...fromFlags.ignored.map((d) => d.name));
  return { config, configFile, tool: cli.tool, ignored };
}

async function main(): Promise<number> {
  let loaded: LoadedConfig;
  try {
    loaded = loadConfiguration(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
  if (loaded.tool.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (loaded.tool.version) {
    process.stdout.write(`redis-replica-debugger ${TOOL_VERSION} (replica engine of ${PROFILE_IDS.join(', ')})\n`);
    return 0;
  }

  const print = (line: string): void => {
    process.stdout.write(line + '\n');
  };
  let fleet: ReplicaFleet | null = null;
  let debugServer: DebugServer | null = null;
  let stopping = false;
  const stopAll = async (reason: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    if (loaded.tool.logFormat === 'text') print(`${process.pid}:S ${reason}`);
    await debugServer?.close();
    await fleet?.stopAll();
    process.exit(0);
  };
  try {
    fleet = await hostReplicas(loaded.config, {
      count: loaded.tool.replicas,
      logFormat: loaded.tool.logFormat,
      configFile: loaded.configFile,
      showTransitions: loaded.tool.logFormat === 'text',
      print,
      onShutdown: (replica) => {
        const index = [...fleet!.replicas].find(([, r]) => r === replica)?.[0];
        if (index === undefined) return;
        void fleet!.remove(index).then(() => {
          if (fleet!.replicas.size === 0) void stopAll('All replicas shut down, bye bye...');
        });
      },
    });
  } catch (err) {
    process.stderr.write(`${err instanceof PortInUseError ? err.message : String(err)}\n`);
    return 1;
  }
  const replicas = [...fleet.replicas.values()];
  if (loaded.tool.debugPort !== null) {
    try {
      debugServer = await serveDebugAdapter(fleet, loaded.tool.debugPort, (line) => {
        if (loaded.tool.logFormat === 'text') print(`${process.pid}:S ${line}`);
      });
    } catch (err) {
      await fleet.stopAll();
      process.stderr.write(`Could not serve the debug adapter on 127.0.0.1:${loaded.tool.debugPort}: ${err instanceof Error ? err.message : String(err)}\n`);
      return 1;
    }
  }
  if (loaded.tool.logFormat === 'text') {
    print(`${process.pid}:S redis-replica-debugger ${TOOL_VERSION}, replica engine (emulate ${loaded.config.emulate}), pid=${process.pid}`);
    if (loaded.ignored.length > 0) print(`${process.pid}:S Directives read but not used by a replica engine: ${[...new Set(loaded.ignored)].join(', ')}`);
    for (const r of replicas) print(`${process.pid}:S Ready to accept connections tcp on ${listenAddress(r.config)}:${r.port}`);
    if (debugServer) print(`${process.pid}:S Debug adapter listening on 127.0.0.1:${debugServer.port} (attach with "request": "attach", "port": ${debugServer.port})`);
  } else {
    for (const r of replicas) print(JSON.stringify({ time: new Date().toISOString(), type: 'ready', port: r.port, bind: listenAddress(r.config) }));
    if (debugServer) print(JSON.stringify({ time: new Date().toISOString(), type: 'debug-adapter', port: debugServer.port, bind: '127.0.0.1' }));
  }
  process.on('SIGINT', () => void stopAll('Received SIGINT scheduling shutdown...'));
  process.on('SIGTERM', () => void stopAll('Received SIGTERM scheduling shutdown...'));
  return -1;
}

if (require.main === module) {
  main().then(
    (code) => {
      if (code >= 0) process.exit(code);
    },
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
