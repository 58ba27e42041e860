/**
 * The one way firedrill opens a SQL connection to a server (verify, snapshot, live datasets, query replay, the drills'
 * node sessions): host and port given to it, the mysql client's TLS modes, a deadline on the login, on every query
 * and on the close, and no password in any message it produces.
 *
 * mysql2's own query timeout starts only when the command reaches the server and leaves the connection in place, so
 * a query queued behind a stuck one has no deadline at all. Here each query's deadline starts when it is asked; when
 * it passes, the connection is destroyed and every query still waiting on it fails, each naming what it waited for,
 * the server and for how long.
 */
import type { PeerCertificate } from 'node:tls';
import mysql from 'mysql2';
import { EnvironmentError } from '../exec/index.js';
import { sessionSql, type Statement } from '../sql/index.js';
import { sslOptions, verifyPeerIdentity, type Tls } from './tls.js';

/** A server to connect to; `tls` defaults to PREFERRED (TLS when the server offers it, as the mysql client). */
export interface Endpoint {
  host: string;
  port: number;
  user: string;
  password: string;
  tls?: Tls;
}

/** user@host:port: how messages name a server (never the password). */
export const endpointLabel = (e: Pick<Endpoint, 'user' | 'host' | 'port'>) => `${e.user}@${e.host}:${e.port}`;

export interface ConnectOptions {
  /** Deadline of each query that names none, from the moment it is asked (time queued behind another included). */
  queryTimeoutMs: number;
  /** Deadline of the login: TCP, TLS, authentication (default: the query deadline, at most 30 s). */
  connectTimeoutMs?: number;
  /** Where the deadline comes from, for messages (e.g. "--timeout"; default "deadline"). */
  deadlineName?: string;
  /** How messages name the server (default user@host:port). */
  name?: string;
}

export interface QueryOptions {
  timeoutMs?: number;
  /** Rows as arrays of values in column order (query replay compares them so). */
  rowsAsArray?: boolean;
}

/** A query or the login got no answer in time. The connection was destroyed. Exit 2: the harness could not do its job. */
export class DeadlineError extends EnvironmentError {
  readonly code = 'PROTOCOL_SEQUENCE_TIMEOUT';
  constructor(message: string) {
    super(message);
    this.name = 'DeadlineError';
  }
}

/** The server could not be reached, refused the login, or failed the TLS mode's checks. `code` is the driver's. */
export class ConnectError extends Error {
  readonly code: string | undefined;
  readonly errno: number | undefined;
  constructor(message: string, cause: unknown) {
    super(message, { cause });
    this.name = 'ConnectError';
    this.code = (cause as { code?: string } | undefined)?.code;
    this.errno = (cause as { errno?: number } | undefined)?.errno;
  }
}

/** Replaces a password (and its percent-encoded form) in a text: messages never carry one. */
export function redact(text: string, password: string): string {
  if (!password) return text;
  let out = text;
  for (const p of new Set([password, encodeURIComponent(password)])) out = out.split(p).join('***');
  return out;
}

/** The first words of a statement, for messages: what a deadline waited for. */
export const firstWords = (sql: string, max = 80) => {
  const s = sql.replace(/\s+/g, ' ').trim();
  return s.length > max ? `${s.slice(0, max)}…` : s;
};

const seconds = (ms: number) => `${Number((ms / 1000).toFixed(1))} s`;

type Core = mysql.Connection;

/** Opens a connection; the login has its own deadline. Throws ConnectError (or DeadlineError past the deadline). */
export async function openConnection(ep: Endpoint, opts: ConnectOptions): Promise<Connection> {
  const tls = ep.tls ?? { mode: 'PREFERRED' };
  const name = opts.name ?? endpointLabel(ep);
  const connectMs = opts.connectTimeoutMs ?? Math.min(opts.queryTimeoutMs, 30_000);
  const ssl = sslOptions(tls, name);
  const login = (withTls: typeof ssl) =>
    new Promise<Core>((resolve, reject) => {
      const c = mysql.createConnection({
        host: ep.host,
        port: ep.port,
        user: ep.user,
        password: ep.password,
        dateStrings: true,
        supportBigNumbers: true,
        bigNumberStrings: true,
        multipleStatements: false,
        connectTimeout: connectMs,
        ...(withTls ? { ssl: withTls } : {}),
      });
      const timer = setTimeout(() => {
        c.destroy();
        reject(new DeadlineError(`${name}: no answer to the login within ${seconds(connectMs)} (${opts.deadlineName ?? 'deadline'})`));
      }, connectMs + 1000);
      c.once('connect', () => {
        clearTimeout(timer);
        resolve(c);
      });
      c.once('error', (e) => {
        clearTimeout(timer);
        c.destroy();
        reject(e);
      });
    });
  let core: Core;
  try {
    // PREFERRED, as the mysql client: TLS when the server offers it, plaintext otherwise.
    core = await login(ssl).catch((e: { code?: string }) =>
      tls.mode === 'PREFERRED' && e.code === 'HANDSHAKE_NO_SSL_SUPPORT' ? login(undefined) : Promise.reject(e),
    );
  } catch (e) {
    if (e instanceof DeadlineError) throw e;
    throw new ConnectError(redact(`cannot connect to ${name} (ssl-mode ${tls.mode}): ${(e as Error).message}`, ep.password), e);
  }
  const stream = (core as unknown as { stream?: { getPeerCertificate?: () => PeerCertificate } }).stream;
  const identity = verifyPeerIdentity(tls, ep.host, stream?.getPeerCertificate?.());
  if (identity) {
    core.destroy();
    throw new ConnectError(`cannot connect to ${name} (ssl-mode VERIFY_IDENTITY): ${identity.message}`, identity);
  }
  const conn = new Connection(core, name, ep.password, opts);
  // values read as stored, whatever the server's sql_mode pads (sql/session.ts). A node that refuses the statement
  // (a Galera member out of the primary component) keeps its mode: what the caller asks next says what is wrong. A
  // server that never answers it fails the connection here, naming the statement and the deadline.
  await conn.query(sessionSql.withoutCharPadding()).catch((e: unknown) => {
    if (conn.lost) throw e;
  });
  return conn;
}

/** One open connection. Queries run one after another on it, each with its own deadline from the moment it is asked. */
export class Connection {
  /** Queries asked and not yet settled: a destroyed connection fails them all at once. */
  private readonly waiting = new Set<{ sql: string; since: number; fail: (e: Error) => void }>();
  private gone: Error | undefined;
  private readonly lostListeners: Array<() => void> = [];

  constructor(
    private readonly core: Core,
    readonly name: string,
    private readonly password: string,
    private readonly opts: ConnectOptions,
  ) {
    core.on('error', (e) => this.destroy(e));
  }

  /** True once the connection is gone (destroyed, lost, past a deadline): a new one must be opened. */
  get lost(): boolean {
    return this.gone !== undefined;
  }

  /** Called once when the connection is lost or destroyed. */
  onLost(fn: () => void): void {
    this.lostListeners.push(fn);
  }

  /** Runs one statement; resolves to its rows (or the driver's result header for a statement without rows). */
  async query<T = Record<string, unknown>>(stmt: Statement, o: QueryOptions = {}): Promise<T[]> {
    return (await this.result(stmt, o)).rows as T[];
  }

  /** Runs one statement; its rows (or result header) and its column names. */
  result(stmt: Statement, o: QueryOptions = {}): Promise<{ rows: unknown; columns: string[] }> {
    if (this.gone) return Promise.reject(this.lostError(stmt.sql, 0));
    const ms = o.timeoutMs ?? this.opts.queryTimeoutMs;
    return new Promise((resolve, reject) => {
      const entry = { sql: stmt.sql, since: Date.now(), fail: reject };
      this.waiting.add(entry);
      const timer = setTimeout(() => {
        this.destroy(
          new DeadlineError(
            `${this.name}: no answer within ${seconds(ms)} (${this.opts.deadlineName ?? 'deadline'}) to: ${firstWords(stmt.sql)}`,
          ),
          entry,
        );
      }, ms);
      this.core.query(
        { sql: stmt.sql, values: stmt.values as never, ...(o.rowsAsArray ? { rowsAsArray: true } : {}) },
        (e: Error | null, rows: unknown, fields: Array<{ name: string }> | undefined) => {
          clearTimeout(timer);
          if (!this.waiting.delete(entry)) return; // already failed by a deadline or a lost connection
          if (e) reject(this.clean(e));
          else resolve({ rows, columns: (fields ?? []).map((f) => f.name) });
        },
      );
    });
  }

  /** Ends the session politely, within a short deadline; then the socket is destroyed whatever happened. */
  async close(timeoutMs = 5000): Promise<void> {
    if (!this.gone) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(timeoutMs, this.opts.queryTimeoutMs));
        try {
          this.core.end(() => {
            clearTimeout(t);
            resolve();
          });
        } catch {
          resolve();
        }
      });
    }
    this.destroy(new Error(`${this.name}: connection closed`));
  }

  /**
   * Destroys the connection at once; queries still waiting fail: `culprit` (the query past its deadline) with
   * `why`, the others with what they were waiting for and why the connection went.
   */
  destroy(why: Error = new Error(`${this.name}: connection dropped`), culprit?: { fail: (e: Error) => void }): void {
    if (this.gone) return;
    this.gone = why;
    const waiting = [...this.waiting];
    this.waiting.clear();
    for (const w of waiting) w.fail(w === culprit ? why : this.lostError(w.sql, Date.now() - w.since));
    this.core.destroy();
    for (const fn of this.lostListeners.splice(0)) fn();
  }

  private lostError(sql: string, waitedMs: number): Error {
    const why = this.gone!;
    const text = `${this.name}: the connection went after ${seconds(waitedMs)} waiting for: ${firstWords(sql)} (${redact(why.message, this.password)})`;
    if (why instanceof DeadlineError) return new DeadlineError(text);
    return Object.assign(new Error(text, { cause: why }), { code: (why as { code?: string }).code ?? 'PROTOCOL_CONNECTION_LOST' });
  }

  /** The driver's error with the password taken out of its message and statement. */
  private clean(e: Error): Error {
    e.message = redact(e.message, this.password);
    const withSql = e as Error & { sql?: string };
    if (typeof withSql.sql === 'string') withSql.sql = redact(withSql.sql, this.password);
    return e;
  }
}
