// The issue's e2e scenarios, each against a real redis-server master it starts, in a real VS Code (code-server) driven
// through Chromium. The steps that need the Replicas tree view, the state-machine document and the webview are
// exported functions that find their view/command in the extension's manifest; a scenario that needs a feature the
// .vsix does not contribute yet is reported as skipped (or fails, with E2E_REQUIRE_ALL=1).
//
// Loading this module does nothing; scripts/e2e.sh runs them through run.ts.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import type { RedisServer } from '../support/redisServer';
import { sleep, waitFor } from '../support/redisServer';
import { liveServer } from '../support/servers';
import {
  blend, colorText, contrastRatio, log, makeWorkspace, masterInfoField, oneLine, parseColor, replicationLaunchConfig,
  setColorTheme, startConfigurationByName, startMaster, waitForNotificationWithoutSession, withWorkbench,
  type CodeServer, type Rgba, type ScenarioEnv, type ThemeKind, type Workbench,
} from './harness';
import type { Locator } from './playwright';
import { alive, ancestors, cpuSeconds, processes, type ProcessEntry } from './processes';

// ---------------------------------------------------------------------------------------------------------------
// What the .vsix contributes (read from its extension/package.json), so the feature steps find their names.

export interface ExtensionManifest {
  name: string;
  publisher: string;
  contributes?: {
    debuggers?: { type: string }[];
    views?: Record<string, { id: string; name: string }[]>;
    commands?: { command: string; title: string; category?: string }[];
    breakpoints?: { language: string }[];
  };
}

export interface ScenarioContext {
  vsix: string;
  manifest: ExtensionManifest;
}

export interface Scenario {
  name: string;
  title: string;
  /** Why the .vsix cannot run this scenario yet (a missing contribution), or undefined when it can. */
  missing?: (m: ExtensionManifest) => string | undefined;
  /** Runs only when named on the command line (a reproduction not yet reliable enough for every CI run). */
  optIn?: boolean;
  run(ctx: ScenarioContext): Promise<void>;
}

/** The Replicas tree view's title, if the manifest contributes one in the Run and Debug container. */
export function replicasViewName(m: ExtensionManifest): string | undefined {
  return m.contributes?.views?.debug?.find((v) => /replicas/i.test(v.name) || /replicas/i.test(v.id))?.name;
}

/** The palette label ("Category: Title") of the first contributed command whose title matches `re`. */
export function commandLabel(m: ExtensionManifest, re: RegExp): string | undefined {
  const c = m.contributes?.commands?.find((x) => re.test(x.title));
  return c ? (c.category ? `${c.category}: ${c.title}` : c.title) : undefined;
}

/** The command that opens the state-machine document (a read-only editor with a gutter for transition breakpoints). */
export const stateMachineDocumentCommand = (m: ExtensionManifest): string | undefined =>
  commandLabel(m, /state[- ]machine.*(document|source|text)|open state[- ]machine$/i);
/** The command that opens the state-machine webview (the diagram). */
export const stateMachineViewCommand = (m: ExtensionManifest): string | undefined =>
  commandLabel(m, /state[- ]machine.*(view|diagram|graph)|show state[- ]machine/i);

// ---------------------------------------------------------------------------------------------------------------
// Steps shared by the scenarios

export const TRANSFER_BREAKPOINT = 'CONNECTING->TRANSFER';
/** Keys the master holds before the replica connects, so the transfer carries a real RDB. */
export const MASTER_KEYS = 2000;

/** Run view → Breakpoints "+" → `CONNECTING->TRANSFER` → start → stopped with that breakpoint; screenshots each. */
export async function stopAtTransfer(wb: Workbench, shotPrefix: string): Promise<string> {
  await wb.showRunAndDebug();
  await wb.addFunctionBreakpoint(TRANSFER_BREAKPOINT);
  const bps = await wb.breakpointRows();
  assert.ok(bps.some((r) => r.includes(TRANSFER_BREAKPOINT)), `Breakpoints view: ${JSON.stringify(bps)}`);
  await wb.screenshot(`${shotPrefix}-breakpoint-added`);

  const t = Date.now();
  await wb.startDebugging();
  const paused = await wb.waitForStopped(30_000);
  const stack = await wb.waitForCallStack(/->\s*TRANSFER\b/);
  log(`stopped ${Date.now() - t} ms after start: "${paused}"; call stack "${stack}"`);
  assert.match(paused, /Paused on (function )?breakpoint/i);
  return paused;
}

/** The Variables view shows repl_transfer_lastio and repl_timeout (Replication scope, expanded by VS Code). */
export async function expectTransferVariables(wb: Workbench): Promise<{ state: string; lastio: string; timeout: string }> {
  const [state, lastio, timeout] = await wb.waitForVariables([
    /^repl_state\s*[:=]/, /^repl_transfer_lastio\s*[:=]\s*\d+/, /^repl_timeout\s*[:=]\s*\d+/,
  ]);
  log(`variables: ${state} | ${lastio} | ${timeout}`);
  assert.match(state!, /TRANSFER/i);
  return { state: state!, lastio: lastio!, timeout: timeout! };
}

/** The Replicas view shows a replica row whose text matches `state` (e.g. /TRANSFER/). */
export async function expectReplicaState(wb: Workbench, viewName: string, state: RegExp, timeoutMs = 10_000): Promise<string> {
  const row = await wb.waitForViewRow(viewName, state, timeoutMs);
  log(`${viewName}: ${row}`);
  return row;
}

/**
 * After continue: the Replicas view shows our replica CONNECTED at the master's master_repl_offset, and the master's
 * own view (its INFO replication, refreshed on a throttle) shows the same master_repl_offset and its slave0 — our
 * replica — online at that offset. Writes are made on the master first, so the offset is not the initial one.
 */
export async function expectReplicaCaughtUp(wb: Workbench, viewName: string, master: RedisServer): Promise<{ offset: number; rows: string[] }> {
  const c = await master.client();
  try {
    for (let i = 0; i < 10; i++) await c.send('SET', `e2e:after-continue:${i}`, String(i));
  } finally {
    c.close();
  }
  await waitFor('master sees the replica online', async () => /state=online/.test((await masterInfoField(master, 'slave0')) ?? ''), 15_000, 100);
  const num = (rows: string[], re: RegExp): number | undefined => {
    for (const r of rows) {
      const m = re.exec(r);
      if (m) return Number(m[1]);
    }
    return undefined;
  };
  const deadline = Date.now() + 20_000;
  let expanded = false;
  for (;;) {
    const masterOffset = Number(await masterInfoField(master, 'master_repl_offset'));
    const rows = await wb.viewRows(viewName);
    if (!expanded && rows.some((r) => /the master's view/.test(r))) {
      await wb.expandViewRow(viewName, /the master's view/);
      expanded = true;
      continue;
    }
    const ours = num(rows, /^replica \d+\b.*CONNECTED\s*·\s*offset (\d+)/);
    const mastersView = num(rows, /the master's view.*master_repl_offset (\d+)/);
    const slave0 = num(rows, /^slave0\b.*online\s*·\s*offset (\d+)/);
    if (ours === masterOffset && mastersView === masterOffset && slave0 === masterOffset) {
      log(`${viewName}: replica CONNECTED at offset ${ours}, the master's view master_repl_offset ${mastersView}, slave0 offset ${slave0} (master: ${masterOffset})`);
      return { offset: masterOffset, rows };
    }
    if (Date.now() > deadline) {
      throw new Error(`${viewName} never showed CONNECTED at the master's offset ${masterOffset} (ours ${ours}, the master's view ${mastersView}, slave0 ${slave0}): ${JSON.stringify(rows)}`);
    }
    await sleep(300);
  }
}

/** The state-machine document's line for the transition the transfer breakpoint stops at. */
/** adapter-process: enough keys that loading them takes seconds, so a command can run during the load. */
const BIG_MASTER_KEYS = 4_000_000;
/** adapter-process: how long a command the extension host serves may take while the adapter loads (typically ~1 s, palette included). */
const EDITOR_COMMAND_MS = 5_000;

export const TRANSFER_LINE = /^\s*REPL_STATE_RECEIVE_PSYNC_REPLY\s*->\s*REPL_STATE_TRANSFER\b/;

/**
 * Opens the state-machine document with its command and clicks the gutter (glyph margin) beside the line matching
 * `lineRe`, which sets a transition breakpoint there; waits for the breakpoint glyph. Returns the line's text.
 */
export async function setGutterBreakpoint(wb: Workbench, command: string, lineRe: RegExp): Promise<string> {
  await wb.runCommand(command);
  const editor = wb.page.locator('.part.editor .monaco-editor').first();
  await editor.waitFor({ state: 'visible', timeout: 10_000 });
  const line = editor.locator('.view-lines .view-line', { hasText: lineRe }).first();
  await line.waitFor({ state: 'visible', timeout: 10_000 });
  const lineText = oneLine(await line.innerText());
  const rect = (l: Locator): Promise<{ x: number; y: number; w: number; h: number }> => l.evaluate((e) => {
    const r = e.getBoundingClientRect();
    return { x: r.x, y: r.y, w: r.width, h: r.height };
  });
  const lineBox = await rect(line);
  const margin = await rect(editor.locator('.margin').first());
  // The glyph margin is the margin's leftmost strip; hover first so VS Code shows the breakpoint hint, then click.
  const x = margin.x + 9;
  const y = lineBox.y + lineBox.h / 2;
  await wb.page.mouse.move(x, y);
  await wb.page.waitForTimeout(200);
  await wb.page.mouse.click(x, y);
  await editor.locator('.margin .codicon-debug-breakpoint, .margin .codicon-debug-breakpoint-unverified').first()
    .waitFor({ state: 'visible', timeout: 5000 });
  log(`gutter breakpoint on "${lineText}"`);
  return lineText;
}

/** Opens the state-machine webview with its command (unless undefined: already open) and returns the highlighted
 * (current) state's text. */
export async function webviewCurrentState(wb: Workbench, command: string | undefined, timeoutMs = 10_000): Promise<string> {
  if (command) await wb.runCommand(command);
  // A VS Code webview is an iframe (webview host) holding another iframe (#active-frame) with the extension's page.
  // The diagram draws each state as <g class="state"> with its name in the first <text>; the current one is .current.
  const inner = wb.page.frameLocator('iframe.webview.ready').first().frameLocator('#active-frame');
  const current = inner.locator('.state.current').first();
  await current.waitFor({ state: 'attached', timeout: timeoutMs });
  await current.evaluate((e) => e.scrollIntoView({ block: 'center' }));
  const text = (await current.locator('text').first().textContent())?.trim() ?? '';
  log(`state-machine webview highlights "${text}"`);
  return text;
}

/** The webview's inner frame (the webview host iframe holds the extension's page in #active-frame). */
const webviewFrame = (wb: Workbench) => wb.page.frameLocator('iframe.webview.ready').first().frameLocator('#active-frame');

/** The highlighted state of one machine's column (`main`, `rdb-channel`, `dual-channel`) of the webview, as text. */
export async function webviewMachineState(wb: Workbench, machine: string, timeoutMs = 10_000): Promise<string> {
  const current = webviewFrame(wb).locator(`.machine-${machine} .state.current`).first();
  await current.waitFor({ state: 'attached', timeout: timeoutMs });
  return (await current.locator('text').first().textContent())?.trim() ?? '';
}

/** The contrast of one machine's highlighted box against the page and of its label against the box, as drawn now. */
async function machineContrast(wb: Workbench, machine: string): Promise<{ fillVsBg: number; textVsFill: number }> {
  const c = await webviewFrame(wb).locator('body').evaluate((b, m) => {
    const doc = b.ownerDocument;
    const win = doc.defaultView!;
    const g = doc.querySelector(`.machine-${m} .state.current`);
    let background = win.getComputedStyle(b).backgroundColor;
    if (/^(transparent|rgba\(0, 0, 0, 0\))$/.test(background)) background = win.getComputedStyle(doc.documentElement).backgroundColor;
    return { background, fill: g ? win.getComputedStyle(g.querySelector('rect')!).fill : '', text: g ? win.getComputedStyle(g.querySelector('text')!).fill : '' };
  }, machine);
  const bg = blend(parseColor(c.background)!, { r: 255, g: 255, b: 255, a: 1 });
  const fill = blend(parseColor(c.fill)!, bg);
  return { fillVsBg: contrastRatio(fill, bg), textVsFill: contrastRatio(blend(parseColor(c.text)!, fill), fill) };
}

/** The three themes webview-themes checks: VS Code 1.139's theme-defaults ids, palette labels and workbench classes. */
export const WEBVIEW_THEMES: { id: string; label: string; kind: ThemeKind; body: string; slug: string }[] = [
  { id: 'Light Modern', label: 'Light Modern', kind: 'vs', body: 'vscode-light', slug: 'light-modern' },
  { id: 'Dark Modern', label: 'Dark Modern', kind: 'vs-dark', body: 'vscode-dark', slug: 'dark-modern' },
  { id: 'Default High Contrast', label: 'Dark High Contrast', kind: 'hc-black', body: 'vscode-high-contrast', slug: 'high-contrast' },
];

/** Computed colours of the state-machine webview (inside its inner frame), as CSS strings. */
export interface WebviewColors {
  bodyClass: string;
  background: string;
  currentClass: string;
  currentFill: string;
  currentStroke: string;
  currentText: string;
  otherFill: string;
  otherText: string;
  edges: { cls: string; stroke: string; opacity: string; width: string }[];
  arrowFill: string;
}

/** Reads the webview's computed colours once its body has `bodyClass` (the theme reached the webview). */
export async function webviewColors(wb: Workbench, bodyClass: string, timeoutMs = 10_000): Promise<WebviewColors> {
  const inner = wb.page.frameLocator('iframe.webview.ready').first().frameLocator('#active-frame');
  const body = inner.locator('body');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const cls = await body.evaluate((b) => String(b.className)).catch(() => '');
    if (cls.split(/\s+/).includes(bodyClass)) break;
    if (Date.now() > deadline) throw new Error(`the webview's body is "${cls}", not ${bodyClass}, after ${timeoutMs} ms`);
    await sleep(100);
  }
  await wb.page.waitForTimeout(300);
  return body.evaluate((b) => {
    const doc = b.ownerDocument;
    const win = doc.defaultView;
    const st = (sel: string, prop: string): string => {
      const e = doc.querySelector(sel);
      return e ? win.getComputedStyle(e).getPropertyValue(prop) : '';
    };
    let background = win.getComputedStyle(b).backgroundColor;
    if (/^(transparent|rgba\(0, 0, 0, 0\))$/.test(background)) background = win.getComputedStyle(doc.documentElement).backgroundColor;
    const edges = [...doc.querySelectorAll('.edge')].slice(0, 40).map((g: any) => { // eslint-disable-line @typescript-eslint/no-explicit-any
      const line = g.querySelector('.line');
      const cs = win.getComputedStyle(line);
      return { cls: String(g.getAttribute('class')), stroke: cs.stroke, opacity: cs.opacity, width: cs.strokeWidth };
    });
    return {
      bodyClass: String(b.className),
      background,
      currentClass: String(doc.querySelector('.state.current')?.getAttribute('class') ?? ''),
      currentFill: st('.state.current rect', 'fill'),
      currentStroke: st('.state.current rect', 'stroke'),
      currentText: st('.state.current text', 'fill'),
      otherFill: st('.state:not(.current) rect', 'fill'),
      otherText: st('.state:not(.current) text', 'fill'),
      edges,
      arrowFill: st('.arrowhead', 'fill'),
    };
  });
}

/** The contrast numbers webview-themes asserts on, logged for each theme. */
export function webviewContrast(c: WebviewColors): { fillVsBg: number; textVsFill: number; otherTextVsFill: number; edgeVsBg: number; transparentEdges: number } {
  const need = (s: string, what: string): Rgba => {
    const v = parseColor(s);
    if (!v) throw new Error(`cannot parse ${what} "${s}"`);
    return v;
  };
  const bg = blend(need(c.background, 'background'), { r: 255, g: 255, b: 255, a: 1 });
  const fill = blend(need(c.currentFill, 'current fill'), bg);
  const text = blend(need(c.currentText, 'current text'), fill);
  const otherFill = blend(need(c.otherFill, 'state fill'), bg);
  const otherText = blend(need(c.otherText, 'state text'), otherFill);
  let transparentEdges = 0;
  let edgeVsBg = Infinity;
  for (const e of c.edges) {
    const stroke = parseColor(e.stroke);
    const opacity = Number(e.opacity);
    if (!stroke || stroke.a === 0 || !(opacity > 0) || e.stroke === 'none') {
      transparentEdges += 1;
      continue;
    }
    edgeVsBg = Math.min(edgeVsBg, contrastRatio(blend(stroke, bg, opacity), bg));
  }
  return {
    fillVsBg: contrastRatio(fill, bg), textVsFill: contrastRatio(text, fill), otherTextVsFill: contrastRatio(otherText, otherFill),
    edgeVsBg: c.edges.length ? edgeVsBg : 0, transparentEdges,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Scenarios

/** The launch-to-transfer path, common to every scenario: a master with data, a workspace with the issue's config. */
async function withReplicationSession(
  ctx: ScenarioContext, name: string,
  body: (wb: Workbench, master: RedisServer, env: ScenarioEnv) => Promise<void>,
): Promise<void> {
  const master = await startMaster(['--repl-diskless-sync', 'no'], MASTER_KEYS);
  const ws = makeWorkspace([replicationLaunchConfig(master.port)]);
  try {
    await withWorkbench(name, { vsix: ctx.vsix, workspace: ws }, async (env) => {
      await body(env.wb, master, env);
    });
  } finally {
    await master.stop();
    if (!process.env.E2E_KEEP) fs.rmSync(ws, { recursive: true, force: true });
  }
}

export const scenarios: Scenario[] = [
  {
    name: 'transfer-breakpoint',
    title: 'launch.json → Run view → stop at CONNECTING->TRANSFER → Variables → continue → replica online',
    async run(ctx) {
      await withReplicationSession(ctx, this.name, async (wb, master) => {
        await wb.openFromExplorer(['.vscode', 'launch.json']);
        await wb.screenshot('transfer-workspace-launch-json');
        await stopAtTransfer(wb, 'transfer');
        await expectTransferVariables(wb);
        // The Variables list is virtualized and shorter than the Replication scope: one screenshot per variable.
        await wb.collapsePane('Watch');
        await wb.revealVariable(/^repl_transfer_lastio\s*=/);
        await wb.screenshot('transfer-stopped-lastio');
        await wb.revealVariable(/^repl_timeout\s*=/);
        await wb.screenshot('transfer-stopped-repl-timeout');
        await wb.continue();
        await waitFor('master sees the replica online', async () => /state=online/.test((await masterInfoField(master, 'slave0')) ?? ''), 20_000, 100);
        log(`master: slave0:${await masterInfoField(master, 'slave0')}`);
        log(`debug console: ${await wb.waitForDebugConsole(new RegExp(`keys loaded: ${MASTER_KEYS}\\b`))}`);
        await wb.waitForDebugConsole(/sync: Finished with success/);
        await wb.screenshot('transfer-continued-running');
        await wb.stopDebugging();
        await wb.screenshot('transfer-session-ended');
      });
    },
  },
  {
    name: 'replicas-view',
    title: 'Replicas view shows TRANSFER while stopped, then CONNECTED with the master\'s offset after continue',
    missing: (m) => (replicasViewName(m) ? undefined : 'no view named "Replicas" in contributes.views.debug'),
    async run(ctx) {
      const view = replicasViewName(ctx.manifest)!;
      await withReplicationSession(ctx, this.name, async (wb, master) => {
        await stopAtTransfer(wb, 'replicas');
        await expectReplicaState(wb, view, /TRANSFER/);
        // Room for the tree: a wider sidebar, and the other panes (but Call Stack) collapsed.
        await wb.setSidebarWidth(560);
        for (const pane of ['Variables', 'Watch', 'Breakpoints']) await wb.collapsePane(pane);
        await wb.expandViewRow(view, /TRANSFER/);
        log(`${view} while stopped: ${JSON.stringify(await wb.viewRows(view))}`);
        await wb.screenshot('replicas-view-transfer');
        await wb.continue();
        const { rows } = await expectReplicaCaughtUp(wb, view, master);
        log(`${view} after continue: ${JSON.stringify(rows)}`);
        await wb.screenshot('replicas-view-connected');
        await wb.stopDebugging();
      });
    },
  },
  {
    name: 'gutter-breakpoint',
    title: 'a gutter breakpoint in the state-machine document stops at its transition',
    missing: (m) => (stateMachineDocumentCommand(m) ? undefined : 'no command to open the state-machine document'),
    async run(ctx) {
      const command = stateMachineDocumentCommand(ctx.manifest)!;
      await withReplicationSession(ctx, this.name, async (wb) => {
        await wb.showRunAndDebug();
        const line = await setGutterBreakpoint(wb, command, TRANSFER_LINE);
        const bps = await wb.breakpointRows();
        log(`Breakpoints view: ${JSON.stringify(bps)}`);
        assert.ok(bps.some((r) => /state-machine/i.test(r)), `no source breakpoint in the Breakpoints view: ${JSON.stringify(bps)}`);
        await wb.screenshot('gutter-breakpoint-set');
        await wb.startDebugging();
        const paused = await wb.waitForStopped(30_000);
        assert.match(paused, /Paused on .*breakpoint/i);
        const stack = await wb.waitForCallStack(/RECEIVE_PSYNC_REPLY\s*->\s*TRANSFER.*\b21:1\b/);
        log(`stopped "${paused}" at ${stack} (gutter line "${line}")`);
        const { state } = await expectTransferVariables(wb);
        assert.match(state, /TRANSFER/);
        await wb.screenshot('gutter-breakpoint-stopped');
        await wb.stopDebugging();
      });
    },
  },
  {
    name: 'state-machine-webview',
    title: 'the state-machine webview highlights the current state (TRANSFER while stopped there)',
    missing: (m) => (stateMachineViewCommand(m) ? undefined : 'no command to show the state-machine webview'),
    async run(ctx) {
      const command = stateMachineViewCommand(ctx.manifest)!;
      await withReplicationSession(ctx, this.name, async (wb) => {
        await stopAtTransfer(wb, 'webview');
        // The diagram is tall: give it the panel's height.
        await wb.runCommand(['View: Hide Panel', 'View: Close Panel']);
        const current = await webviewCurrentState(wb, command);
        assert.match(current, /TRANSFER/);
        await wb.screenshot('webview-current-state');
        await wb.stopDebugging();
      });
    },
  },
  {
    name: 'webview-slow-load',
    title: 'the state-machine webview, opened while stopped on a slow CPU, still draws the model and the current state',
    // A webview stayed empty (about 1 run in 3 here) when its page loaded after the panel's one initial
    // post; the page now asks for the model when it is ready.
    missing: (m) => (stateMachineViewCommand(m) ? undefined : 'no command to show the state-machine webview'),
    async run(ctx) {
      const command = stateMachineViewCommand(ctx.manifest)!;
      await withReplicationSession(ctx, this.name, async (wb, _master, { context }) => {
        await stopAtTransfer(wb, 'slowload');
        // Nothing changes while stopped, so the page must get the model however late its script starts: the extension
        // host runs at full speed while the page loads with the CPU slowed 10x, then the page gets full speed again.
        try {
          await wb.runCommand(command, 2, () => wb.throttleCpu(context, 10));
          await wb.page.waitForTimeout(3000);
        } finally {
          await wb.throttleCpu(context, 1);
        }
        const current = await webviewCurrentState(wb, undefined, 15_000);
        assert.match(current, /TRANSFER/);
        await wb.screenshot('slowload-webview-current-state');
        await wb.stopDebugging();
      });
    },
  },
  {
    name: 'webview-themes',
    title: 'the state-machine webview stopped at TRANSFER is readable in Light Modern, Dark Modern and Dark High Contrast',
    missing: (m) => (stateMachineViewCommand(m) ? undefined : 'no command to show the state-machine webview'),
    async run(ctx) {
      const command = stateMachineViewCommand(ctx.manifest)!;
      await withReplicationSession(ctx, this.name, async (wb, _master, { server }) => {
        await stopAtTransfer(wb, 'themes');
        await wb.runCommand(['View: Hide Panel', 'View: Close Panel']);
        assert.match(await webviewCurrentState(wb, command), /TRANSFER/);
        const problems: string[] = [];
        for (const theme of WEBVIEW_THEMES) {
          await setColorTheme(server as CodeServer, wb, theme);
          const colors = await webviewColors(wb, theme.body);
          assert.match(await webviewCurrentState(wb, undefined), /TRANSFER/);
          const k = webviewContrast(colors);
          log(`${theme.id}: bg ${colorText(parseColor(colors.background)!)}; current (${colors.currentClass}) fill ${colors.currentFill} `
            + `stroke ${colors.currentStroke} text ${colors.currentText}; other fill ${colors.otherFill} text ${colors.otherText}; `
            + `edges ${JSON.stringify([...new Set(colors.edges.map((e) => `${e.cls}:${e.stroke}@${e.opacity}/${e.width}`))])}; `
            + `contrast fill/bg ${k.fillVsBg.toFixed(2)}, text/fill ${k.textVsFill.toFixed(2)}, other text/fill `
            + `${k.otherTextVsFill.toFixed(2)}, faintest edge/bg ${k.edgeVsBg.toFixed(2)}`);
          await wb.screenshot(`themes-${theme.slug}`);
          // Clear differences: the highlighted box stands out from the page (1.5:1, what a non-text shape needs to be
          // told apart at a glance is 3:1 — logged, not asserted), its bold 12px text is readable on it (3:1, WCAG's
          // large/bold-text minimum; 4.5:1 for normal text is logged), and every edge is painted (not transparent,
          // opacity > 0) and distinguishable from the page (1.3:1 after its opacity).
          if (k.fillVsBg < 1.5) problems.push(`${theme.id}: current box fill/background contrast ${k.fillVsBg.toFixed(2)} < 1.5`);
          // The page picks black or white for the highlighted label from its fill, so WCAG's 4.5:1 for text always holds.
          if (k.textVsFill < 4.5) problems.push(`${theme.id}: current state text/fill contrast ${k.textVsFill.toFixed(2)} < 4.5`);
          if (k.otherTextVsFill < 3) problems.push(`${theme.id}: state text/fill contrast ${k.otherTextVsFill.toFixed(2)} < 3`);
          if (colors.edges.length === 0) problems.push(`${theme.id}: no edges drawn`);
          if (k.transparentEdges > 0) problems.push(`${theme.id}: ${k.transparentEdges} edges with a transparent stroke`);
          if (k.edgeVsBg < 1.3) problems.push(`${theme.id}: faintest edge/background contrast ${k.edgeVsBg.toFixed(2)} < 1.3`);
          for (const [what, v, want] of [['fill/bg', k.fillVsBg, 3]] as const) {
            if (v < want) log(`note: ${theme.id} current state ${what} contrast ${v.toFixed(2)} is under WCAG's ${want}:1`);
          }
        }
        assert.deepEqual(problems, [], problems.join('\n'));
        await wb.stopDebugging();
      });
    },
  },
  {
    name: 'webview-channel-machine',
    title: 'a Redis 8.8 replica stopped at *->RDB_CH_RDB_LOADING: the webview draws the rdb channel beside the main machine, with the replica on both, and a click on a channel edge sets a breakpoint that stops',
    missing: (m) => (stateMachineViewCommand(m) ? undefined : 'no command to show the state-machine webview'),
    async run(ctx) {
      const command = stateMachineViewCommand(ctx.manifest)!;
      // The 2026-06 build (8.8 line) with a diskless master: its replicas take the rdb-channel path.
      const master = await startMaster(['--repl-diskless-sync', 'yes', '--repl-diskless-sync-delay', '0'], 200, liveServer('redis-unstable-2026-06').binary);
      const ws = makeWorkspace([replicationLaunchConfig(master.port)]);
      try {
        await withWorkbench(this.name, { vsix: ctx.vsix, workspace: ws }, async ({ wb }) => {
          await wb.showRunAndDebug();
          await wb.addFunctionBreakpoint('*->RDB_CH_RDB_LOADING');
          await wb.startDebugging();
          log(`stopped: "${await wb.waitForStopped(30_000)}"`);
          log(`call stack: ${await wb.waitForCallStack(/RDB_CH_RECEIVE_FULLRESYNC\s*->\s*RDB_CH_RDB_LOADING.*redis-8\.8/)}`);
          await wb.runCommand(['View: Hide Panel', 'View: Close Panel']);
          await wb.runCommand(command);
          assert.equal(await webviewMachineState(wb, 'main'), 'TRANSFER');
          assert.equal(await webviewMachineState(wb, 'rdb-channel'), 'RDB_CH_RDB_LOADING');
          const frame = webviewFrame(wb);
          const title = await frame.locator('.version h2').first().textContent();
          assert.match(title ?? '', /^Redis 8\.8\.0 \(redis-8\.8\)/);
          assert.equal(await frame.locator('.machine-main [data-state="RECEIVE_REQ_REPLY"]').count(), 1, 'Redis 8.8 has RECEIVE_REQ_REPLY');
          assert.equal(await frame.locator('.machine-main [data-state="RECEIVE_VERSION_REPLY"]').count(), 0, 'and not Valkey\'s RECEIVE_VERSION_REPLY');
          // The function breakpoint (a pattern) marks the channel edge it stops on; the replica took that edge.
          const loading = frame.locator('[data-edge="RDB_CH_RECEIVE_FULLRESYNC->RDB_CH_RDB_LOADING"]');
          assert.equal(await loading.locator('.bp.pattern').count(), 1);
          assert.match((await loading.getAttribute('class')) ?? '', /\btaken\b/);
          const k = await machineContrast(wb, 'rdb-channel');
          log(`rdb channel column: current box/background ${k.fillVsBg.toFixed(2)}, label/box ${k.textVsFill.toFixed(2)}`);
          assert.ok(k.fillVsBg >= 1.5 && k.textVsFill >= 4.5, JSON.stringify(k));
          await frame.locator('.machine-rdb-channel .state.current').first().evaluate((e) => e.scrollIntoView({ block: 'center', inline: 'center' }));
          await wb.screenshot('webview-channel-machine');
          // A click on the edge out of RDB_CH_RDB_LOADING adds that function breakpoint to VS Code; continuing stops on it.
          await frame.locator('[data-edge="RDB_CH_RDB_LOADING->RDB_CH_NONE"]').dispatchEvent('click');
          await frame.locator('[data-edge="RDB_CH_RDB_LOADING->RDB_CH_NONE"] .bp:not(.pattern)').waitFor({ state: 'attached', timeout: 10_000 });
          // The page draws breakpoints from VS Code's own list (the Breakpoints pane's rows are virtualized out of sight here).
          // The load of 200 keys takes milliseconds: the next stop may come before the toolbar shows the session running.
          await wb.continueOnly();
          log(`stopped again at: ${await wb.waitForCallStack(/RDB_CH_RDB_LOADING\s*->\s*RDB_CH_NONE/, 20_000)}`);
          await wb.screenshot('webview-channel-edge-breakpoint-stopped');
          await wb.stopDebugging();
        });
      } finally {
        await master.stop();
        if (!process.env.E2E_KEEP) fs.rmSync(ws, { recursive: true, force: true });
      }
    },
  },
  {
    name: 'bad-launch-config',
    title: 'malformed master / unknown attribute: one error notification each and no session; then a valid one stops at *->CONNECTED',
    async run(ctx) {
      const master = await startMaster([], 200);
      const valid = replicationLaunchConfig(master.port, { name: 'Valid replica' });
      const ws = makeWorkspace([
        replicationLaunchConfig(master.port, { name: 'Bad master', master: 'localhost' }),
        replicationLaunchConfig(master.port, { name: 'Typo attribute', mastr: '127.0.0.1:6379' }),
        valid,
      ]);
      const cases = [
        { config: 'Bad master', slug: 'malformed-master', re: /Bad master: Invalid launch configuration: master 'localhost' must be host:port, /, },
        { config: 'Typo attribute', slug: 'unknown-attribute', re: /Typo attribute: Invalid launch configuration: unknown attribute 'mastr' \(did you mean 'master'\?\)/ },
      ];
      // A stack trace in a notification: "    at f (file.js:1:2)", "Error: …" or a source position.
      const stackTrace = /\bat \S+ \(|\bat \S+:\d+:\d+|\.(js|ts):\d+|\bError:|\bTypeError\b|\bstack\b/;
      try {
        await withWorkbench(this.name, { vsix: ctx.vsix, workspace: ws }, async ({ wb }) => {
          await wb.showRunAndDebug();
          for (const c of cases) {
            await startConfigurationByName(wb, c.config);
            const { text, toolbarSeen } = await waitForNotificationWithoutSession(wb, c.re);
            log(`${c.config}: notification "${text}"; debug toolbar seen: ${toolbarSeen}`);
            // The toast shows one line with an ellipsis: expand it so the picture holds the whole message.
            const toast = wb.page.locator('.notifications-toasts .notification-list-item', { hasText: c.re }).first();
            await toast.hover();
            const expand = toast.locator('.codicon-notifications-expand');
            if ((await expand.count()) > 0) await expand.first().click({ timeout: 3000 }).catch(() => undefined);
            await wb.screenshot(`bad-launch-${c.slug}-notification`);
            const severity = await toast.locator('.codicon-error, .codicon-notifications-error').count();
            assert.ok(severity > 0, `the notification for ${c.config} is not an error: "${text}"`);
            assert.doesNotMatch(text, stackTrace, `stack trace text in the notification: "${text}"`);
            assert.equal(toolbarSeen, false, `a debug session started for ${c.config}`);
            assert.deepEqual(await wb.callStackRows(), [], `Call Stack rows after ${c.config}`);
            await wb.runCommand('Notifications: Clear All Notifications');
            assert.deepEqual(await wb.notifications(), []);
          }
          // The extension host is still healthy: the valid configuration starts and stops at a function breakpoint.
          await wb.addFunctionBreakpoint('*->CONNECTED');
          const t = Date.now();
          await startConfigurationByName(wb, valid.name);
          await wb.page.locator('.debug-toolbar').waitFor({ state: 'visible', timeout: 15_000 });
          const paused = await wb.waitForStopped(30_000);
          const stack = await wb.waitForCallStack(/->\s*CONNECTED\b/);
          log(`${valid.name}: stopped ${Date.now() - t} ms after start: "${paused}"; call stack "${stack}"`);
          assert.match(paused, /Paused on (function )?breakpoint/i);
          const leftover = (await wb.notifications()).filter((n) => stackTrace.test(n) || /Invalid launch/.test(n));
          assert.deepEqual(leftover, [], `notifications: ${JSON.stringify(leftover)}`);
          await wb.screenshot('bad-launch-valid-stopped-connected');
          await wb.stopDebugging();
        });
      } finally {
        await master.stop();
        if (!process.env.E2E_KEEP) fs.rmSync(ws, { recursive: true, force: true });
      }
    },
  },
  {
    name: 'adapter-process',
    title: 'a sync of millions of keys loads in the adapter\'s own process while the extension host answers a command at once',
    missing: (m) => (stateMachineDocumentCommand(m) ? undefined : 'no command to open the state-machine document'),
    async run(ctx) {
      const command = stateMachineDocumentCommand(ctx.manifest)!;
      const master = await startMaster(['--repl-diskless-sync', 'no', '--enable-debug-command', 'yes']);
      const ws = makeWorkspace([replicationLaunchConfig(master.port, { name: 'Big master' })]);
      try {
        const c = await master.client();
        try {
          await c.send('DEBUG', 'POPULATE', String(BIG_MASTER_KEYS), 'key', '32');
        } finally {
          c.close();
        }
        log(`master holds ${BIG_MASTER_KEYS} keys`);
        await withWorkbench(this.name, { vsix: ctx.vsix, workspace: ws }, async ({ wb, server }) => {
          await wb.showRunAndDebug();
          await wb.startDebugging();
          // The adapter: a process of its own under code-server, started from the .vsix's bundle, whose parent is the
          // extension host (which stays a separate process).
          let adapter: ProcessEntry | undefined;
          await waitFor('the debug adapter\'s process', async () => {
            adapter = processes().find((p) => /dist\/debugAdapter\.js\b/.test(p.cmd) && ancestors(p.pid).some((a) => a.pid === server.pid));
            return adapter !== undefined;
          }, 15_000, 100);
          const parents = ancestors(adapter!.pid);
          log(`adapter pid ${adapter!.pid}: ${adapter!.cmd}`);
          log(`its parent pid ${parents[0]!.pid}: ${parents[0]!.cmd.slice(0, 200)}`);
          assert.match(parents[0]!.cmd, /extensionHost|bootstrap-fork/, 'the adapter\'s parent is not the extension host');
          assert.doesNotMatch(adapter!.cmd, /extensionHost/);
          // Its heap is sized for the machine (half its memory), not Node's default.
          assert.ok(adapter!.cmd.includes(`--max-old-space-size=${Math.max(1024, Math.floor(os.totalmem() / 2 / 1024 / 1024))} `), adapter!.cmd);

          // While the RDB loads in the adapter (its CPU busy), a command the extension host serves (the state-machine
          // document comes from its content provider) opens at once.
          await wb.waitForDebugConsole(/Loading DB in memory/, 120_000);
          const cpu0 = cpuSeconds(adapter!.pid)!;
          const t0 = Date.now();
          await wb.runCommand(command);
          await wb.page.locator('.part.editor .monaco-editor .view-line', { hasText: /REPL_STATE_CONNECT\s*->\s*REPL_STATE_CONNECTING\b/ }).first()
            .waitFor({ state: 'visible', timeout: 10_000 });
          const ms = Date.now() - t0;
          const busy = (cpuSeconds(adapter!.pid)! - cpu0) / (ms / 1000);
          const loadedMeanwhile = /Done loading RDB/.test(await wb.debugConsoleText());
          log(`state-machine document opened in ${ms} ms while the adapter loaded (adapter CPU ${(busy * 100).toFixed(0)}% of that time; load done meanwhile: ${loadedMeanwhile})`);
          await wb.screenshot('adapter-process-document-during-load');
          assert.equal(loadedMeanwhile, false, 'the load ended before the command ran: it proves nothing about responsiveness');
          assert.ok(busy > 0.5, `the adapter was not busy loading while the command ran (${(busy * 100).toFixed(0)}% CPU)`);
          assert.ok(ms < EDITOR_COMMAND_MS, `the command took ${ms} ms during the load`);

          log(`debug console: ${await wb.waitForDebugConsole(new RegExp(`keys loaded: ${BIG_MASTER_KEYS}\\b`), 180_000)}`);
          const status = fs.readFileSync(`/proc/${adapter!.pid}/status`, 'latin1');
          log(`adapter peak RSS ${/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? '?'} kB`);
          await wb.stopDebugging();
          await waitFor('the adapter process to exit', async () => !alive(adapter!.pid), 15_000, 100);
        });
      } finally {
        await master.stop();
        if (!process.env.E2E_KEEP) fs.rmSync(ws, { recursive: true, force: true });
      }
    },
  },
];
