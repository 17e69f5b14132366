// Dense sampling of a master and a replica while a capture runs: INFO
// replication (with the sync counters of INFO stats on the master and the
// loading fields of INFO persistence on the replica), ROLE, and now and then
// CLIENT LIST. Each server has its own connection and loop, so a replica
// blocked in a load does not stall the master's samples; its answers simply
// arrive late, which the samples show (`sent` … `t`).
import { ReplyError, type RedisClient, type Reply } from '../../src/net/redisClient';
import { sampleDelta, type Sample, type SampleWhat } from './sessionCaptureFormat';
import { sleep } from './redisServer';

/** INFO with several sections, split by its `# Section` headers (lower-case names). */
export function parseInfoSections(text: string): Map<string, [string, string][]> {
  const sections = new Map<string, [string, string][]>();
  let current: [string, string][] = [];
  for (const line of text.split('\r\n')) {
    if (line.startsWith('# ')) {
      current = [];
      sections.set(line.slice(2).trim().toLowerCase(), current);
      continue;
    }
    const colon = line.indexOf(':');
    if (colon > 0) current.push([line.slice(0, colon), line.slice(colon + 1)]);
  }
  return sections;
}

/**
 * CLIENT LIST as one field per client id, only the replication connections:
 * flagged replica (S), master (M) or rdb channel (C), or a connection still
 * in the handshake (last command PING, AUTH, REPLCONF, PSYNC, SYNC). The
 * capture's own clients (flags=N, INFO, SET…) are left out.
 */
export function clientListFields(text: string): [string, string][] {
  const replication = (line: string): boolean => {
    const flags = /(?:^| )flags=(\S*)/.exec(line)?.[1] ?? '';
    const cmd = /(?:^| )cmd=(\S*)/.exec(line)?.[1] ?? '';
    return /[SMC]/.test(flags) || ['ping', 'auth', 'replconf', 'psync', 'sync'].includes(cmd);
  };
  return text.split('\n').map((l) => l.trim()).filter((l) => l !== '' && replication(l))
    .map((line) => [/(?:^| )id=(\d+)/.exec(line)?.[1] ?? line, line]);
}

/** How many ticks between two CLIENT LIST samples (its lines change every second: age, idle). */
const CLIENT_LIST_EVERY = 5;

export class Sampler {
  readonly samples: Sample[] = [];
  private readonly last = new Map<string, [string, string][]>();
  private running = true;
  private readonly loops: Promise<void>[] = [];

  constructor(private readonly clock: () => number, private readonly nextSeq: () => number, private readonly intervalMs: number) {}

  start(server: Sample['server'], client: RedisClient): void {
    this.loops.push(this.loop(server, client));
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }

  private async loop(server: Sample['server'], client: RedisClient): Promise<void> {
    for (let tick = 0; this.running; tick++) {
      const started = this.clock();
      try {
        await this.tick(server, client, tick);
      } catch {
        return; // the server went away (the capture is ending)
      }
      const wait = this.intervalMs - (this.clock() - started);
      if (wait > 0) await sleep(wait);
    }
  }

  private async tick(server: Sample['server'], client: RedisClient, tick: number): Promise<void> {
    const extra = server === 'master' ? 'stats' : 'persistence';
    await this.ask(server, client, ['INFO', 'replication', extra], (reply) => {
      const sections = parseInfoSections(String(reply));
      const out: [SampleWhat, [string, string][]][] = [['info-replication', sections.get('replication') ?? []]];
      if (server === 'master') out.push(['info-stats', (sections.get('stats') ?? []).filter(([k]) => k.startsWith('sync_'))]);
      else out.push(['info-persistence', (sections.get('persistence') ?? []).filter(([k]) => /^(async_)?loading/.test(k))]);
      return out;
    });
    await this.ask(server, client, ['ROLE'], (reply) => [['role', [['reply', JSON.stringify(reply)]]]]);
    if (tick % CLIENT_LIST_EVERY === 0) {
      await this.ask(server, client, ['CLIENT', 'LIST'], (reply) => [['client-list', clientListFields(String(reply))]]);
    }
  }

  private async ask(
    server: Sample['server'], client: RedisClient, command: string[],
    read: (reply: Reply) => [SampleWhat, [string, string][]][],
  ): Promise<void> {
    const sent = this.clock();
    const seqSent = this.nextSeq();
    const reply = await client.send(...command);
    const t = this.clock();
    const seq = this.nextSeq();
    const answers: [SampleWhat, [string, string][]][] = reply instanceof ReplyError
      ? [[command[0] === 'INFO' ? 'info-replication' : command[0] === 'ROLE' ? 'role' : 'client-list', [['error', reply.message]]]]
      : read(reply);
    for (const [what, fields] of answers) {
      const stream = `${server} ${what}`;
      this.samples.push({ server, what, sent, t, seqSent, seq, ...sampleDelta(this.last.get(stream), fields) });
      this.last.set(stream, fields);
    }
  }
}
