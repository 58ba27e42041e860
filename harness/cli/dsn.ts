import { UsageError } from '../core/index.js';

export interface Dsn { user: string; password: string; host: string; port: number }

/** Parses mysql://user:password@host:port (password percent-encoded). Errors never echo the password. */
export function parseDsn(text: string): Dsn {
  let u: URL;
  try { u = new URL(text); } catch { throw new UsageError('bad DSN: expected mysql://user:password@host:port'); }
  if (u.protocol !== 'mysql:') throw new UsageError(`bad DSN: scheme must be mysql:// (got ${u.protocol}//)`);
  if (!u.hostname) throw new UsageError('bad DSN: no host');
  if (!u.username) throw new UsageError(`bad DSN for ${u.hostname}: no user`);
  const port = u.port ? Number(u.port) : 3306;
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UsageError(`bad DSN for ${u.hostname}: bad port`);
  if (u.pathname && u.pathname !== '/' ) throw new UsageError(`bad DSN for ${u.hostname}: no database path expected (use --databases)`);
  return { user: decodeURIComponent(u.username), password: decodeURIComponent(u.password), host: u.hostname.replace(/^\[|\]$/g, ''), port };
}

/** host:port, for messages (never the password). */
export const dsnLabel = (d: Dsn) => `${d.user}@${d.host}:${d.port}`;
