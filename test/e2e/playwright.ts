// The small part of playwright-core's API the e2e harness uses, typed here so that `tsc -p .` passes on a machine
// without .tools/ (playwright-core lives in .tools/pw, installed by scripts/e2e-setup.sh, never in the project's own
// dependencies). The module is loaded at run time by loadPlaywright().
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface TimeoutOption {
  timeout?: number;
}

export interface Locator {
  locator(selector: string, options?: LocatorFilter): Locator;
  filter(options: LocatorFilter): Locator;
  first(): Locator;
  last(): Locator;
  nth(index: number): Locator;
  count(): Promise<number>;
  click(options?: TimeoutOption & { force?: boolean; button?: 'left' | 'right' | 'middle'; position?: { x: number; y: number } }): Promise<void>;
  dblclick(options?: TimeoutOption): Promise<void>;
  hover(options?: TimeoutOption): Promise<void>;
  fill(value: string, options?: TimeoutOption): Promise<void>;
  press(key: string, options?: TimeoutOption): Promise<void>;
  pressSequentially(text: string, options?: TimeoutOption & { delay?: number }): Promise<void>;
  focus(options?: TimeoutOption): Promise<void>;
  /** A DOM event on the element itself (a click on an SVG path whose box centre is off its stroke). */
  dispatchEvent(type: string, eventInit?: Record<string, unknown>, options?: TimeoutOption): Promise<void>;
  innerText(options?: TimeoutOption): Promise<string>;
  textContent(options?: TimeoutOption): Promise<string | null>;
  allInnerTexts(): Promise<string[]>;
  getAttribute(name: string, options?: TimeoutOption): Promise<string | null>;
  isVisible(): Promise<boolean>;
  waitFor(options?: TimeoutOption & { state?: 'attached' | 'detached' | 'visible' | 'hidden' }): Promise<void>;
  screenshot(options?: TimeoutOption & { path?: string }): Promise<Buffer>;
  evaluate<R, A = unknown>(fn: (el: any, arg: A) => R, arg?: A): Promise<R>; // eslint-disable-line @typescript-eslint/no-explicit-any
  evaluateAll<R>(fn: (els: any[]) => R): Promise<R>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface LocatorFilter {
  has?: Locator;
  hasNot?: Locator;
  hasText?: string | RegExp;
  hasNotText?: string | RegExp;
}

export interface Keyboard {
  press(key: string, options?: { delay?: number }): Promise<void>;
  type(text: string, options?: { delay?: number }): Promise<void>;
  insertText(text: string): Promise<void>;
}

export interface Mouse {
  wheel(deltaX: number, deltaY: number): Promise<void>;
  move(x: number, y: number, options?: { steps?: number }): Promise<void>;
  click(x: number, y: number): Promise<void>;
  down(): Promise<void>;
  up(): Promise<void>;
}

export interface ConsoleMessage {
  type(): string;
  text(): string;
}

export interface Frame {
  url(): string;
  name(): string;
  locator(selector: string, options?: LocatorFilter): Locator;
  childFrames(): Frame[];
}

export interface FrameLocator {
  locator(selector: string, options?: LocatorFilter): Locator;
  frameLocator(selector: string): FrameLocator;
  first(): FrameLocator;
}

export interface Page {
  goto(url: string, options?: TimeoutOption & { waitUntil?: 'load' | 'domcontentloaded' | 'networkidle' | 'commit' }): Promise<unknown>;
  locator(selector: string, options?: LocatorFilter): Locator;
  frameLocator(selector: string): FrameLocator;
  frames(): Frame[];
  keyboard: Keyboard;
  mouse: Mouse;
  screenshot(options?: TimeoutOption & { path?: string; fullPage?: boolean }): Promise<Buffer>;
  waitForTimeout(ms: number): Promise<void>;
  on(event: 'console', handler: (msg: ConsoleMessage) => void): void;
  on(event: 'pageerror', handler: (err: Error) => void): void;
  evaluate<R>(fn: () => R): Promise<R>;
  bringToFront(): Promise<void>;
  close(): Promise<void>;
}

export interface CDPSession {
  send(method: string, params?: Record<string, unknown>): Promise<unknown>;
  detach(): Promise<void>;
}

export interface BrowserContext {
  newCDPSession(page: Page): Promise<CDPSession>;
  pages(): Page[];
  newPage(): Promise<Page>;
  close(): Promise<void>;
  setDefaultTimeout(ms: number): void;
}

export interface LaunchPersistentContextOptions {
  executablePath?: string;
  headless?: boolean;
  viewport?: { width: number; height: number };
  args?: string[];
  env?: Record<string, string | undefined>;
  timeout?: number;
}

export interface Playwright {
  chromium: {
    launchPersistentContext(userDataDir: string, options: LaunchPersistentContextOptions): Promise<BrowserContext>;
  };
}

/** The repository root (test/e2e/*.ts compiles to out/test/e2e/*.js). */
export const repoRoot = path.resolve(__dirname, '..', '..', '..');
export const toolsDir = path.join(repoRoot, '.tools');

/** Loads playwright-core from .tools/pw; a clear message when scripts/e2e-setup.sh has not run. */
export function loadPlaywright(): Playwright {
  const dir = path.join(toolsDir, 'pw', 'node_modules', 'playwright-core');
  if (!fs.existsSync(path.join(dir, 'package.json'))) {
    throw new Error(`playwright-core is not installed in ${dir}: run scripts/e2e-setup.sh first`);
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(dir) as Playwright;
}
