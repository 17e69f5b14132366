// Attach from a standalone adapter (stdio, any DAP client): the replicas live
// in another process, `redis-replica-debugger --debug-port N`, which serves
// the same session over TCP. The adapter becomes a pipe to it: it replays the
// client's initialize there, then forwards every message both ways, so the
// remote session answers with its own replicas. (VS Code can instead connect
// to the port directly, as a DebugAdapterServer.)
import * as net from 'node:net';
import type { DebugProtocol } from '@vscode/debugprotocol';

/** How long to wait for the process to accept the connection and answer initialize. */
const CONNECT_TIMEOUT_MS = 5000;

export class AttachProxy {
  private buffer = Buffer.alloc(0);
  private readonly pending = new Map<number, (r: DebugProtocol.Response) => void>();
  private ended = false;

  private constructor(
    private readonly socket: net.Socket,
    /** A message from the remote session for the client (or null when the connection ends). */
    private readonly toClient: (message: DebugProtocol.ProtocolMessage | null) => void,
  ) {
    socket.on('data', (data: Buffer) => this.onData(data));
    socket.on('close', () => this.end());
    socket.on('error', () => this.end());
  }

  /** Connects and replays `initialize`; rejects with a message a person can act on. */
  static async open(host: string, port: number, initialize: DebugProtocol.InitializeRequest, toClient: AttachProxy['toClient']): Promise<AttachProxy> {
    const socket = await new Promise<net.Socket>((resolve, reject) => {
      const s = net.connect({ host, port });
      const timer = setTimeout(() => {
        s.destroy();
        reject(new Error(`no answer from ${host}:${port} within ${CONNECT_TIMEOUT_MS} ms`));
      }, CONNECT_TIMEOUT_MS);
      s.once('connect', () => {
        clearTimeout(timer);
        resolve(s);
      });
      s.once('error', (err: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(new Error(`${host}:${port}: ${err.code ?? err.message} (is redis-replica-debugger running with --debug-port ${port}?)`));
      });
    });
    const proxy = new AttachProxy(socket, toClient);
    // The client already has our capabilities (the same code answers there): the replayed answer is dropped.
    const answered = await proxy.request(initialize);
    if (!answered.success) {
      proxy.close();
      throw new Error(`${host}:${port} refused initialize: ${answered.message ?? 'no reason given'}`);
    }
    return proxy;
  }

  /** A client message for the remote session, unchanged (its seq is the client's, so responses match). */
  forward(message: DebugProtocol.ProtocolMessage): void {
    if (this.ended) return;
    const json = JSON.stringify(message);
    this.socket.write(`Content-Length: ${Buffer.byteLength(json, 'utf8')}\r\n\r\n${json}`, 'utf8');
  }

  close(): void {
    this.socket.destroy();
  }

  private request(message: DebugProtocol.Request): Promise<DebugProtocol.Response> {
    return new Promise((resolve) => {
      this.pending.set(message.seq, resolve);
      this.forward(message);
    });
  }

  private onData(data: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, data]);
    for (;;) {
      const headerEnd = this.buffer.indexOf('\r\n\r\n');
      if (headerEnd < 0) return;
      const length = /Content-Length: (\d+)/i.exec(this.buffer.toString('ascii', 0, headerEnd));
      if (!length) {
        this.close();
        return;
      }
      const start = headerEnd + 4;
      const end = start + Number(length[1]);
      if (this.buffer.length < end) return;
      const message = JSON.parse(this.buffer.toString('utf8', start, end)) as DebugProtocol.ProtocolMessage;
      this.buffer = this.buffer.subarray(end);
      this.dispatch(message);
    }
  }

  private dispatch(message: DebugProtocol.ProtocolMessage): void {
    if (message.type === 'response') {
      const r = message as DebugProtocol.Response;
      const waiting = this.pending.get(r.request_seq);
      if (waiting) {
        this.pending.delete(r.request_seq);
        waiting(r);
        return;
      }
    }
    this.toClient(message);
  }

  private end(): void {
    if (this.ended) return;
    this.ended = true;
    for (const [seq, waiting] of this.pending) waiting({ seq: 0, type: 'response', request_seq: seq, success: false, command: 'initialize', message: 'connection closed' });
    this.pending.clear();
    this.toClient(null);
  }
}
