// COMMAND's reply, read: its flat [name, value, …] maps, and a key_specs entry
// compacted as src/versions/keySpecs.ts holds it (keySpec.ts). Shared by the
// capture of the command tables and the tests that read specs live.
import type { Reply } from '../../src/net/redisClient';
import type { BeginSearch, FindKeys, KeySpec } from '../../src/versions/keySpec';

export function replyFields(flat: Reply[]): Map<string, Reply> {
  const m = new Map<string, Reply>();
  for (let i = 0; i + 1 < flat.length; i += 2) m.set(String(flat[i]), flat[i + 1]!);
  return m;
}

export function keySpecOf(flat: Reply[]): KeySpec {
  const m = replyFields(flat);
  const b = replyFields(m.get('begin_search') as Reply[]);
  const bs = replyFields((b.get('spec') as Reply[] | undefined) ?? []);
  const f = replyFields(m.get('find_keys') as Reply[]);
  const fs = replyFields((f.get('spec') as Reply[] | undefined) ?? []);
  const begin: BeginSearch = b.get('type') === 'index' ? ['index', Number(bs.get('index'))]
    : b.get('type') === 'keyword' ? ['keyword', String(bs.get('keyword')), Number(bs.get('startfrom'))] : ['unknown'];
  const find: FindKeys = f.get('type') === 'range' ? ['range', Number(fs.get('lastkey')), Number(fs.get('keystep')), Number(fs.get('limit'))]
    : f.get('type') === 'keynum' ? ['keynum', Number(fs.get('keynumidx')), Number(fs.get('firstkey')), Number(fs.get('keystep'))] : ['unknown'];
  return [(m.get('flags') as Reply[]).map(String), begin, find];
}
