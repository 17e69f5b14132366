// Starts N hosted replicas on consecutive ports and prints their log lines and
// transitions. Shared by the CLI and the demo.
import type { ReplicaConfig } from '../config/replicaConfig';
import { ReplState } from '../engine/states';
import type { HostedReplica } from '../net/hostedReplica';
import { ReplicaFleet } from '../net/replicaFleet';
import { formatLogLine, formatTransitionLine, jsonLog, jsonTransition, type LogFormat, type ReplicaLabel } from './logFormat';

export { PortInUseError } from '../net/replicaFleet';

export interface HostOptions {
  count: number;
  logFormat: LogFormat;
  configFile: string | null;
  /** Print transitions as their own lines in text mode too (the demo does). */
  showTransitions: boolean;
  print: (line: string) => void;
  onShutdown: (replica: HostedReplica) => void;
}

/** A fleet whose replicas print their logs; replicas added later (by a debugger) print too. */
export async function hostReplicas(base: ReplicaConfig, opts: HostOptions): Promise<ReplicaFleet> {
  const labels = new Map<number, ReplicaLabel>();
  // Numbered labels once more than one replica may print (the count, or one added later).
  const many = (): boolean => opts.count > 1 || labels.size > 1;
  const fleet: ReplicaFleet = new ReplicaFleet(base, (index) => {
    const label: ReplicaLabel = { index, port: base.port === 0 ? 0 : base.port + index - 1, role: 'S' };
    labels.set(index, label);
    return {
      configFile: opts.configFile,
      onShutdown: opts.onShutdown,
      onStep: (r) => {
        // Most steps are commands that print nothing: they cost no lookup here.
        const printsTransition = r.point.kind === 'transition' && (opts.logFormat === 'json' || opts.showTransitions);
        if (r.logs.length === 0 && !printsTransition) return;
        const replica = fleet.replicas.get(index);
        if (replica) {
          label.port = replica.port;
          label.role = replica.shell.engine.info.repl_state === ReplState.NONE ? 'M' : 'S';
        }
        if (opts.logFormat === 'json') {
          if (r.point.kind === 'transition') opts.print(jsonTransition(r.point.transition, label));
          for (const entry of r.logs) opts.print(jsonLog(entry, label));
        } else {
          if (r.point.kind === 'transition' && opts.showTransitions) opts.print(formatTransitionLine(r.point.transition, label, many()));
          for (const entry of r.logs) opts.print(formatLogLine(entry, label, many()));
        }
      },
    };
  });
  try {
    for (let i = 0; i < opts.count; i++) await fleet.add();
  } catch (err) {
    await fleet.stopAll();
    throw err;
  }
  return fleet;
}
