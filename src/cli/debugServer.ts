// `redis-replica-debugger --debug-port N`: the process serves the Debug
// Adapter Protocol on 127.0.0.1:N, one session per connection, each attaching
// to this process's replicas (VS Code connects as to a DebugAdapterServer; the
// standalone adapter's `attach` pipes to it). One debugger at a time: two
// would fight over the same stops.
import * as net from 'node:net';
import { ReplicaDebugSession } from '../debug/session';
import type { ReplicaFleet } from '../net/replicaFleet';

export interface DebugServer {
  port: number;
  close(): Promise<void>;
}

export async function serveDebugAdapter(fleet: ReplicaFleet, port: number, log: (line: string) => void): Promise<DebugServer> {
  let current: { socket: net.Socket; session: ReplicaDebugSession } | null = null;
  const server = net.createServer((socket) => {
    if (current) {
      log(`Debugger connection from ${socket.remoteAddress}:${socket.remotePort} refused: a debugger is already attached`);
      socket.end(dapError('another debugger is already attached to this redis-replica-debugger'));
      return;
    }
    const session = new ReplicaDebugSession({ hostFleet: fleet });
    session.setRunAsServer(true);
    const mine = { socket, session };
    current = mine;
    log(`Debugger attached from ${socket.remoteAddress}:${socket.remotePort}`);
    socket.on('close', () => {
      void session.closeAll();
      if (current === mine) current = null;
      log('Debugger detached; replicas run on');
    });
    socket.on('error', () => socket.destroy());
    session.start(socket, socket);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () => new Promise<void>((resolve) => {
      current?.socket.destroy();
      server.close(() => resolve());
    }),
  };
}

/** An error event a DAP client shows, for a connection turned away before any request. */
function dapError(message: string): string {
  const json = JSON.stringify({ seq: 1, type: 'event', event: 'output', body: { category: 'important', output: `${message}\n` } });
  return `Content-Length: ${Buffer.byteLength(json, 'utf8')}\r\n\r\n${json}`;
}
