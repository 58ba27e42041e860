import mysql from 'mysql2/promise';
import type { Statement } from '../sql/index.js';
import type { Credentials } from './context.js';

/** The deadline of a query that names none (long statements such as CLONE or CHECKSUM TABLE of a big table fit). */
const QUERY_TIMEOUT_MS = 30 * 60_000;

/**
 * A SQL session with one server as firedrill's admin user: one shared connection, opened on first use and again
 * after it was lost. It knows nothing of containers; the node drops it whenever the server goes away.
 */
export class ServerSession {
  private conn: mysql.Connection | undefined;
  /** Rejecters of queries in flight on the shared connection: a dropped connection fails them at once. */
  private readonly inFlight = new Set<(e: Error) => void>();

  constructor(
    private readonly name: string,
    private readonly host: () => string,
    private readonly creds: Credentials,
  ) {}

  /** A new dedicated connection (a short `connectTimeoutMs` for probes of a server that may be gone). The caller closes it. */
  async connect(opts: { connectTimeoutMs?: number } = {}): Promise<mysql.Connection> {
    return mysql.createConnection({
      host: this.host(),
      port: 3306,
      user: this.creds.admin,
      password: this.creds.adminPassword,
      dateStrings: true,
      supportBigNumbers: true,
      bigNumberStrings: true,
      connectTimeout: opts.connectTimeoutMs ?? 5000,
      multipleStatements: false,
    });
  }

  /**
   * Runs one statement on the shared connection, reconnecting if the last one was lost. Every query has a deadline
   * (default QUERY_TIMEOUT_MS): past it the connection is destroyed and the error names the statement, so a paused or
   * cut-off server never leaves a query waiting for TCP keepalive.
   */
  async query<T = Record<string, unknown>>(stmt: Statement, opts: { timeoutMs?: number } = {}): Promise<T[]> {
    if (!this.conn) {
      const c = await this.connect();
      c.on('error', () => {
        if (this.conn === c) this.conn = undefined;
      });
      this.conn = c;
    }
    let reject!: (e: Error) => void;
    const dropped = new Promise<never>((_, rej) => {
      reject = rej;
    });
    this.inFlight.add(reject);
    try {
      const timeout = opts.timeoutMs ?? QUERY_TIMEOUT_MS;
      const [rows] = await Promise.race([this.conn.query({ sql: stmt.sql, values: stmt.values, timeout }), dropped]);
      return rows as T[];
    } catch (e) {
      if (isConnectionError(e)) this.drop();
      if ((e as { code?: string }).code === 'PROTOCOL_SEQUENCE_TIMEOUT') {
        throw Object.assign(
          new Error(`${this.name}: no answer within ${opts.timeoutMs ?? QUERY_TIMEOUT_MS} ms (deadline) to: ${stmt.sql.slice(0, 200)}`),
          { code: 'PROTOCOL_SEQUENCE_TIMEOUT', cause: e },
        );
      }
      throw e;
    } finally {
      this.inFlight.delete(reject);
    }
  }

  /**
   * Closes the shared connection. Queries still in flight fail at once: a killed or cut-off server never answers
   * (no RST reaches the client), and destroying the socket alone does not settle them.
   */
  drop(): void {
    const c = this.conn;
    this.conn = undefined;
    for (const rej of this.inFlight)
      rej(Object.assign(new Error(`${this.name}: connection dropped while a query was running`), { code: 'PROTOCOL_CONNECTION_LOST' }));
    this.inFlight.clear();
    if (c) c.destroy();
  }
}

const CONNECTION_ERRORS = new Set([
  'PROTOCOL_CONNECTION_LOST',
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ER_SERVER_SHUTDOWN',
  'ER_CONNECTION_KILLED',
  'PROTOCOL_SEQUENCE_TIMEOUT',
]);

/** True for errors after which the client cannot know what the server did (lost connection, server gone). */
export function isConnectionError(e: unknown): boolean {
  const code = (e as { code?: string } | null)?.code;
  if (code && CONNECTION_ERRORS.has(code)) return true;
  return e instanceof Error && /closed state|Connection lost|socket hang up/i.test(e.message);
}
