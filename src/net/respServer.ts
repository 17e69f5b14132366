// A RESP2 server on 127.0.0.1: parses each client's query buffer as Redis does
// (multibulk and inline) and answers commands in order, even when an answer
// has to wait for the engine (REPLICAOF, CONFIG SET).
import * as net from 'node:net';
import { encodeReply, reply, type ReplyValue } from '../resp/encode';
import { RequestParser } from '../resp/requestParser';
import { errnoMessage } from './errno';

export interface RespClient {
  /** `id=3 addr=127.0.0.1:50000 laddr=… name=` style, for logs (user request from '…'). */
  readonly description: string;
  /** The database this client SELECTed. */
  db: number;
  /** Close after the pending replies are written (QUIT). */
  closeAfterReply(): void;
}

/** A reply, or CLOSE_WITHOUT_REPLY for commands Redis answers by closing (SHUTDOWN). */
export const CLOSE_WITHOUT_REPLY = Symbol('close without reply');
export type CommandResult = ReplyValue | typeof CLOSE_WITHOUT_REPLY;
export type CommandHandler = (argv: Buffer[], client: RespClient) => CommandResult | Promise<CommandResult>;

export class RespServer {
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();
  private nextClientId = 1;

  constructor(private readonly handler: CommandHandler) {
    this.server = net.createServer((socket) => this.accept(socket));
  }

  /** Listens on host:port; rejects with strerror wording ("Address already in use"). */
  listen(port: number, host = '127.0.0.1'): Promise<number> {
    return new Promise((resolve, reject) => {
      const onError = (err: NodeJS.ErrnoException): void => reject(Object.assign(new Error(errnoMessage(err)), { code: err.code }));
      this.server.once('error', onError);
      this.server.listen(port, host, () => {
        this.server.off('error', onError);
        const addr = this.server.address();
        resolve(typeof addr === 'object' && addr ? addr.port : port);
      });
    });
  }

  close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.setNoDelay(true);
    const parser = new RequestParser({ allowInline: true });
    const id = this.nextClientId++;
    let closeAfter = false;
    let chain: Promise<void> = Promise.resolve();
    const client: RespClient = {
      description: `id=${id} addr=${socket.remoteAddress}:${socket.remotePort} laddr=${socket.localAddress}:${socket.localPort}`,
      db: 0,
      closeAfterReply: () => {
        closeAfter = true;
      },
    };
    const send = (r: ReplyValue): void => {
      if (!socket.destroyed) socket.write(encodeReply(r));
    };
    socket.on('data', (chunk: Buffer) => {
      parser.push(chunk);
      for (;;) {
        const parsed = parser.next();
        if (parsed.kind === 'need-more') return;
        if (parsed.kind === 'error') {
          const message = parsed.message;
          chain = chain.then(() => {
            send(reply.error(`ERR ${message}`));
            socket.end();
          });
          return;
        }
        const argv = parsed.request.argv.map((a) => Buffer.from(a));
        if (argv.length === 0) continue;
        // Replies go out in request order, whatever each handler waits for.
        chain = chain.then(async () => {
          let r: CommandResult;
          try {
            r = await this.handler(argv, client);
          } catch (err) {
            r = reply.error(`ERR ${err instanceof Error ? err.message : String(err)}`);
          }
          if (r === CLOSE_WITHOUT_REPLY) {
            socket.destroy();
            return;
          }
          send(r);
          if (closeAfter) socket.end();
        });
      }
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.sockets.delete(socket));
  }
}
