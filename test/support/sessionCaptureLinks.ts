// Which link of a captured session was for what. A multi-channel full sync
// (Redis 8 rdb-channel, Valkey 8 dual-channel) opens a second connection to
// the same master host:port, so the proxy sees it as one more link; it is told
// apart by its handshake (`REPLCONF … rdb-only 1 rdb-channel 1 …`).
import type { LinkInfo, ProxyEvent } from './sessionCaptureFormat';

const RDB_ONLY = '\r\nrdb-only\r\n';

export function linkRoles(events: readonly ProxyEvent[]): LinkInfo[] {
  const received = new Map<number, Buffer[]>();
  const written = new Map<number, Buffer[]>();
  const order: number[] = [];
  for (const e of events) {
    if (e.kind === 'accept') order.push(e.link);
    if (e.kind !== 'm2r' && e.kind !== 'r2m') continue;
    const map = e.kind === 'm2r' ? received : written;
    const list = map.get(e.link) ?? [];
    list.push(Buffer.from(e.b64, 'base64'));
    map.set(e.link, list);
  }
  const text = (map: Map<number, Buffer[]>, link: number): string => Buffer.concat(map.get(link) ?? []).toString('latin1');
  const infos: LinkInfo[] = [];
  let lastMain: number | undefined;
  for (const link of order) {
    if (!text(written, link).includes(RDB_ONLY)) {
      infos.push({ link, channel: 'main' });
      lastMain = link;
      continue;
    }
    const info: LinkInfo = { link, channel: 'rdb' };
    if (lastMain !== undefined) info.mainLink = lastMain;
    // Valkey: the id is the last field of `$ENDOFF:<offset> <replid> <dbid> <id>` on the rdb link.
    const endoff = /\$ENDOFF:\S* \S* \S* (\S+)\r\n/.exec(text(received, link));
    // Redis: the id came in `+RDBCHANNELSYNC <id>` on the main link, before this link was opened.
    const sync = lastMain === undefined ? [] : [...text(received, lastMain).matchAll(/\+RDBCHANNELSYNC ?([^\r]*)\r\n/g)];
    const id = endoff?.[1] ?? sync.at(-1)?.[1];
    if (id !== undefined) info.clientId = id;
    infos.push(info);
  }
  return infos;
}
