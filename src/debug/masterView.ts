// The master's own view of its replicas, from its INFO replication: the
// `slaveN:ip=…,port=…,state=…,offset=…,lag=…` lines, real redis-server
// replicas included. A view puts it beside the replicas' own view of the link.
import { parseInfo } from '../net/redisClient';

export interface MasterReplicaLine {
  /** N of slaveN. */
  index: number;
  ip: string;
  port: number;
  /** wait_bgsave, send_bulk, online (the master's SLAVE_STATE_* words). */
  state: string;
  offset: number;
  /** Seconds since the replica's last REPLCONF ACK, as the master counts. */
  lag: number;
}

export interface MasterView {
  role: string;
  master_replid: string;
  master_repl_offset: number;
  connected_slaves: number;
  replicas: MasterReplicaLine[];
}

/** Parses INFO replication as a 7.x master prints it; unknown fields are ignored. */
export function parseMasterView(infoText: string): MasterView {
  const fields = parseInfo(infoText);
  const replicas: MasterReplicaLine[] = [];
  for (const [name, value] of fields) {
    const m = /^slave(\d+)$/.exec(name);
    if (!m) continue;
    const kv = new Map(value.split(',').map((pair) => {
      const eq = pair.indexOf('=');
      return [pair.slice(0, eq), pair.slice(eq + 1)] as const;
    }));
    replicas.push({
      index: Number(m[1]),
      ip: kv.get('ip') ?? '',
      port: Number(kv.get('port') ?? 0),
      state: kv.get('state') ?? '',
      offset: Number(kv.get('offset') ?? 0),
      lag: Number(kv.get('lag') ?? 0),
    });
  }
  return {
    role: fields.get('role') ?? '',
    master_replid: fields.get('master_replid') ?? '',
    master_repl_offset: Number(fields.get('master_repl_offset') ?? 0),
    connected_slaves: Number(fields.get('connected_slaves') ?? 0),
    replicas: replicas.sort((a, b) => a.index - b.index),
  };
}
