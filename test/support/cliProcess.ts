// The redis-replica-debugger CLI as a child process, stopped by pid.
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { waitFor } from './redisServer';

const MAIN = path.resolve(__dirname, '../../src/cli/main.js');

export class CliProcess {
  private out = '';
  private readonly exited: Promise<number | null>;

  private constructor(private readonly child: ChildProcess) {
    child.stdout!.on('data', (b: Buffer) => (this.out += b.toString('utf8')));
    child.stderr!.on('data', (b: Buffer) => (this.out += b.toString('utf8')));
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  /** `nodeFlags`: for Node itself, before the script (a small --max-old-space-size, say). */
  static start(args: string[], nodeFlags: string[] = []): CliProcess {
    return new CliProcess(spawn(process.execPath, [...nodeFlags, MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] }));
  }

  get output(): string {
    return this.out;
  }

  /** Waits for the process to exit on its own; resolves with its exit code. */
  exitCode(): Promise<number | null> {
    return this.exited;
  }

  waitForOutput(text: string | RegExp, timeoutMs = 10_000): Promise<true> {
    return waitFor(`CLI output ${String(text)} in:\n${this.out.slice(-2000)}`,
      () => (typeof text === 'string' ? this.out.includes(text) : text.test(this.out)), timeoutMs);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 3000);
      await this.exited;
      clearTimeout(timer);
    }
  }
}
