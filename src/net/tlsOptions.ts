// How a replica connects to its master over TLS (tls-replication yes).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as tls from 'node:tls';
import type { ReplicaConfig } from '../config/replicaConfig';

/**
 * The TLS client side of a replica as redis-server sets it up: the master's
 * chain is verified against tls-ca-cert-file / tls-ca-cert-dir, and the
 * replica presents tls-cert-file / tls-key-file when it has them. Like Redis,
 * it does not match the certificate against the master's host name.
 */
export function tlsOptions(config: Readonly<ReplicaConfig>): tls.ConnectionOptions {
  const read = (file: string | null): Buffer | undefined => (file ? fs.readFileSync(file) : undefined);
  const options: tls.ConnectionOptions = { checkServerIdentity: () => undefined };
  const cas: Buffer[] = [];
  const caFile = read(config['tls-ca-cert-file']);
  if (caFile) cas.push(caFile);
  const caDir = config['tls-ca-cert-dir'];
  if (caDir) {
    for (const name of fs.readdirSync(caDir)) {
      if (/\.(pem|crt|cer|0)$/.test(name)) cas.push(fs.readFileSync(path.join(caDir, name)));
    }
  }
  if (cas.length > 0) options.ca = cas;
  const cert = read(config['tls-cert-file']);
  const key = read(config['tls-key-file']);
  if (cert) options.cert = cert;
  if (key) options.key = key;
  if (config['tls-key-file-pass']) options.passphrase = config['tls-key-file-pass'];
  return options;
}
