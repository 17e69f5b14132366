// Captures real bytes from redis-server for byte-exact fixtures: the replication
// stream a master sends to a replica (this file plays a bare-socket replica that
// does what observed-bytes.md §A shows), and a server's raw answer to raw input.
import * as net from 'node:net';
import { encodeCommand, type CommandArg } from '../../src/resp/encode';
import type { RedisClient } from '../../src/net/redisClient';
import { RedisServer } from './redisServer';

export interface CapturedStream {
  /** Every stream byte after the RDB payload, exactly endOffset - startOffset of them. */
  bytes: Buffer;
  /** The offset in `+FULLRESYNC <replid> <offset>`; bytes[0] is at startOffset + 1. */
  startOffset: number;
  /** The master's master_repl_offset after the workload. */
  endOffset: number;
  replid: string;
  rdb: Buffer;
}

export interface CaptureOptions {
  /** Extra master arguments; the defaults already disable diskless sync and periodic PINGs. */
  serverArgs?: string[];
  /** The master's binary (default: redis-server on the PATH), e.g. a live server of test/support/servers. */
  binary?: string;
  timeoutMs?: number;
}

/**
 * Starts a disk-sync master, full-syncs a raw-socket replica with it, runs
 * `workload` through an ordinary client and returns the stream that workload
 * produced. The master is stopped before this returns.
 */
export async function captureReplicationStream(
  workload: (client: RedisClient) => Promise<void>,
  opts: CaptureOptions = {},
): Promise<CapturedStream> {
  // A PING period of an hour keeps the master's own PINGs out of the capture.
  const args = ['--repl-diskless-sync', 'no', '--repl-ping-replica-period', '3600', ...(opts.serverArgs ?? [])];
  const server = await RedisServer.start({ args, binary: opts.binary });
  const link = await RawLink.connect(server.port, opts.timeoutMs ?? 20_000);
  let ackTimer: NodeJS.Timeout | undefined;
  try {
    for (const cmd of [['PING'], ['REPLCONF', 'listening-port', link.localPort], ['REPLCONF', 'capa', 'eof', 'capa', 'psync2']]) {
      link.send(cmd);
      const line = await link.line();
      if (!line.startsWith('+')) throw new Error(`${cmd.join(' ')} answered ${line}`);
    }
    link.send(['PSYNC', '?', '-1']);
    const fullresync = /^\+FULLRESYNC ([0-9a-f]{40}) (\d+)$/.exec(await link.line());
    if (!fullresync) throw new Error('expected +FULLRESYNC');
    const startOffset = Number(fullresync[2]);
    let header = await link.line();
    while (header === '') header = await link.line(); // newline keepalives while the master writes the RDB
    const rdbLength = /^\$(\d+)$/.exec(header);
    if (!rdbLength) throw new Error(`expected $<len>, got ${header}`);
    const rdb = await link.take(Number(rdbLength[1]));

    // A real replica ACKs its offset about once a second; the master expects it.
    ackTimer = setInterval(() => link.send(['REPLCONF', 'ACK', startOffset + link.available]), 500);
    const client = await server.client();
    let endOffset: number;
    try {
      await workload(client);
      endOffset = Number((await client.info('replication')).get('master_repl_offset'));
    } finally {
      client.close();
    }
    const bytes = await link.take(endOffset - startOffset);
    return { bytes, startOffset, endOffset, replid: fullresync[1]!, rdb };
  } finally {
    clearInterval(ackTimer);
    link.close();
    await server.stop();
  }
}

/** A socket whose input is read as lines and exact byte counts, with one deadline for the whole capture. */
class RawLink {
  private input = Buffer.alloc(0);
  private wake: (() => void) | null = null;
  private failure: Error | null = null;

  private constructor(private readonly socket: net.Socket, private readonly deadline: number) {
    socket.on('data', (chunk: Buffer) => {
      this.input = Buffer.concat([this.input, chunk]);
      this.wake?.();
    });
    socket.on('error', (err) => this.stop(err));
    socket.on('close', () => this.stop(new Error('master closed the link')));
  }

  static connect(port: number, timeoutMs: number): Promise<RawLink> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ port, host: '127.0.0.1' });
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(new RawLink(socket, Date.now() + timeoutMs));
      });
    });
  }

  get localPort(): number {
    return this.socket.localPort ?? 0;
  }

  get available(): number {
    return this.input.length;
  }

  send(args: CommandArg[]): void {
    this.socket.write(encodeCommand(args));
  }

  /** One `\r\n`-terminated line without its terminator; a bare `\n` keepalive reads as ''. */
  async line(): Promise<string> {
    for (;;) {
      if (this.input[0] === 0x0a) {
        this.consume(1);
        return '';
      }
      const crlf = this.input.indexOf('\r\n');
      if (crlf !== -1) return this.consume(crlf + 2).toString('latin1', 0, crlf);
      await this.more();
    }
  }

  async take(n: number): Promise<Buffer> {
    while (this.input.length < n) await this.more();
    return this.consume(n);
  }

  close(): void {
    this.socket.destroy();
  }

  private consume(n: number): Buffer {
    const out = this.input.subarray(0, n);
    this.input = this.input.subarray(n);
    return out;
  }

  private more(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    const left = this.deadline - Date.now();
    if (left <= 0) return Promise.reject(new Error('capture timed out'));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('capture timed out')), left);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = null;
        if (this.failure) reject(this.failure);
        else resolve();
      };
    });
  }

  private stop(err: Error): void {
    this.failure ??= err;
    this.wake?.();
  }
}

export interface ServerAnswer {
  /** Everything the server wrote back, read as latin1 so any byte survives. */
  reply: string;
  /** Whether the server closed the connection (it does after a protocol error). */
  closed: boolean;
}

/**
 * Sends raw bytes to a running redis-server on a fresh connection and collects
 * what it answers until it closes the link or `quietMs` pass without output.
 */
export function captureServerAnswer(port: number, input: Buffer, quietMs = 300): Promise<ServerAnswer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    const chunks: Buffer[] = [];
    let timer: NodeJS.Timeout | undefined;
    const finish = (closed: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ reply: Buffer.concat(chunks).toString('latin1'), closed });
    };
    const quiet = (): void => {
      clearTimeout(timer);
      timer = setTimeout(() => finish(false), quietMs);
    };
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      quiet();
    });
    socket.once('error', (err) => (chunks.length ? finish(true) : reject(err)));
    socket.once('close', () => finish(true));
    socket.once('connect', () => {
      socket.write(input);
      quiet();
    });
  });
}
