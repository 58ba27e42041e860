import { UsageError } from '../core/index.js';
import { ConnectError, expandEnv, openConnection, parseDsn, type Dsn } from '../runtime/index.js';
import type { Statement } from '../sql/index.js';
import type { Queryable } from '../verify/index.js';

/** A DSN given on the command line: ${VAR} taken from the environment, then parsed (bad input: exit 2, one line). */
export const dsnArg = (text: string): Dsn => parseDsn(expandEnv(text));

export type CliSession = Queryable & { close(): Promise<void> };

/**
 * A command's connection to a server named by a DSN (its TLS mode honoured), with `timeoutMs` on the login, on every
 * query from the moment it is asked, and on the close: a server that cannot be reached is one line and exit 2, a
 * server that stops answering (frozen, cut off) ends the command with exit 2 naming the statement it waited for.
 */
export async function connectDsn(d: Dsn, timeoutMs: number): Promise<CliSession> {
  let c: Awaited<ReturnType<typeof openConnection>>;
  try {
    c = await openConnection(d, { queryTimeoutMs: timeoutMs, deadlineName: '--timeout' });
  } catch (e) {
    if (e instanceof ConnectError) throw new UsageError(e.message);
    throw e;
  }
  return {
    name: c.name,
    query: <T>(s: Statement) => c.query<T>(s),
    close: () => c.close(),
    another: () => connectDsn(d, timeoutMs),
  };
}
