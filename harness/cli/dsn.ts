import { readFileSync } from 'node:fs';
import { checkServerIdentity, type PeerCertificate } from 'node:tls';
import { UsageError } from '../core/index.js';

/** The TLS modes of the mysql client's --ssl-mode, with its meaning. */
const SSL_MODES = ['DISABLED', 'PREFERRED', 'REQUIRED', 'VERIFY_CA', 'VERIFY_IDENTITY'] as const;
type SslMode = (typeof SSL_MODES)[number];

export interface Dsn {
  user: string;
  password: string;
  host: string;
  port: number;
  tls: { mode: SslMode; ca?: string };
}

/** DSN options (query string) that firedrill understands; anything else is refused. */
const OPTIONS = ['ssl-mode', 'ssl-ca'] as const;

/**
 * Parses mysql://user:password@host:port[?ssl-mode=DISABLED|PREFERRED|REQUIRED|VERIFY_CA|VERIFY_IDENTITY&ssl-ca=PATH]
 * (password percent-encoded). Without ssl-mode, PREFERRED as the mysql client: TLS when the server offers it. An
 * unknown option is refused (a misspelt ssl-mode must never silently mean plaintext). Errors never echo the password.
 */
export function parseDsn(text: string): Dsn {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw new UsageError('bad DSN: expected mysql://user:password@host:port');
  }
  if (u.protocol !== 'mysql:') throw new UsageError(`bad DSN: scheme must be mysql:// (got ${u.protocol}//)`);
  if (!u.hostname) throw new UsageError('bad DSN: no host');
  if (!u.username) throw new UsageError(`bad DSN for ${u.hostname}: no user`);
  const port = u.port ? Number(u.port) : 3306;
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UsageError(`bad DSN for ${u.hostname}: bad port`);
  if (u.pathname && u.pathname !== '/') throw new UsageError(`bad DSN for ${u.hostname}: no database path expected (use --databases)`);
  for (const k of new Set(u.searchParams.keys())) {
    if (!(OPTIONS as readonly string[]).includes(k))
      throw new UsageError(`bad DSN for ${u.hostname}: unknown option '${k}' (known: ${OPTIONS.join(', ')})`);
    if (u.searchParams.getAll(k).length > 1) throw new UsageError(`bad DSN for ${u.hostname}: option '${k}' given twice`);
  }
  const modeText = (u.searchParams.get('ssl-mode') ?? 'PREFERRED').toUpperCase();
  if (!(SSL_MODES as readonly string[]).includes(modeText))
    throw new UsageError(`bad DSN for ${u.hostname}: ssl-mode must be one of ${SSL_MODES.join(', ')} (got '${modeText}')`);
  const mode = modeText as SslMode;
  const ca = u.searchParams.get('ssl-ca') ?? undefined;
  if (ca !== undefined && (mode === 'DISABLED' || mode === 'PREFERRED' || mode === 'REQUIRED')) {
    throw new UsageError(`bad DSN for ${u.hostname}: ssl-ca is only used to verify: give ssl-mode=VERIFY_CA or VERIFY_IDENTITY`);
  }
  return {
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port,
    tls: { mode, ...(ca !== undefined ? { ca } : {}) },
  };
}

/** host:port, for messages (never the password). */
export const dsnLabel = (d: Dsn) => `${d.user}@${d.host}:${d.port}`;

/** The driver's (mysql2) ssl option for a DSN's TLS mode; undefined: plaintext. The CA file must be readable. */
export function sslOptions(d: Dsn): { ca?: string; rejectUnauthorized: boolean; verifyIdentity?: boolean } | undefined {
  if (d.tls.mode === 'DISABLED') return undefined;
  if (d.tls.mode === 'PREFERRED' || d.tls.mode === 'REQUIRED') return { rejectUnauthorized: false };
  let ca: string | undefined;
  if (d.tls.ca !== undefined) {
    try {
      ca = readFileSync(d.tls.ca, 'utf8');
    } catch (e) {
      throw new UsageError(
        `ssl-ca for ${dsnLabel(d)}: cannot read ${d.tls.ca}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      );
    }
  }
  // VERIFY_IDENTITY is checked by verifyPeerIdentity once connected (the driver skips it for IP addresses).
  return { ...(ca !== undefined ? { ca } : {}), rejectUnauthorized: true, verifyIdentity: false };
}

/** VERIFY_IDENTITY: the server's certificate names the DSN's host (name or IP address). Returns the error, if any. */
export function verifyPeerIdentity(d: Dsn, cert: PeerCertificate | undefined): Error | undefined {
  if (d.tls.mode !== 'VERIFY_IDENTITY') return undefined;
  if (!cert || !Object.keys(cert).length) return new Error('the server presented no certificate');
  return checkServerIdentity(d.host, cert);
}
