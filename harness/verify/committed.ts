import { inspect } from '../sql/index.js';
import type { Queryable } from './check.js';

/**
 * Every transaction's GTID in the server's binary logs, in log order (SHOW BINLOG EVENTS: read only). What the
 * server committed, one GTID per transaction, where a position only names the last one per domain.
 */
export async function committedGtids(q: Queryable): Promise<string[]> {
  return (await locateStatement(q, () => false)).gtids;
}

/**
 * Where a statement sits in the server's binary logs: every transaction's GTID in log order and the index of the
 * last transaction holding a statement `matches` accepts (from SHOW BINLOG EVENTS' Info), or -1 when none does.
 */
export async function locateStatement(q: Queryable, matches: (info: string) => boolean): Promise<{ gtids: string[]; at: number }> {
  const gtids: string[] = [];
  let at = -1;
  for (const f of await q.query<{ Log_name: string }>(inspect.binaryLogs())) {
    for (const e of await q.query<{ Event_type: string; Info: string }>(inspect.binlogEvents(String(f.Log_name)))) {
      const info = String(e.Info ?? '');
      const g = inspect.gtidOfBinlogEvent(String(e.Event_type), info);
      if (g) gtids.push(g);
      else if (gtids.length && /^Query$/i.test(String(e.Event_type)) && matches(info)) at = gtids.length - 1;
    }
  }
  return { gtids, at };
}
