// The custom requests a UI needs beyond DAP (a tree of replicas, its context
// actions, the master's own view), each a call on one replica or the fleet.
// The session routes a request here and sends back what it returns.
import { queryMaster } from '../net/masterQuery';
import type { ReplicaFleet } from '../net/replicaFleet';
import { errors } from './errors';
import { parseMasterView } from './masterView';
import { summarize, type ReplicaSummary } from './replicaSummary';
import type { ReplicaThread } from './replicaThread';

export interface ViewRequestContext {
  thread(threadId: number): ReplicaThread;
  threads(): Iterable<ReplicaThread>;
  /** The fleet the session debugs (throws when there is none yet). */
  fleet(): ReplicaFleet;
}

/** The request's answer body; an AdapterError for a bad request. */
export async function viewRequest(command: string, args: Record<string, unknown>, ctx: ViewRequestContext): Promise<unknown> {
  switch (command) {
    case 'replicas':
      return { replicas: summaries(ctx.threads()) };
    case 'dropLink':
      return { dropped: ctx.thread(threadIdOf(args)).replica.shell.dropLink() };
    case 'replicaofNoOne':
      return { reply: await submitReplicaof(ctx.thread(threadIdOf(args)), null) };
    case 'reconnect':
      return { reply: await submitReplicaof(ctx.thread(threadIdOf(args)), ctx.fleet().base.replicaof) };
    case 'addReplica': {
      const added = await ctx.fleet().add().catch((err: unknown) => {
        throw errors.replicaStart(0, err instanceof Error ? err.message : String(err));
      });
      return { threadId: added.index, port: added.replica.port };
    }
    case 'masterReplicas': {
      const config = args['threadId'] !== undefined ? ctx.thread(threadIdOf(args)).replica.shell.engine.config : ctx.fleet().base;
      const [info] = await queryMaster(config, [['INFO', 'replication']]).catch((err: unknown) => {
        throw errors.masterQuery(err instanceof Error ? err.message : String(err));
      });
      return parseMasterView(String(info));
    }
    case 'infoReplication': {
      const shell = ctx.thread(threadIdOf(args)).replica.shell;
      return { text: shell.engine.infoReplication(shell.clock.now()) };
    }
    case 'activeResources':
      // What keeps this process alive: after terminate, only the DAP stdio pipes should remain.
      return { resources: process.getActiveResourcesInfo() };
    default:
      throw errors.unknownRequest(command);
  }
}

/** Every replica as a row of a view (the `replicas` answer and the replicasChanged event). */
export function summaries(threads: Iterable<ReplicaThread>): ReplicaSummary[] {
  return [...threads].map((t) => {
    const shell = t.replica.shell;
    const stop = t.stop;
    const engine = shell.engine;
    return summarize({
      threadId: t.id,
      name: t.name,
      version: { profile: engine.profile, emulation: engine.emulation, buffer: engine.replBuffer },
      dataset: { footprint: engine.keyspace.footprint, reason: engine.keyspace.footprintReason },
      port: t.replica.port,
      info: shell.engine.info,
      replTimeout: shell.engine.config['repl-timeout'],
      masterReplTimeout: t.masterReplTimeout.seconds,
      nowMs: shell.clock.now(),
      stopped: stop ? { reason: stop.reason, description: stop.exception ? `${stop.exception.exception.exceptionId}: ${stop.exception.exception.description}` : stop.description ?? null } : null,
      pauseMode: t.pauseMode,
    });
  });
}

/** REPLICAOF host port (or NO ONE) as a client of the replica's port would send it; resolves with Redis's reply. */
function submitReplicaof(thread: ReplicaThread, master: { host: string; port: number } | null): Promise<string> {
  if (master === null && thread.replica.shell.engine.info.masterhost === null) return Promise.resolve('OK');
  const client = 'id=0 addr=debugger laddr=debugger fd=-1 name=debugger';
  return new Promise((resolve, reject) => {
    const input = master === null
      ? { type: 'replicaof-no-one' as const, client }
      : { type: 'replicaof' as const, host: master.host, port: master.port, client };
    thread.replica.shell.submit(input, (r) => {
      if (r.type === 'error') reject(errors.replicaof(r.value));
      else resolve(String(r.value));
    });
  });
}

function threadIdOf(args: Record<string, unknown>): number {
  const id = args['threadId'];
  if (typeof id !== 'number') throw errors.unknownThread(Number(id));
  return id;
}
