// The commands a hosted replica's RESP port answers, so redis-cli can query it
// like any replica. Everything shown is derived from the engine's model.
import { configGet } from '../config/configCommand';
import { roleReply } from '../engine/infoReplication';
import { runRead } from '../keyspace/commands/registry';
import { infoKeyspace } from '../keyspace/infoKeyspace';
import { toBytes } from '../keyspace/values';
import { reply, type ReplyValue } from '../resp/encode';
import { CLOSE_WITHOUT_REPLY, type CommandResult, type RespClient } from './respServer';
import type { ReplicaShell } from './replicaShell';

export const TOOL_VERSION = '0.1.0';
/** What Valkey reports as redis_version, for the clients that check it. */
const VALKEY_REDIS_COMPAT_VERSION = '7.2.4';

export interface CommandContext {
  shell: ReplicaShell;
  port: number;
  startedAt: number;
  runId: string;
  configFile: string | null;
  shutdown(): void;
}

type Handler = (ctx: CommandContext, args: string[], client: RespClient) => CommandResult | Promise<CommandResult>;

const wrongArity = (name: string): ReplyValue => reply.error(`ERR wrong number of arguments for '${name}' command`);

const COMMANDS: Record<string, { arity: number; handler: Handler }> = {
  // arity as in Redis's command table: positive = exact, negative = at least.
  ping: { arity: -1, handler: (_ctx, args) => (args.length === 0 ? reply.simple('PONG') : args.length === 1 ? reply.bulk(args[0]!) : wrongArity('ping')) },
  echo: { arity: 2, handler: (_ctx, args) => reply.bulk(args[0]!) },
  info: { arity: -1, handler: (ctx, args) => reply.bulk(info(ctx, args)) },
  role: { arity: 1, handler: (ctx) => roleReply(ctx.shell.engine.info) },
  replicaof: { arity: 3, handler: (ctx, args, client) => replicaof(ctx, args, client) },
  slaveof: { arity: 3, handler: (ctx, args, client) => replicaof(ctx, args, client) },
  config: { arity: -2, handler: (ctx, args) => config(ctx, args) },
  select: { arity: 2, handler: (ctx, args, client) => select(ctx, args[0]!, client) },
  command: { arity: -1, handler: () => reply.array([]) },
  quit: {
    arity: -1,
    handler: (_ctx, _args, client) => {
      client.closeAfterReply();
      return reply.ok();
    },
  },
  shutdown: { arity: -1, handler: (ctx, args) => shutdown(ctx, args) },
};

/** The server's own commands first; everything else is a read of the dataset (or READONLY / unknown). */
/** The commands the port answers itself (besides the dataset's reads). */
export const REPLICA_COMMAND_NAMES: readonly string[] = Object.keys(COMMANDS);

export function dispatchCommand(ctx: CommandContext, argv: Buffer[], client: RespClient): CommandResult | Promise<CommandResult> {
  const name = argv[0]!.toString('utf8').toLowerCase();
  const command = COMMANDS[name];
  if (!command) {
    const engine = ctx.shell.engine;
    return runRead({ ks: engine.keyspace, db: client.db, now: ctx.shell.clock.now() }, argv.map(toBytes));
  }
  const args = argv.slice(1).map((a) => a.toString('utf8'));
  const argc = argv.length;
  if ((command.arity > 0 && argc !== command.arity) || (command.arity < 0 && argc < -command.arity)) return wrongArity(name);
  return command.handler(ctx, args, client);
}

function select(ctx: CommandContext, index: string, client: RespClient): ReplyValue {
  const db = Number(index);
  if (!/^-?\d+$/.test(index) || !Number.isSafeInteger(db)) return reply.error('ERR value is not an integer or out of range');
  if (db < 0 || db >= ctx.shell.engine.config.databases) return reply.error('ERR DB index is out of range');
  client.db = db;
  return reply.ok();
}

function info(ctx: CommandContext, sections: string[]): string {
  const wanted = sections.length === 0 ? ['default'] : sections.map((s) => s.toLowerCase());
  const all = wanted.some((s) => s === 'all' || s === 'everything' || s === 'default');
  const parts: string[] = [];
  if (all || wanted.includes('server')) parts.push(serverSection(ctx));
  if (all || wanted.includes('replication')) {
    parts.push(ctx.shell.engine.infoReplication(ctx.shell.clock.now()));
  }
  if (all || wanted.includes('keyspace')) parts.push(infoKeyspace(ctx.shell.engine.keyspace));
  return parts.join('\r\n');
}

function serverSection(ctx: CommandContext): string {
  const uptime = Math.floor((Date.now() - ctx.startedAt) / 1000);
  const engine = ctx.shell.engine;
  const profile = engine.profile;
  // The version this replica is: the master's own under emulate auto.
  const version = engine.emulatedVersion;
  const product = profile.product === 'valkey'
    ? [`redis_version:${VALKEY_REDIS_COMPAT_VERSION}`, 'server_name:valkey', `valkey_version:${version}`]
    : [`redis_version:${version}`];
  return [
    '# Server',
    ...product,
    `replica_debugger_version:${TOOL_VERSION}`,
    `replica_debugger_emulate:${profile.id}${engine.emulation.resolved ? '' : ' (not resolved yet)'}`,
    `replica_debugger_dataset:${engine.keyspace.footprint}`,
    `replica_debugger_dataset_reason:${engine.keyspace.footprintReason}`,
    `${profile.wording.modeField}:standalone`,
    `os:${process.platform} ${process.arch}`,
    'arch_bits:64',
    `process_id:${process.pid}`,
    `run_id:${ctx.runId}`,
    `tcp_port:${ctx.port}`,
    `uptime_in_seconds:${uptime}`,
    `uptime_in_days:${Math.floor(uptime / 86400)}`,
    'hz:10',
    `executable:${process.argv[1] ?? ''}`,
    `config_file:${ctx.configFile ?? ''}`,
  ].join('\r\n') + '\r\n';
}

function replicaof(ctx: CommandContext, args: string[], client: RespClient): Promise<ReplyValue> | ReplyValue {
  const [host, portText] = args as [string, string];
  if (host.toLowerCase() === 'no' && portText.toLowerCase() === 'one') {
    return new Promise((resolve) => ctx.shell.submit({ type: 'replicaof-no-one', client: client.description }, resolve));
  }
  const port = Number(portText);
  if (!/^-?\d+$/.test(portText) || !Number.isSafeInteger(port) || port < 0 || port > 65535) return reply.error('ERR Invalid master port');
  return new Promise((resolve) => ctx.shell.submit({ type: 'replicaof', host, port, client: client.description }, resolve));
}

function config(ctx: CommandContext, args: string[]): ReplyValue | Promise<ReplyValue> {
  const sub = args[0]!.toLowerCase();
  if (sub === 'get') {
    if (args.length < 2) return reply.error("ERR wrong number of arguments for 'config|get' command");
    const pairs = configGet(ctx.shell.engine.config, args.slice(1), ctx.shell.engine.profile);
    return reply.array(pairs.flatMap(([k, v]) => [reply.bulk(k), reply.bulk(v)]));
  }
  if (sub === 'set') {
    const rest = args.slice(1);
    if (rest.length < 2 || rest.length % 2 !== 0) return reply.error("ERR wrong number of arguments for 'config|set' command");
    const pairs: [string, string][] = [];
    for (let i = 0; i < rest.length; i += 2) pairs.push([rest[i]!, rest[i + 1]!]);
    return new Promise((resolve) => ctx.shell.submit({ type: 'config-set', pairs }, resolve));
  }
  return reply.error(`ERR unknown subcommand '${args[0]}'. Try CONFIG HELP.`);
}

function shutdown(ctx: CommandContext, args: string[]): CommandResult {
  const flags = args.map((a) => a.toLowerCase());
  const bad = flags.find((f) => !['nosave', 'save', 'now', 'force', 'abort'].includes(f));
  if (bad !== undefined) return reply.error('ERR syntax error');
  if (flags.includes('abort')) return reply.error('ERR No shutdown in progress.');
  // Redis answers nothing to a successful SHUTDOWN: the connection just closes.
  setImmediate(() => ctx.shutdown());
  return CLOSE_WITHOUT_REPLY;
}
