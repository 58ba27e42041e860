import { readFileSync } from 'node:fs';
import { checkServerIdentity, type PeerCertificate } from 'node:tls';
import type { Family } from '../core/index.js';
import { UsageError } from '../core/index.js';

/** The TLS modes of the mysql client's --ssl-mode, with its meaning. */
export const SSL_MODES = ['DISABLED', 'PREFERRED', 'REQUIRED', 'VERIFY_CA', 'VERIFY_IDENTITY'] as const;
export type SslMode = (typeof SSL_MODES)[number];

/** How a connection uses TLS: the mode, and for VERIFY_CA / VERIFY_IDENTITY the CA file (else the system's CAs). */
export interface Tls {
  mode: SslMode;
  ca?: string;
}

/** Where a path to the CA file leads inside a throw-away client container (mounted read-only: a CA is no secret). */
export const CONTAINER_CA_PATH = '/etc/firedrill-ssl-ca/ca.pem';

/** The driver's (mysql2) ssl option for a TLS mode; undefined: plaintext. The CA file must be readable. */
export function sslOptions(tls: Tls, who: string): { ca?: string; rejectUnauthorized: boolean; verifyIdentity?: boolean } | undefined {
  if (tls.mode === 'DISABLED') return undefined;
  if (tls.mode === 'PREFERRED' || tls.mode === 'REQUIRED') return { rejectUnauthorized: false };
  let ca: string | undefined;
  if (tls.ca !== undefined) {
    try {
      ca = readFileSync(tls.ca, 'utf8');
    } catch (e) {
      throw new UsageError(`ssl-ca for ${who}: cannot read ${tls.ca}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }
  // VERIFY_IDENTITY is checked by verifyPeerIdentity once connected (the driver skips it for IP addresses).
  return { ...(ca !== undefined ? { ca } : {}), rejectUnauthorized: true, verifyIdentity: false };
}

/** VERIFY_IDENTITY: the server's certificate names the host (name or IP address). Returns the error, if any. */
export function verifyPeerIdentity(tls: Tls, host: string, cert: PeerCertificate | undefined): Error | undefined {
  if (tls.mode !== 'VERIFY_IDENTITY') return undefined;
  if (!cert || !Object.keys(cert).length) return new Error('the server presented no certificate');
  return checkServerIdentity(host, cert);
}

/**
 * The [client] option-file lines that give a server family's own client programs (mysqldump, mariadb-dump) the same
 * TLS mode, with the CA file at CONTAINER_CA_PATH. MySQL's clients take --ssl-mode as it is. MariaDB's have no
 * ssl-mode: PREFERRED and REQUIRED are `ssl` without certificate checks, and VERIFY_CA is their
 * `ssl-verify-server-cert`, which also checks the host name (MariaDB's clients cannot check the CA alone): stricter,
 * never weaker. `loose-` options are ignored by versions that do not know them.
 */
export function clientTlsOptions(family: Family, tls: Tls): string[] {
  const ca = tls.ca !== undefined ? [`ssl-ca=${CONTAINER_CA_PATH}`] : [];
  if (family === 'mysql') return [`ssl-mode=${tls.mode}`, ...ca];
  switch (tls.mode) {
    case 'DISABLED':
      return ['skip-ssl'];
    case 'PREFERRED':
    case 'REQUIRED':
      return ['ssl', 'loose-disable-ssl-verify-server-cert'];
    case 'VERIFY_CA':
    case 'VERIFY_IDENTITY':
      return ['ssl', 'ssl-verify-server-cert', ...ca];
  }
}
