import { UsageError } from '../core/index.js';
import { ConnectError, expandEnv, openConnection, parseDsn, type Dsn } from '../runtime/index.js';
import type { Statement } from '../sql/index.js';
import type { Queryable } from '../verify/index.js';

/** The default of --timeout (verify, snapshot): a server that gives no answer to one query for this long is an error. */
const DEFAULT_TIMEOUT_MS = 60_000;

/** `--timeout T`: seconds, or a number with ms, s or m. */
export function parseTimeout(v: string | undefined): number {
  if (v === undefined) return DEFAULT_TIMEOUT_MS;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(v.trim());
  if (!m || Number(m[1]) <= 0) throw new UsageError(`bad --timeout '${v}' (seconds, or a number with ms, s or m)`);
  return Math.round(Number(m[1]) * ({ ms: 1, s: 1000, m: 60_000 } as Record<string, number>)[m[2] ?? 's']!);
}

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
