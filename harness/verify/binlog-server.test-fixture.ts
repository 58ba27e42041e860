// A server as the GTID checks ask it (tests only): the set of GTIDs it wrote, its binary logs' events, its tables'
// engines; every statement asked is kept.
import type { GtidAlgebra } from '../core/index.js';
import type { Statement } from '../sql/index.js';

export type BinlogEvent = [type: string, info: string];

export function binlogServer(o: {
  name: string;
  gtid: GtidAlgebra;
  written: string;
  /** One list of events per binary log file, oldest first. */
  files?: BinlogEvent[][];
  engines?: Record<string, string>;
}) {
  const asked: string[] = [];
  const files = o.files ?? [];
  const engines = o.engines ?? {};
  return {
    asked,
    name: o.name,
    adapter: { dialect: { gtidWritten: (): Statement => ({ sql: 'SELECT @@gtid_written AS gtid' }) }, gtid: o.gtid },
    async query<T>(s: Statement): Promise<T[]> {
      asked.push(s.sql);
      const rows = (r: unknown[]) => r as T[];
      if (s.sql.includes('AS gtid')) return rows([{ gtid: o.written }]);
      if (s.sql === 'SHOW BINARY LOGS') return rows(files.map((_, i) => ({ Log_name: `bin.${String(i + 1).padStart(6, '0')}` })));
      const file = /SHOW BINLOG EVENTS IN 'bin\.(\d+)'/.exec(s.sql);
      if (file) return rows((files[Number(file[1]) - 1] ?? []).map(([Event_type, Info]) => ({ Event_type, Info })));
      if (s.sql.includes('information_schema.TABLES'))
        return rows(
          Object.entries(engines)
            .filter(([k]) => k.startsWith(`${s.values?.[0]}.`))
            .map(([k, engine]) => ({ name: k.slice(k.indexOf('.') + 1), type: 'BASE TABLE', engine })),
        );
      throw new Error(`unexpected ${s.sql}`);
    },
  };
}
