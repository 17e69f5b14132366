// A small promise-based Redis client over one TCP connection, used to talk to a
// real redis-server as an ordinary client (the demo's writer, the benchmarks,
// the tests, and reading a master's own INFO). Replies are parsed with
// redis-parser, which is what it is made for: server replies.
import * as net from 'node:net';
import * as tls from 'node:tls';
import RedisParser = require('redis-parser');
import { encodeCommand } from '../resp/encode';

export type Reply = string | number | null | Buffer | Reply[] | ReplyError;

export class ReplyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReplyError';
  }
}

interface Pending {
  resolve(reply: Reply): void;
  reject(err: Error): void;
}

export class RedisClient {
  private readonly pending: Pending[] = [];
  private readonly parser: RedisParser;
  private closedError: Error | null = null;

  private constructor(private readonly socket: net.Socket, returnBuffers: boolean) {
    this.parser = new RedisParser({
      returnBuffers,
      returnReply: (reply: unknown) => this.pending.shift()?.resolve(reply as Reply),
      returnError: (err: Error) => this.pending.shift()?.resolve(new ReplyError(err.message)),
      returnFatalError: (err: Error) => this.failAll(err),
    });
    socket.on('data', (chunk) => this.parser.execute(chunk));
    socket.on('error', (err) => this.failAll(err));
    socket.on('close', () => this.failAll(new Error('connection closed')));
  }

  /** `tls`: connect over TLS with these options (a master with tls-replication). */
  static connect(port: number, host = '127.0.0.1', opts: { returnBuffers?: boolean; tls?: tls.ConnectionOptions } = {}): Promise<RedisClient> {
    return new Promise((resolve, reject) => {
      const socket = opts.tls ? tls.connect({ ...opts.tls, port, host }) : net.connect({ port, host });
      socket.setNoDelay(true);
      const onError = (err: Error): void => reject(err);
      socket.once('error', onError);
      socket.once(opts.tls ? 'secureConnect' : 'connect', () => {
        socket.off('error', onError);
        resolve(new RedisClient(socket, opts.returnBuffers ?? false));
      });
    });
  }

  /** Sends a command; resolves with the reply, and with a ReplyError for `-ERR` replies. */
  send(...args: (string | number | Buffer)[]): Promise<Reply> {
    if (this.closedError) return Promise.reject(this.closedError);
    return new Promise((resolve, reject) => {
      this.pending.push({ resolve, reject });
      this.socket.write(encodeCommand(args));
    });
  }

  /** Like send, but an error reply rejects. */
  async call(...args: (string | number | Buffer)[]): Promise<Reply> {
    const reply = await this.send(...args);
    if (reply instanceof ReplyError) throw reply;
    return reply;
  }

  /** Sends many commands in one write and waits for all replies (a pipeline). */
  pipeline(commands: (string | number | Buffer)[][]): Promise<Reply[]> {
    if (this.closedError) return Promise.reject(this.closedError);
    const replies = commands.map(
      () => new Promise<Reply>((resolve, reject) => this.pending.push({ resolve, reject })),
    );
    this.socket.write(Buffer.concat(commands.map((c) => encodeCommand(c))));
    return Promise.all(replies);
  }

  /** `INFO section` parsed into a name → value map. */
  async info(section = 'replication'): Promise<Map<string, string>> {
    const text = String(await this.call('INFO', section));
    return parseInfo(text);
  }

  close(): void {
    this.socket.destroy();
  }

  private failAll(err: Error): void {
    this.closedError ??= err;
    for (const p of this.pending.splice(0)) p.reject(err);
  }
}

export function parseInfo(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of text.split('\r\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const colon = line.indexOf(':');
    if (colon > 0) fields.set(line.slice(0, colon), line.slice(colon + 1));
  }
  return fields;
}
