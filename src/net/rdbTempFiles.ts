// The temp RDB files of disk loads (repl-diskless-load disabled):
// temp-<unixtime>.<pid>.rdb as redis-server names them (plus which hosted
// replica and which sync, since one process hosts many), written as the payload arrives (synchronously, as
// redis-server writes it), read back chunk by chunk for the load, then removed.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { EngineInput, FileId } from '../engine/io';

interface TempFile {
  path: string;
  fd: number | null;
  reader: fs.ReadStream | null;
}

export class RdbTempFiles {
  /** Replicas hosted in one process share its pid and the directory: each names its files apart. */
  private static instances = 0;
  private readonly instance = ++RdbTempFiles.instances;
  private readonly files = new Map<FileId, TempFile>();

  constructor(
    /** Where temp files go (redis-server uses its `dir`). */
    private readonly dir: string,
    private readonly deliver: (input: EngineInput) => void,
  ) {}

  static defaultDir(): string {
    return path.join(os.tmpdir(), 'redis-replica-debugger');
  }

  write(file: FileId, unixtime: number, bytes: Buffer): void {
    let f = this.files.get(file);
    try {
      if (!f) {
        fs.mkdirSync(this.dir, { recursive: true });
        const p = path.join(this.dir, `temp-${unixtime}.${process.pid}.${this.instance}.${file}.rdb`);
        f = { path: p, fd: fs.openSync(p, 'wx', 0o644), reader: null };
        this.files.set(file, f);
      }
      if (f.fd === null) throw new Error('the temp file is already closed');
      fs.writeSync(f.fd, bytes);
    } catch (err) {
      this.deliver({ type: 'rdb-file-error', file, error: (err as Error).message });
    }
  }

  /** Reads the file back as rdb-file-data events, then rdb-file-end. */
  load(file: FileId, chunkSize: number): void {
    const f = this.files.get(file);
    if (!f) {
      this.deliver({ type: 'rdb-file-error', file, error: 'no temp file was written' });
      return;
    }
    if (f.fd !== null) fs.closeSync(f.fd);
    f.fd = null;
    const reader = fs.createReadStream(f.path, { highWaterMark: chunkSize });
    f.reader = reader;
    reader.on('data', (bytes) => this.deliver({ type: 'rdb-file-data', file, bytes: bytes as Buffer }));
    reader.on('end', () => this.deliver({ type: 'rdb-file-end', file }));
    reader.on('error', (err) => this.deliver({ type: 'rdb-file-error', file, error: err.message }));
  }

  /** Stops or restarts reading (the engine is far behind, or stopped by the debugger). */
  throttle(paused: boolean): void {
    for (const f of this.files.values()) {
      if (!f.reader) continue;
      if (paused && !f.reader.isPaused()) f.reader.pause();
      if (!paused && f.reader.isPaused()) f.reader.resume();
    }
  }

  /** Forgets a file and removes it; resolves once its reader (if any) has closed its descriptor. */
  discard(file: FileId): Promise<void> {
    const f = this.files.get(file);
    if (!f) return Promise.resolve();
    this.files.delete(file);
    const reader = f.reader;
    // 'close' is emitted from inside fs.close's callback: resolved a turn later, nothing of it is left.
    const closed = reader && !reader.closed ? new Promise<void>((resolve) => reader.once('close', () => setImmediate(resolve))) : Promise.resolve();
    reader?.destroy();
    if (f.fd !== null) fs.closeSync(f.fd);
    fs.rmSync(f.path, { force: true });
    return closed;
  }

  /** Every file discarded; resolves when no reader is left open (a shell closing leaves nothing behind). */
  async discardAll(): Promise<void> {
    await Promise.all([...this.files.keys()].map((id) => this.discard(id)));
  }
}
