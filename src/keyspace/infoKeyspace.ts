// The Keyspace section of INFO as the dialect's redis-server prints it: one
// line per database that has keys, `db<N>:keys=<n>,expires=<n>,avg_ttl=<ms>`,
// and from 7.4 (feature `hash-field-expiry`) `,subexpiry=<n>`: the hashes
// registered in the database's field-expiry index (see keyspace.ts: a hash
// joins when a field gets a TTL and, on a replica, leaves with the key, or
// from Redis 8 when HDEL takes its last field with a TTL; HPERSIST does not
// take it out).
//
// avg_ttl is a running estimate that only activeExpireCycle updates, and only a
// master runs it: a replica, which never expires keys itself, prints 0 (and
// emptyData resets it to 0 on every full sync). So does this replica, always.
// Difference: a real server promoted with REPLICAOF NO ONE starts its expire
// cycle and its avg_ttl becomes non-zero; this engine never expires keys.
import type { Keyspace } from './keyspace';

export function infoKeyspace(ks: Keyspace): string {
  const subexpiry = ks.dialect.has('hash-field-expiry');
  let out = '# Keyspace\r\n';
  // dataset none: no db lines would read as an empty dataset; say what is not kept instead.
  if (!ks.keepsValues) return `${out}replica_debugger_dataset:${ks.footprint} (no keys kept: ${ks.footprintReason})\r\n`;
  ks.dbs.forEach((db, j) => {
    if (!db.size && !db.expires) return;
    out += `db${j}:keys=${db.size},expires=${db.expires},avg_ttl=0`;
    out += subexpiry ? `,subexpiry=${db.subexpiry}\r\n` : '\r\n';
  });
  return out;
}
