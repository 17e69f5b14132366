// The Keyspace section of INFO as redis-server 7.0 prints it: one line per
// database that has keys, `db<N>:keys=<n>,expires=<n>,avg_ttl=<ms>`.
//
// avg_ttl is a running estimate that only activeExpireCycle updates, and only a
// master runs it: a replica, which never expires keys itself, prints 0 (and
// emptyData resets it to 0 on every full sync). So does this replica, always.
// Difference: a real server promoted with REPLICAOF NO ONE starts its expire
// cycle and its avg_ttl becomes non-zero; this engine never expires keys.
import type { Keyspace } from './keyspace';

export function infoKeyspace(ks: Keyspace): string {
  let out = '# Keyspace\r\n';
  ks.dbs.forEach((db, j) => {
    if (db.size || db.expires) out += `db${j}:keys=${db.size},expires=${db.expires},avg_ttl=0\r\n`;
  });
  return out;
}
