// Runs the real-VS-Code e2e scenarios serially: `node out/test/e2e/run.js [--vsix <file>] [scenario…]`.
// Exit 1 when a scenario fails. Called by scripts/e2e.sh (which first runs scripts/e2e-setup.sh and builds the vsix).
//
// `npm test` (node --test out/test/) loads every .js under out/test/, this file included: the main() below only runs
// when the file is started directly and not as a node --test child (which sets NODE_TEST_CONTEXT).
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { artifactsDir, log, resetArtifacts } from './harness';
import { repoRoot } from './playwright';
import { scenarios, type ExtensionManifest } from './scenarios';

/** One file of a zip (a .vsix), read through the central directory; stored or deflated entries. */
export function readZipEntry(zipFile: string, entryName: string): Buffer | undefined {
  const buf = fs.readFileSync(zipFile);
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error(`${zipFile} is not a zip file`);
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  for (let n = 0; n < count; n++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) throw new Error(`${zipFile}: bad central directory`);
    const method = buf.readUInt16LE(p + 10);
    const compressedSize = buf.readUInt32LE(p + 20);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const localOffset = buf.readUInt32LE(p + 42);
    const name = buf.toString('utf8', p + 46, p + 46 + nameLen);
    if (name === entryName) {
      const dataStart = localOffset + 30 + buf.readUInt16LE(localOffset + 26) + buf.readUInt16LE(localOffset + 28);
      const data = buf.subarray(dataStart, dataStart + compressedSize);
      return method === 0 ? Buffer.from(data) : zlib.inflateRawSync(data);
    }
    p += 46 + nameLen + extraLen + commentLen;
  }
  return undefined;
}

export function vsixManifest(vsix: string): ExtensionManifest {
  const pkg = readZipEntry(vsix, 'extension/package.json');
  if (!pkg) throw new Error(`${vsix} has no extension/package.json`);
  return JSON.parse(pkg.toString('utf8')) as ExtensionManifest;
}

interface Result {
  name: string;
  status: 'passed' | 'failed' | 'skipped';
  ms: number;
  detail?: string;
}

export async function main(argv: string[]): Promise<number> {
  let vsix = path.join(repoRoot, 'dist', 'redis-replica-debugger.vsix');
  const only: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--vsix') vsix = path.resolve(argv[++i] ?? '');
    else only.push(argv[i]!);
  }
  if (!fs.existsSync(vsix)) throw new Error(`no .vsix at ${vsix}: build it with npm run package`);
  const manifest = vsixManifest(vsix);
  const requireAll = process.env.E2E_REQUIRE_ALL === '1';
  resetArtifacts();
  log(`vsix ${path.relative(repoRoot, vsix) || vsix} (${(fs.statSync(vsix).size / 1024).toFixed(0)} KB, ${manifest.publisher}.${manifest.name})`);

  const unknown = only.filter((n) => !scenarios.some((s) => s.name === n));
  if (unknown.length) throw new Error(`unknown scenario(s) ${unknown.join(', ')}; known: ${scenarios.map((s) => s.name).join(', ')}`);

  const results: Result[] = [];
  for (const s of scenarios.filter((x) => (only.length === 0 ? !x.optIn : only.includes(x.name)))) {
    const missing = s.missing?.(manifest);
    if (missing) {
      log(`SKIP ${s.name}: the vsix has ${missing}`);
      results.push({ name: s.name, status: requireAll ? 'failed' : 'skipped', ms: 0, detail: missing });
      continue;
    }
    log(`RUN  ${s.name}: ${s.title}`);
    const t = Date.now();
    try {
      await s.run({ vsix, manifest });
      results.push({ name: s.name, status: 'passed', ms: Date.now() - t });
      log(`PASS ${s.name} in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    } catch (err) {
      const detail = err instanceof Error ? err.stack ?? err.message : String(err);
      results.push({ name: s.name, status: 'failed', ms: Date.now() - t, detail });
      log(`FAIL ${s.name} in ${((Date.now() - t) / 1000).toFixed(1)} s\n${detail}`);
    }
  }

  const lines = results.map((r) => `${r.status.toUpperCase().padEnd(7)} ${r.name.padEnd(24)} ${(r.ms / 1000).toFixed(1).padStart(6)} s${r.status === 'passed' ? '' : `  ${r.detail?.split('\n')[0] ?? ''}`}`);
  const shots = fs.readdirSync(artifactsDir).filter((f) => f.endsWith('.png')).sort();
  fs.writeFileSync(path.join(artifactsDir, 'summary.txt'), `${lines.join('\n')}\n\nscreenshots:\n${shots.join('\n')}\n`);
  process.stdout.write(`\ne2e summary:\n${lines.join('\n')}\nartifacts: ${path.relative(repoRoot, artifactsDir)}/ (${shots.length} screenshots)\n`);
  return results.some((r) => r.status === 'failed') ? 1 : 0;
}

if (require.main === module && !process.env.NODE_TEST_CONTEXT) {
  // `timeout 300` sends SIGTERM: exit through process.exit so harness.ts's exit hook kills the code-server process
  // groups and the masters, which are not in timeout's process group.
  for (const sig of ['SIGTERM', 'SIGINT'] as const) {
    process.on(sig, () => {
      process.stderr.write(`e2e: ${sig}, stopping code-server and the masters\n`);
      process.exit(sig === 'SIGTERM' ? 124 : 130);
    });
  }
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`e2e: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
