// The keys each version's writes name, as keySpec.ts reads the captured key
// specs, against each live server's own answer (COMMAND GETKEYSANDFLAGS) for
// the same arguments. The arguments are made from each command's arity and
// specs (a numkeys of 2, the search keyword where one is needed); a command
// whose made-up arguments the server refuses is left out and named, and a
// small share at most may be.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { commandTableOf } from '../../src/versions/commandTable';
import { keySpecsOf } from '../../src/versions/commandKeys';
import { commandKeys, type KeySpec } from '../../src/versions/keySpec';
import type { Reply } from '../../src/net/redisClient';
import { keySpecOf } from '../support/commandReply';
import { RedisServer } from '../support/redisServer';
import { liveServers } from '../support/servers';

/** The arity COMMAND gives the command (or subcommand), which counts its name(s). */
function arityOf(build: string, name: string): number {
  const [container, sub] = name.split('|');
  const spec = commandTableOf(build).get(container!)!;
  if (sub === undefined) return spec[0];
  return (spec[2] as Readonly<Record<string, readonly [number, 0 | 1]>>)[sub]![0];
}

/** Arguments that hold keys for every spec: distinct words, numkeys of 2, keywords where they are searched. */
function argumentsFor(name: string, arity: number, specs: readonly KeySpec[]): string[] {
  const argv = name.split('|').map((w) => w.toUpperCase());
  let length = Math.abs(arity);
  for (const [, begin, find] of specs) {
    if (begin[0] === 'index') length = Math.max(length, begin[1] + 1 + (find[0] === 'keynum' ? find[2] + 2 : 0));
  }
  if (arity < 0) length += 4;
  for (let i = argv.length; i < length; i++) argv.push(`w${i}`);
  for (const [, begin, find] of specs) {
    if (begin[0] === 'index' && find[0] === 'keynum') argv[begin[1] + find[1]] = '2';
    if (begin[0] === 'keyword' && arity < 0) {
      const at = begin[2] >= 0 ? Math.max(begin[2], argv.length - 4) : argv.length + begin[2];
      argv.splice(at, 0, begin[1]);
    }
  }
  return argv;
}

type KeysAndFlags = [string, string[]][];

describe('the keys a write names, by the captured key specs, as each live server finds them', () => {
  for (const server of liveServers()) {
    test(`${server.name}: every write command the server can answer for`, async (t) => {
      const s = await RedisServer.start({ binary: server.binary });
      const c = await s.client();
      const compared: string[] = [];
      const refused: string[] = [];
      const wrong: string[] = [];
      const variable: string[] = [];
      try {
        for (const [name, specs] of keySpecsOf(server.name)) {
          const argv = argumentsFor(name, arityOf(server.name, name), specs);
          const theirs = await c.send('COMMAND', 'GETKEYSANDFLAGS', ...argv);
          const ours = commandKeys(specs, argv);
          if (theirs instanceof Error || ours === null) {
            refused.push(`${name}${theirs instanceof Error ? '' : ' (ours: null)'}`);
            continue;
          }
          compared.push(name);
          // A spec with variable_flags is narrowed per call by the command's own code (SET without GET only
          // overwrites): there the keys must agree, and the flags are the spec's, which the server narrows.
          const theirsKeys = theirs as KeysAndFlags;
          const a = theirsKeys.map(([k, f], i) => (ours[i]?.variable ? String(k) : `${k}:${[...f].map(String).sort().join(',')}`));
          const b = ours.map((k) => (k.variable ? argv[k.index]! : `${argv[k.index]}:${[...k.flags].sort().join(',')}`));
          if (a.join(' ') !== b.join(' ')) wrong.push(`${argv.join(' ')}\n  server: ${a.join(' ')}\n  ours:   ${b.join(' ')}`);
          if (ours.some((k) => k.variable)) variable.push(name);
        }
      } finally {
        c.close();
        await s.stop();
      }
      assert.deepEqual(wrong, [], `keys that differ from ${server.name}'s`);
      // The commands that narrow their flags per call, which dataset keys must read with their own rules.
      t.diagnostic(`${compared.length} compared, ${refused.length} refused (${refused.join(', ')}); variable flags: ${variable.join(', ')}`);
      assert.ok(compared.length >= 0.9 * (compared.length + refused.length), `${server.name}: only ${compared.length} compared; refused: ${refused.join(', ')}`);
    });
  }
});

describe('the key-spec reader on every command a server has, reads included (more forms: keywords, numkeys of 0)', () => {
  // One server of each product is enough here: the captured writes of every build are compared above.
  for (const server of liveServers().filter((s) => s.name === 'redis-unstable-2026-06' || s.name === 'valkey-8.0.1')) {
    test(`${server.name}: every command with key specs`, async (t) => {
      const s = await RedisServer.start({ binary: server.binary });
      const c = await s.client();
      const wrong: string[] = [];
      let compared = 0;
      try {
        const all = (await c.call('COMMAND')) as Reply[][];
        const commands: [string, number, KeySpec[]][] = [];
        const visit = (info: Reply[]): void => {
          const specs = ((info[8] as Reply[][] | undefined) ?? []).map(keySpecOf);
          if (specs.length > 0) commands.push([String(info[0]).toLowerCase(), Number(info[1]), specs]);
          for (const sub of (info[9] as Reply[][] | undefined) ?? []) visit(sub);
        };
        for (const info of all) visit(info);
        for (const [name, arity, specs] of commands) {
          for (const argv of [argumentsFor(name, arity, specs), argumentsFor(name, arity, specs).map((w) => (w === '2' ? '0' : w))]) {
            const theirs = await c.send('COMMAND', 'GETKEYSANDFLAGS', ...argv);
            const ours = commandKeys(specs, argv);
            // The server answers an error for arguments its syntax refuses (and for no keys at all): nothing to compare.
            if (theirs instanceof Error || ours === null) continue;
            compared++;
            const a = (theirs as KeysAndFlags).map(([k], i) => `${k}@${ours[i]?.index ?? '?'}`);
            const b = ours.map((k) => `${argv[k.index]}@${k.index}`);
            if (a.join(' ') !== b.join(' ')) wrong.push(`${argv.join(' ')}\n  server: ${a.join(' ')}\n  ours:   ${b.join(' ')}`);
          }
        }
        t.diagnostic(`${compared} argument lists compared over ${commands.length} commands`);
      } finally {
        c.close();
        await s.stop();
      }
      assert.deepEqual(wrong, []);
      assert.ok(compared > 150);
    });
  }
});
