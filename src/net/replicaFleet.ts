// The replicas one process hosts, numbered from 1, on consecutive ports from
// the base config's (or each on a free port when it is 0). The CLI hosts a
// fleet; the debug adapter hosts one per launch, and a debugger attached to a
// running CLI adds replicas to the CLI's own.
import type { ReplicaConfig } from '../config/replicaConfig';
import { HostedReplica, listenAddress, type HostedReplicaOptions } from './hostedReplica';

export class PortInUseError extends Error {
  constructor(readonly port: number, readonly bind: string, reason: string) {
    super(`Warning: Could not create server TCP listening socket ${bind}:${port}: bind: ${reason}\nFailed listening on port ${port} (TCP), aborting.`);
    this.name = 'PortInUseError';
  }
}

/**
 * A replica joining the fleet, called once its port is bound and before its
 * first step (the shell steps on a later turn of the event loop), so a
 * debugger hooking in here sees every step.
 */
export type FleetListener = (index: number, replica: HostedReplica) => void;

export class ReplicaFleet {
  private readonly members = new Map<number, HostedReplica>();
  private nextIndex = 1;
  private readonly listeners = new Set<FleetListener>();
  private readonly removedListeners = new Set<(index: number) => void>();

  /** `options` gives each replica its hooks (logging), by its number. */
  constructor(readonly base: ReplicaConfig, private readonly options: (index: number) => HostedReplicaOptions = () => ({})) {}

  /** Replica number → replica, in the order they were added. */
  get replicas(): ReadonlyMap<number, HostedReplica> {
    return this.members;
  }

  onAdded(listener: FleetListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A replica left the fleet (SHUTDOWN on its port); it is stopped by then. */
  onRemoved(listener: (index: number) => void): () => void {
    this.removedListeners.add(listener);
    return () => this.removedListeners.delete(listener);
  }

  /** Starts one more replica; a port already in use fails it (and it is not kept). */
  async add(): Promise<{ index: number; replica: HostedReplica }> {
    const index = this.nextIndex++;
    const config: ReplicaConfig = { ...this.base, port: this.base.port === 0 ? 0 : this.base.port + index - 1 };
    const replica = new HostedReplica(config, this.options(index));
    try {
      await replica.start();
    } catch (err) {
      await replica.stop();
      throw new PortInUseError(config.port, listenAddress(config), err instanceof Error ? err.message : String(err));
    }
    this.members.set(index, replica);
    for (const listener of this.listeners) listener(index, replica);
    return { index, replica };
  }

  /** Stops one replica (SHUTDOWN on its port); its number is not reused. */
  async remove(index: number): Promise<void> {
    const replica = this.members.get(index);
    if (!replica) return;
    this.members.delete(index);
    await replica.stop();
    for (const listener of this.removedListeners) listener(index);
  }

  async stopAll(): Promise<void> {
    const all = [...this.members.values()];
    this.members.clear();
    await Promise.all(all.map((r) => r.stop()));
  }
}
