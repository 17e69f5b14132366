// Starts N hosted replicas on consecutive ports and prints their log lines and
// transitions. Shared by the CLI and the demo.
import type { ReplicaConfig } from '../config/replicaConfig';
import { ReplState } from '../engine/states';
import { HostedReplica, listenAddress } from '../net/hostedReplica';
import { formatLogLine, formatTransitionLine, jsonLog, jsonTransition, type LogFormat, type ReplicaLabel } from './logFormat';

export interface HostOptions {
  count: number;
  logFormat: LogFormat;
  configFile: string | null;
  /** Print transitions as their own lines in text mode too (the demo does). */
  showTransitions: boolean;
  print: (line: string) => void;
  onShutdown: (replica: HostedReplica) => void;
}

export class PortInUseError extends Error {
  constructor(readonly port: number, readonly bind: string, reason: string) {
    super(`Warning: Could not create server TCP listening socket ${bind}:${port}: bind: ${reason}\nFailed listening on port ${port} (TCP), aborting.`);
    this.name = 'PortInUseError';
  }
}

export async function hostReplicas(base: ReplicaConfig, opts: HostOptions): Promise<HostedReplica[]> {
  const many = opts.count > 1;
  const replicas: HostedReplica[] = [];
  try {
    for (let i = 0; i < opts.count; i++) {
      const config: ReplicaConfig = { ...base, port: base.port === 0 ? 0 : base.port + i };
      const label: ReplicaLabel = { index: i + 1, port: config.port, role: 'S' };
      const replica = new HostedReplica(config, {
        configFile: opts.configFile,
        onShutdown: opts.onShutdown,
        onStep: (r) => {
          label.role = replica.shell.engine.info.repl_state === ReplState.NONE ? 'M' : 'S';
          if (opts.logFormat === 'json') {
            if (r.point.kind === 'transition') opts.print(jsonTransition(r.point.transition, label));
            for (const entry of r.logs) opts.print(jsonLog(entry, label));
          } else {
            if (r.point.kind === 'transition' && opts.showTransitions) opts.print(formatTransitionLine(r.point.transition, label, many));
            for (const entry of r.logs) opts.print(formatLogLine(entry, label, many));
          }
        },
      });
      try {
        await replica.start();
      } catch (err) {
        await replica.stop();
        throw new PortInUseError(config.port, listenAddress(config), err instanceof Error ? err.message : String(err));
      }
      label.port = replica.port;
      replicas.push(replica);
    }
  } catch (err) {
    await Promise.all(replicas.map((r) => r.stop()));
    throw err;
  }
  return replicas;
}
