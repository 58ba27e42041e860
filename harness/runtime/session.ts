import type { Statement } from '../sql/index.js';
import { openConnection, type Connection } from './connection.js';
import type { Credentials } from './context.js';
import type { Reached } from './engine.js';

/**
 * A SQL session with one server as firedrill's admin user: one shared connection, opened on first use and again
 * after it was lost. It knows nothing of containers; the node drops it whenever the server goes away.
 */
export class ServerSession {
  private conn: Connection | undefined;

  constructor(
    private readonly name: string,
    /** Where the server answers now (it moves when a published port changes at a restart). */
    private readonly endpoint: () => Reached,
    private readonly creds: Credentials,
    /** The deadline of a query that names none (the run's `--timeout`). */
    private readonly queryTimeoutMs: number,
  ) {}

  /**
   * A new dedicated connection (TLS when the server offers it, so a server that sets require_secure_transport is
   * reached too). The caller closes it.
   */
  connect(opts: { connectTimeoutMs?: number } = {}): Promise<Connection> {
    const { host, port } = this.endpoint();
    return openConnection(
      { host, port, user: this.creds.admin, password: this.creds.adminPassword, tls: { mode: 'PREFERRED' } },
      { name: this.name, queryTimeoutMs: this.queryTimeoutMs, deadlineName: '--timeout', connectTimeoutMs: opts.connectTimeoutMs ?? 5000 },
    );
  }

  /**
   * Runs one statement on the shared connection, reconnecting if the last one was lost. Every query has a deadline
   * (the run's queryTimeoutMs) from the moment it is asked: past it the connection is destroyed and the error names
   * the statement, so a paused or cut-off server never leaves a query waiting for TCP keepalive.
   */
  async query<T = Record<string, unknown>>(stmt: Statement, opts: { timeoutMs?: number } = {}): Promise<T[]> {
    if (!this.conn || this.conn.lost) {
      const c = await this.connect();
      c.onLost(() => {
        if (this.conn === c) this.conn = undefined;
      });
      this.conn = c;
    }
    const c = this.conn;
    try {
      return await c.query<T>(stmt, opts);
    } catch (e) {
      if (isConnectionError(e)) c.destroy(e as Error);
      throw e;
    }
  }

  /**
   * Closes the shared connection. Queries still in flight fail at once: a killed or cut-off server never answers
   * (no RST reaches the client), and destroying the socket alone does not settle them.
   */
  drop(): void {
    const c = this.conn;
    this.conn = undefined;
    c?.destroy(
      Object.assign(new Error(`${this.name}: connection dropped while a query was running`), { code: 'PROTOCOL_CONNECTION_LOST' }),
    );
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
