import { inspect } from '../sql/index.js';
import type { Queryable } from './check.js';

/**
 * Every transaction's GTID in the server's binary logs, in log order (SHOW BINLOG EVENTS: read only). What the
 * server committed, one GTID per transaction, where a position only names the last one per domain.
 */
export async function committedGtids(q: Queryable): Promise<string[]> {
  const out: string[] = [];
  for (const f of await q.query<{ Log_name: string }>(inspect.binaryLogs())) {
    for (const e of await q.query<{ Event_type: string; Info: string }>(inspect.binlogEvents(String(f.Log_name)))) {
      const g = inspect.gtidOfBinlogEvent(String(e.Event_type), String(e.Info ?? ''));
      if (g) out.push(g);
    }
  }
  return out;
}
