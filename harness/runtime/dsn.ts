import { UsageError } from '../core/index.js';
import type { Endpoint } from './connection.js';
import { SSL_MODES, type SslMode } from './tls.js';

/** A parsed DSN: where to connect and how, and the database its path names (mysql://u:p@h:3306/shop). */
export interface Dsn extends Endpoint {
  tls: NonNullable<Endpoint['tls']>;
  database?: string;
}

/** DSN options (query string) that firedrill understands; anything else is refused. */
const OPTIONS = ['ssl-mode', 'ssl-ca'] as const;

/**
 * Parses mysql://user:password@host:port[/database][?ssl-mode=DISABLED|PREFERRED|REQUIRED|VERIFY_CA|VERIFY_IDENTITY&ssl-ca=PATH]
 * (password percent-encoded). Without ssl-mode, PREFERRED as the mysql client: TLS when the server offers it. An
 * unknown option is refused (a misspelt ssl-mode must never silently mean plaintext). Errors never echo the password.
 */
export function parseDsn(text: string): Dsn {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw new UsageError('bad DSN: expected mysql://user:password@host:port[/database]');
  }
  if (u.protocol !== 'mysql:') throw new UsageError(`bad DSN: scheme must be mysql:// (got ${u.protocol}//)`);
  if (!u.hostname) throw new UsageError('bad DSN: no host');
  if (!u.username) throw new UsageError(`bad DSN for ${u.hostname}: no user`);
  const port = u.port ? Number(u.port) : 3306;
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UsageError(`bad DSN for ${u.hostname}: bad port`);
  const path = u.pathname.replace(/^\//, '');
  if (path.includes('/')) throw new UsageError(`bad DSN for ${u.hostname}: the path names one database (got '/${path}')`);
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
  let database: string | undefined;
  try {
    database = path ? decodeURIComponent(path) : undefined;
  } catch {
    throw new UsageError(`bad DSN for ${u.hostname}: bad percent-encoding in the database path`);
  }
  return {
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port,
    tls: { mode, ...(ca !== undefined ? { ca } : {}) },
    ...(database !== undefined ? { database } : {}),
  };
}

/**
 * The databases a command works on: `--databases a,b`, or the one a DSN's path names (the convention of mysql2, JDBC
 * and ORMs). Both given and different is bad input; none: undefined (every database).
 */
export function databasesOf(
  flag: string | undefined,
  ...dsns: ReadonlyArray<Pick<Dsn, 'database' | 'host' | 'port'>>
): string[] | undefined {
  const listed = flag
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const paths = [...new Set(dsns.flatMap((d) => (d.database !== undefined ? [d.database] : [])))];
  if (paths.length > 1) throw new UsageError(`the DSNs name different databases (${paths.join(', ')}): give one, or --databases`);
  const path = paths[0];
  if (path === undefined) return listed;
  if (listed && (listed.length !== 1 || listed[0] !== path))
    throw new UsageError(`the DSN's path names database ${path}, --databases names ${listed.join(',')}: give one of them`);
  return [path];
}

/** Expands ${VAR} from the environment (percent-encoded), so passwords can stay off argv. */
export function expandEnv(s: string): string {
  return s.replace(/\$\{(\w+)\}/g, (_, v: string) => {
    const val = process.env[v];
    if (val === undefined) throw new UsageError(`environment variable ${v} (used in a DSN) is not set`);
    return encodeURIComponent(val);
  });
}
