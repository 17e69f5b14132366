// Runs a real redis-server as a child process: a free loopback port, a scratch
// dir, `--save "" --appendonly no`, stopped by pid. Never port 6379. Used by
// the demo's throwaway master, the benchmarks and the tests.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { RedisClient } from './redisClient';

export async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const srv = net.createServer();
      srv.once('error', reject);
      srv.listen(0, '127.0.0.1', () => {
        const addr = srv.address();
        srv.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0));
      });
    });
    if (port !== 6379 && port !== 0) return port;
  }
}

export interface RedisServerOptions {
  /** Extra redis-server arguments, e.g. ['--repl-diskless-sync', 'no']. */
  args?: string[];
  port?: number;
  /** The server binary (default: redis-server on the PATH); e.g. ../shared/servers/valkey-8.0.1/valkey-server. */
  binary?: string;
}

export class RedisServer {
  private exited: Promise<void>;
  private constructor(
    readonly port: number,
    readonly dir: string,
    readonly logFile: string,
    private readonly child: ChildProcess,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  static async start(opts: RedisServerOptions = {}): Promise<RedisServer> {
    const port = opts.port ?? (await freePort());
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rrd-redis-'));
    const logFile = path.join(dir, 'redis.log');
    const args = [
      '--port', String(port),
      '--bind', '127.0.0.1',
      '--save', '',
      '--appendonly', 'no',
      '--dir', dir,
      '--logfile', logFile,
      '--daemonize', 'no',
      ...(opts.args ?? []),
    ];
    const child = spawn(opts.binary ?? 'redis-server', args, { stdio: 'ignore' });
    const server = new RedisServer(port, dir, logFile, child);
    await server.waitReady();
    return server;
  }

  private async waitReady(): Promise<void> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      if (this.child.exitCode !== null) {
        throw new Error(`redis-server exited with ${this.child.exitCode}: ${this.log().slice(-2000)}`);
      }
      try {
        const c = await RedisClient.connect(this.port);
        try {
          const pong = await c.send('PING');
          if (pong === 'PONG' || String(pong).startsWith('NOAUTH') || String(pong).includes('NOAUTH')) return;
        } finally {
          c.close();
        }
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`redis-server on ${this.port} did not start`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  client(opts: { returnBuffers?: boolean } = {}): Promise<RedisClient> {
    return RedisClient.connect(this.port, '127.0.0.1', opts);
  }

  log(): string {
    try {
      return fs.readFileSync(this.logFile, 'utf8');
    } catch {
      return '';
    }
  }

  /** Pauses the process as a hung master (SIGSTOP) and resumes it (SIGCONT). */
  pause(): void {
    process.kill(this.pid, 'SIGSTOP');
  }

  resume(): void {
    process.kill(this.pid, 'SIGCONT');
  }

  async stop(): Promise<void> {
    await killChild(this.child, this.exited);
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Stops a child by its pid, a stopped (SIGSTOP) one too, and waits for its exit. */
export async function killChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  try {
    process.kill(child.pid, 'SIGCONT');
    process.kill(child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
  await exited;
}
