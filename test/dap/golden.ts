// Golden logs for DAP tests, after js-debug's GoldenText (src/test/goldenText.ts):
// a test logs what the adapter answered (response bodies, events, output lines)
// and assertLog() compares the text with test/dap/golden/<test-name>.txt.
//
// - Objects print with sorted keys, one property a line; strings print as they
//   are (a newline as \n).
// - What varies from run to run becomes a placeholder, and nothing else does:
//   handles the adapter hands out (`id`, a non-zero `variablesReference`,
//   `frameId`, `hitBreakpointIds`) → <number>; ports → <port>; replication IDs
//   (40 hex, but not the all-zero "none") → <replid>; Unix times and ISO dates
//   → <time>; countdown seconds and the RDB's age → <n>. Zero and negative
//   values are sentinels ("never", "not yet") and stay. Offsets and sizes
//   stay: each golden test has a master of its own, so they are the same every
//   run; a test whose offsets do vary asks for <offset> with `stabilize`.
// - On a mismatch the text goes to <test-name>.actual.txt beside the golden
//   (gitignored) and the test fails with the diff; RESET_RESULTS=1 rewrites the
//   goldens instead. A missing golden is written and fails, so it is read once.
// - Unasserted logs fail: every output event the adapter sent (Redis's log
//   lines, logpoints) must be logged into the golden or taken by an assertion
//   (takeOutput) before assertLog(), and nothing may be logged after the last
//   assertLog().
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { Adapter } from './harness';

/** test/dap/golden in the source tree (this file runs from out/test/dap). */
export const GOLDEN_DIR = path.resolve(__dirname, '..', '..', '..', 'test', 'dap', 'golden');

type OutputBody = DebugProtocol.OutputEvent['body'];

/** Handles: their numbers depend on the order of requests, not on what the replica did. */
const HANDLE_KEYS = new Set(['id', 'frameId', 'variablesReference', 'hitBreakpointIds']);

/**
 * Fields whose value varies, by the name a DAP object or a variable gives them
 * (`{name: 'repl_transfer_lastio', value: '1717…'}`), and as `name: 123` or
 * `name=123` inside a formatted record or a log line. Zero and negative values
 * are sentinels ("never", "not yet") and stay.
 */
const VARYING_FIELDS: Readonly<Record<string, string>> = {
  repl_transfer_lastio: '<time>',
  lastinteraction: '<time>',
  repl_down_since: '<time>',
  masterport: '<port>',
  port: '<port>',
  remaining: '<n>',
};

/** Offsets: stabilized only in a test that asks (`stabilize: ['offsets']`). */
const OFFSET_FIELDS: Readonly<Record<string, string>> = {
  master_repl_offset: '<offset>',
  master_initial_offset: '<offset>',
  second_replid_offset: '<offset>',
  reploff: '<offset>',
  read_reploff: '<offset>',
  repl_backlog_first_byte_offset: '<offset>',
  repl_backlog_histlen: '<offset>',
};

export type Stabilize = 'offsets';

export interface GoldenOptions {
  /** Fields that vary in this test beyond the usual ones. */
  stabilize?: readonly Stabilize[];
  /** Where the goldens are (default GOLDEN_DIR); GoldenText's own tests use a temp dir. */
  dir?: string;
}

const REPLID = /\b(?!0{40}\b)[0-9a-f]{40}\b/g;
const ISO_TIME = /\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z/g;
/** host:port in a log line, a master label, a client's addr=. */
const HOST_PORT = /\b(127\.0\.0\.1|localhost|\[::1\]):\d{1,5}\b/g;
/** A thread name: `replica 1 :40123 → …`. */
const THREAD_PORT = /(replica \d+ :)\d{1,5}( →)/g;
/** A countdown: `Timeout receiving bulk data from MASTER in 31 s`. */
const COUNTDOWN = /\bin \d+ s\b/g;
/** A disk load's temp file: temp-<unixtime>.<pid>.rdb. */
const TEMP_RDB = /\btemp-\d+\.\d+\.rdb\b/g;
/** rdbLoad's "RDB age 0 seconds": 1 when the master's save and the load straddle a second. */
const RDB_AGE = /\bRDB age -?\d+ seconds\b/g;
/** The master's used_memory in its RDB aux field: it moves with the allocator's state, run to run. */
const RDB_MEMORY = /\bRDB memory usage when created \d+\.\d+ Mb\b/g;

/** The file name a test's golden has: its name, lower case, runs of other characters as one '-'. */
export function goldenFileName(testName: string): string {
  return testName.trim().toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

export class GoldenText {
  private readonly results: string[] = [];
  private hasUnassertedLogs = false;
  /** Indices into adapter.output already logged or asserted. */
  private readonly outputSeen = new Set<number>();
  private readonly fields: Readonly<Record<string, string>>;
  private readonly dir: string;

  constructor(readonly testName: string, readonly adapter: Pick<Adapter, 'output' | 'until'> | null = null, options: GoldenOptions = {}) {
    this.fields = options.stabilize?.includes('offsets') ? { ...VARYING_FIELDS, ...OFFSET_FIELDS } : VARYING_FIELDS;
    this.dir = options.dir ?? GOLDEN_DIR;
  }

  get goldenPath(): string {
    return path.join(this.dir, `${goldenFileName(this.testName)}.txt`);
  }

  get actualPath(): string {
    return path.join(this.dir, `${goldenFileName(this.testName)}.actual.txt`);
  }

  /** Logs a line of text or an object (sorted keys, placeholders), under an optional title. */
  log(item: unknown, title = ''): void {
    this.hasUnassertedLogs = true;
    if (typeof item === 'object' && item !== null) this.dump(item, title);
    else this.results.push(title + this.sanitize(String(item)));
  }

  /** Logs an event: its name and body. */
  logEvent(e: DebugProtocol.Event): void {
    this.log(e.body ?? {}, `event ${e.event}: `);
  }

  // ---- output events ----------------------------------------------------------------------------

  /** Output events received and not yet logged or asserted. */
  unassertedOutput(): OutputBody[] {
    const out = this.adapter?.output ?? [];
    return out.filter((_, i) => !this.outputSeen.has(i));
  }

  /** Logs every output event received since the last call, one line each: `output <category>: <text>`. */
  logOutput(): number {
    const out = this.adapter?.output ?? [];
    let n = 0;
    out.forEach((o, i) => {
      if (this.outputSeen.has(i)) return;
      this.outputSeen.add(i);
      this.log(o.output.replace(/\n$/, ''), `output ${o.category ?? 'console'}: `);
      n++;
    });
    return n;
  }

  /**
   * Output lines matching `re` not yet logged, now counted as asserted (not
   * logged): for a test that checks a line by assertion rather than in the golden.
   */
  takeOutput(re: RegExp): OutputBody[] {
    const out = this.adapter?.output ?? [];
    const taken: OutputBody[] = [];
    out.forEach((o, i) => {
      if (this.outputSeen.has(i) || !re.test(o.output)) return;
      this.outputSeen.add(i);
      taken.push(o);
    });
    return taken;
  }

  /** Waits for an output line matching `re` that is not logged or asserted yet. */
  async untilOutput(re: RegExp, timeoutMs = 10_000): Promise<OutputBody> {
    const a = this.adapter;
    if (!a) throw new Error('GoldenText: no adapter to read output from');
    return a.until(`an output line matching ${re}`, () => a.output.find((o, i) => !this.outputSeen.has(i) && re.test(o.output)), timeoutMs);
  }

  // ---- comparing ----------------------------------------------------------------------------------

  get text(): string {
    return `${this.results.join('\n')}\n`;
  }

  /**
   * Compares the log with the golden. Fails first if the adapter sent output
   * that was neither logged nor asserted: call it where the replica is stopped
   * or idle, so that what has arrived is all there is.
   */
  assertLog(): void {
    const left = this.unassertedOutput();
    if (left.length > 0) {
      throw new assert.AssertionError({
        message: `unasserted logs: ${left.length} output event(s) neither logged (logOutput) nor asserted (takeOutput):\n${left.map((o) => `  ${o.category}: ${o.output.trimEnd()}`).join('\n')}`,
      });
    }
    this.hasUnassertedLogs = false;
    const actual = this.text;
    if (process.env['RESET_RESULTS']) {
      fs.mkdirSync(this.dir, { recursive: true });
      fs.writeFileSync(this.goldenPath, actual);
      fs.rmSync(this.actualPath, { force: true });
      return;
    }
    if (!fs.existsSync(this.goldenPath)) {
      fs.mkdirSync(this.dir, { recursive: true });
      fs.writeFileSync(this.goldenPath, actual);
      throw new assert.AssertionError({ message: `no golden for '${this.testName}': wrote ${rel(this.goldenPath)}; read it, then run again` });
    }
    const expected = fs.readFileSync(this.goldenPath, 'utf8');
    if (actual === expected) {
      fs.rmSync(this.actualPath, { force: true });
      return;
    }
    fs.writeFileSync(this.actualPath, actual);
    try {
      assert.equal(actual, expected);
    } catch (err) {
      if (err instanceof assert.AssertionError) {
        err.message = `golden mismatch: ${rel(this.goldenPath)} (actual in ${rel(this.actualPath)}; RESET_RESULTS=1 accepts it)\n${err.message}`;
      }
      throw err;
    }
  }

  /** The end of a test: nothing logged after the last assertLog(), no output left unasserted. */
  checkAsserted(): void {
    if (this.hasUnassertedLogs) throw new assert.AssertionError({ message: `'${this.testName}' logged after its last assertLog()` });
    const left = this.unassertedOutput();
    if (left.length > 0) {
      throw new assert.AssertionError({
        message: `unasserted logs at the end of '${this.testName}':\n${left.map((o) => `  ${o.category}: ${o.output.trimEnd()}`).join('\n')}`,
      });
    }
  }

  // ---- printing ----------------------------------------------------------------------------------

  /** Replaces what varies in free text (a log line, a variable's value, a thread name). */
  sanitize(text: string): string {
    let s = text
      .replace(REPLID, '<replid>')
      .replace(ISO_TIME, '<time>')
      .replace(HOST_PORT, '$1:<port>')
      .replace(THREAD_PORT, '$1<port>$2')
      .replace(COUNTDOWN, 'in <n> s')
      .replace(TEMP_RDB, 'temp-<time>.<pid>.rdb')
      .replace(RDB_AGE, 'RDB age <n> seconds')
      .replace(RDB_MEMORY, 'RDB memory usage when created <n> Mb');
    for (const [field, placeholder] of Object.entries(this.fields)) {
      s = s.replace(new RegExp(`\\b(${field}(?:: |=))([1-9]\\d*)\\b`, 'g'), `$1${placeholder}`);
    }
    return s.replace(/\r/g, '\\r').replace(/\n/g, '\\n');
  }

  /** A value under `key` of an object, or the value of a variable named `name`. */
  private field(name: string, value: unknown): string | null {
    const placeholder = this.fields[name];
    if (placeholder === undefined) return null;
    const n = typeof value === 'number' ? value : typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : NaN;
    return Number.isFinite(n) && n > 0 ? placeholder : null;
  }

  private dump(object: object, title: string): void {
    const lines: string[] = [];
    const value = (v: unknown, key: string | null, owner: object | null, prefix: string, first: string): void => {
      if (key !== null && HANDLE_KEYS.has(key)) {
        if (Array.isArray(v)) {
          lines.push(`${first}[${v.map(() => '<number>').join(', ')}]`);
          return;
        }
        if (typeof v === 'number') {
          lines.push(first + (key === 'variablesReference' && v === 0 ? '0' : '<number>'));
          return;
        }
      }
      // A variable: {name, value, …}: its value is stabilized by its name.
      const byName = key === 'value' && owner && typeof (owner as { name?: unknown }).name === 'string'
        ? this.field((owner as { name: string }).name, v) : null;
      const byKey = key !== null ? this.field(key, v) : null;
      if (byName ?? byKey) {
        lines.push(first + (byName ?? byKey));
        return;
      }
      if (Array.isArray(v)) {
        if (v.length === 0) {
          lines.push(`${first}[]`);
          return;
        }
        lines.push(`${first}[`);
        v.forEach((item, i) => value(item, null, null, `${prefix}    `, `${prefix}    [${i}] : `));
        lines.push(`${prefix}]`);
        return;
      }
      if (typeof v === 'object' && v !== null) {
        const keys = Object.keys(v).filter((k) => (v as Record<string, unknown>)[k] !== undefined).sort();
        if (keys.length === 0) {
          lines.push(`${first}{}`);
          return;
        }
        lines.push(`${first}{`);
        for (const k of keys) value((v as Record<string, unknown>)[k], k, v, `${prefix}    `, `${prefix}    ${k} : `);
        lines.push(`${prefix}}`);
        return;
      }
      lines.push(first + this.sanitize(String(v)));
    };
    value(object, null, null, '', title);
    this.results.push(...lines);
  }
}

function rel(p: string): string {
  return path.relative(process.cwd(), p) || p;
}

/**
 * A node:test test with a golden log and an adapter of its own: the body logs
 * and calls assertLog(); at the end nothing may be left unasserted, and the
 * adapter is closed whatever happened.
 */
export function goldenTest(name: string, body: (g: GoldenText, a: Adapter) => Promise<void>, options: GoldenOptions = {}): void {
  test(name, async () => {
    const a = Adapter.start();
    const g = new GoldenText(name, a, options);
    try {
      await body(g, a);
      g.checkAsserted();
    } finally {
      await a.close();
    }
  });
}
