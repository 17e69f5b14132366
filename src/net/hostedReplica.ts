// One replica as a process would host it: the engine in its shell, and its own
// RESP port on 127.0.0.1. The CLI hosts several; the debug adapter reuses it.
import { bindAddresses, type ReplicaConfig } from '../config/replicaConfig';
import { randomReplid } from './clock';
import { dispatchCommand, type CommandContext } from './replicaCommands';
import { ReplicaShell, type ReplicaShellOptions } from './replicaShell';
import { RespServer } from './respServer';

export interface HostedReplicaOptions extends ReplicaShellOptions {
  /** The redis.conf it was started from, for INFO's config_file. */
  configFile?: string | null;
  /** SHUTDOWN was received on its port. */
  onShutdown?: (replica: HostedReplica) => void;
}

export class HostedReplica {
  readonly shell: ReplicaShell;
  private readonly server: RespServer;
  private boundPort = 0;

  constructor(readonly config: ReplicaConfig, private readonly options: HostedReplicaOptions = {}) {
    this.shell = new ReplicaShell(config, options);
    const hosted = this;
    const ctx: CommandContext = {
      shell: this.shell,
      get port() {
        return hosted.boundPort;
      },
      startedAt: Date.now(),
      runId: randomReplid(),
      configFile: options.configFile ?? null,
      shutdown: () => this.options.onShutdown?.(this),
    };
    this.server = new RespServer((argv, client) => dispatchCommand(ctx, argv, client));
  }

  get port(): number {
    return this.boundPort;
  }

  /** Binds the RESP port first (a port in use fails before anything connects), then starts replicating. */
  async start(): Promise<void> {
    this.boundPort = await this.server.listen(this.config.port, listenAddress(this.config));
    if (this.config.port === 0) this.shell.engine.listeningOn(this.boundPort);
    this.shell.start();
  }

  async stop(): Promise<void> {
    await this.shell.close();
    await this.server.close();
  }
}

/** The first `bind` address (redis-server binds them all; one is enough for a debugging tool). */
export function listenAddress(config: ReplicaConfig): string {
  const first = bindAddresses(config)[0]!;
  if (first === '*') return '0.0.0.0';
  return first.replace(/^-/, '');
}
