// Every captured session under test/fixtures/sessions (written by the capture
// scripts in test/fixtures) loads, and holds together: events numbered and
// timed in order, every link opened before it is used and used no more once
// closed, link roles that match the bytes, samples that expand to whole
// answers, a summary that matches the bytes. The engine's tests replay these
// files; a broken one would make them test nothing.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { linkRoles } from '../support/sessionCaptureLinks';
import { summarize } from '../support/sessionCapture';
import {
  eventBytes, expandSamples, linkInfos, loadSession, sampleDelta, sessionNames, type Sample, type SessionFixture,
} from '../support/sessionCaptureFormat';

function written(f: SessionFixture, link: number): string {
  return Buffer.concat(f.events.filter((e) => e.link === link && e.kind === 'r2m').map(eventBytes)).toString('latin1');
}

function received(f: SessionFixture, link: number): string {
  return Buffer.concat(f.events.filter((e) => e.link === link && e.kind === 'm2r').map(eventBytes)).toString('latin1');
}

function nonDecreasing(values: number[]): boolean {
  return values.every((v, i) => i === 0 || v >= values[i - 1]!);
}

const names = sessionNames();

describe('captured session fixtures', () => {
  test('the capture scripts wrote the sessions the README lists, old and new', () => {
    assert.ok(names.includes('disk-full-sync'), 'the 7.0.15 captures are still there');
    assert.ok(names.includes('redis-unstable-2026-06/rdb-channel-disk'));
    assert.ok(names.includes('valkey-8.0.1/dual-channel-disk'));
    for (const dir of ['redis-7.0.15', 'redis-7.2.6', 'redis-7.4.1', 'redis-unstable-2024-10', 'valkey-7.2.7', 'valkey-8.0.1']) {
      assert.ok(names.includes(`${dir}/sync-disk`), `${dir}/sync-disk`);
    }
  });

  for (const name of names) {
    describe(name, () => {
      const f = loadSession(name);

      test('names itself and the servers it was captured with', () => {
        assert.equal(f.scenario, name);
        const dir = name.includes('/') ? name.split('/')[0]! : null;
        if (dir === null) return;
        const release = /^(redis|valkey)-(\d+\.\d+\.\d+)$/.exec(dir);
        if (release) assert.equal(f.capturedWith.replica, `${release[1]}-server ${release[2]}`);
        else assert.equal(f.capturedWith.replicaBuild, dir);
        assert.ok(f.capturedWith.masterBuild, 'the master build is recorded');
      });

      test('events are numbered 1..n and timed in order', () => {
        assert.deepEqual(f.events.map((e) => e.seq), f.events.map((_, i) => i + 1));
        assert.ok(nonDecreasing(f.events.map((e) => e.t)), 'event times go back');
        assert.ok(f.events.every((e) => e.t <= f.endedAt));
      });

      test('every link is accepted before use, closed at most once, and silent after its close', () => {
        const state = new Map<number, 'open' | 'closed'>();
        let lastLink = 0;
        for (const e of f.events) {
          if (e.kind === 'accept') {
            assert.equal(state.has(e.link), false, `link ${e.link} accepted twice`);
            assert.equal(e.link, lastLink + 1, 'links are numbered in the order they were opened');
            lastLink = e.link;
            state.set(e.link, 'open');
            continue;
          }
          assert.equal(state.get(e.link), 'open', `#${e.seq} on link ${e.link}, which is ${state.get(e.link) ?? 'not open yet'}`);
          if (e.kind === 'close') state.set(e.link, 'closed');
        }
      });

      test('link roles account for every link and match the bytes', () => {
        const infos = linkInfos(f);
        const seen = [...new Set(f.events.map((e) => e.link))].sort((a, b) => a - b);
        assert.deepEqual(infos.map((l) => l.link), seen);
        if (f.links) assert.deepEqual(f.links, linkRoles(f.events));
        for (const l of infos) {
          assert.equal(l.channel === 'rdb', written(f, l.link).includes('\r\nrdb-only\r\n'), `link ${l.link}`);
          if (l.channel !== 'rdb') continue;
          const main = infos.find((m) => m.link === l.mainLink);
          assert.ok(main && main.channel === 'main' && main.link < l.link, `rdb link ${l.link} serves an earlier main link`);
          if (l.clientId === undefined) continue;
          // The replica hands the id it was given back to the master on the other link.
          const redisStyle = written(f, l.link).includes('main-ch-client-id');
          if (redisStyle) assert.ok(written(f, l.link).includes(`main-ch-client-id\r\n$${l.clientId.length}\r\n${l.clientId}\r\n`));
          else if (written(f, main.link).includes('set-rdb-client-id')) {
            assert.ok(written(f, main.link).includes(`set-rdb-client-id\r\n$${l.clientId.length}\r\n${l.clientId}\r\n`));
          }
        }
      });

      test('rewritten bytes keep what the other side really sent', () => {
        for (const e of f.events) {
          if (e.kind === 'm2r' && e.original !== undefined) assert.notEqual(e.original, e.b64);
          if (e.kind === 'r2m' && e.forwarded !== undefined) assert.notEqual(e.forwarded, e.b64);
        }
      });

      test('the summary is what the bytes say', () => {
        assert.deepEqual(f.summary, summarize(f.events));
        for (const p of f.summary.payloads) assert.ok(received(f, p.link).includes(p.header));
      });

      test('checkpoints and logs are in order', () => {
        const last = f.events.length + 1;
        assert.ok(f.checkpoints.every((c) => c.seq >= 1 && c.seq <= last));
        assert.ok(nonDecreasing(f.checkpoints.map((c) => c.seq)));
        assert.ok(nonDecreasing(f.checkpoints.map((c) => c.t)));
        assert.ok(nonDecreasing(f.replicaLog.map((l) => l.t)), 'replica log times go back');
        assert.ok(f.replicaLog.every((l) => l.t <= f.endedAt));
        assert.ok((f.masterLog ?? []).every((l) => l.t <= f.endedAt));
      });

      test('samples expand into whole answers, each asked before it was answered', () => {
        const samples = f.samples ?? [];
        const expanded = expandSamples(samples);
        const firstOfStream = new Set<string>();
        const sentByStream = new Map<string, number>();
        samples.forEach((s, i) => {
          const stream = `${s.server} ${s.what}`;
          if (!firstOfStream.has(stream)) {
            firstOfStream.add(stream);
            assert.ok(s.keys !== undefined, `the first ${stream} sample lists its fields`);
            assert.deepEqual(Object.keys(s.set ?? {}).sort(), [...s.keys].sort(), `the first ${stream} sample has every value`);
          }
          assert.ok(s.t >= s.sent && s.seq >= s.seqSent, `sample ${i} answered before it was asked`);
          assert.ok(s.sent >= (sentByStream.get(stream) ?? 0), `${stream} samples out of order`);
          sentByStream.set(stream, s.sent);
          assert.equal(new Set(expanded[i]!.fields.map(([k]) => k)).size, expanded[i]!.fields.length, 'a field twice');
        });
        if (f.samples) {
          const kinds = new Set(samples.map((s) => `${s.server} ${s.what}`));
          for (const k of ['master info-replication', 'replica info-replication', 'master role', 'replica role']) assert.ok(kinds.has(k), k);
        }
      });
    });
  }
});

describe('sample deltas', () => {
  const encode = (answers: [string, string][][]): Sample[] => {
    let previous: [string, string][] | undefined;
    return answers.map((fields, i) => {
      const s: Sample = { server: 'replica', what: 'info-replication', sent: i, t: i, seqSent: 1, seq: 1, ...sampleDelta(previous, fields) };
      previous = fields;
      return s;
    });
  };
  const answers: [string, string][][] = [
    [['role', 'slave'], ['master_link_status', 'down'], ['master_sync_in_progress', '1']],
    [['role', 'slave'], ['master_link_status', 'down'], ['master_sync_in_progress', '1']],
    [['role', 'slave'], ['master_link_status', 'up'], ['master_sync_in_progress', '0']],
    [['role', 'slave'], ['master_link_status', 'up'], ['master_link_up_since_seconds', '0'], ['master_sync_in_progress', '0']],
    [['role', 'slave'], ['master_sync_in_progress', '0'], ['master_link_status', 'up']],
    [['role', 'slave'], ['master_link_status', 'up'], ['master_link_up_since_seconds', '0'], ['master_sync_in_progress', '0']],
  ];

  test('an unchanged answer stores nothing but its times', () => {
    const s = encode(answers)[1]!;
    assert.equal(s.keys, undefined);
    assert.equal(s.set, undefined);
  });

  test('a changed value stores only that value', () => {
    assert.deepEqual(encode(answers)[2]!.set, { master_link_status: 'up', master_sync_in_progress: '0' });
  });

  test('new, removed, reordered and returning fields come back in the server\'s order with their values', () => {
    assert.deepEqual(expandSamples(encode(answers)).map((e) => e.fields), answers);
  });

  test('a field that comes back after an absence is stored again even with the same value', () => {
    assert.deepEqual(encode(answers)[5]!.set, { master_link_up_since_seconds: '0' });
  });
});
