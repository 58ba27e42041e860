import { describe, expect, it } from 'vitest';
import { rowHashExpr, rowHashMultiset, tableFingerprint, valuesWithoutPeriod, type Column } from './inspect.js';

// F31: a system-versioned table's current rows end at the largest TIMESTAMP, which MariaDB 11.5 moved (MDEV-32188,
// the TIMESTAMP range extension): the same current row read on 10.11 and on 11.8 has another ROW_END.
const MARIADB_10_11_ROW_END = Date.UTC(2038, 0, 19, 3, 14, 7, 999) / 1000 + 0.000999; // 2038-01-19 03:14:07.999999 UTC
const MARIADB_11_8_ROW_END = Date.UTC(2106, 1, 7, 6, 28, 15, 999) / 1000 + 0.000999; // 2106-02-07 06:28:15.999999 UTC
const cols: Column[] = [
  { name: 'id', type: 'int' },
  { name: 'v', type: 'varchar' },
];

/** The period end the fingerprint reads for a ROW_END whose UNIX_TIMESTAMP is `unix`, evaluated as the server would
 * evaluate the generated IF(UNIX_TIMESTAMP(x) >= N, 'current', x). */
function periodEndRead(sql: string, column: string, unix: number): string {
  const m = new RegExp(
    `IF\\(UNIX_TIMESTAMP\\(${column.replace(/[`]/g, '\\`')}\\) >= (\\d+), 'current', ${column.replace(/[`]/g, '\\`')}\\)`,
  ).exec(sql);
  if (!m) throw new Error(`no period-end reading of ${column} in ${sql}`);
  return unix >= Number(m[1]) ? 'current' : String(unix);
}

describe("a system-versioned table's history read alike across MariaDB 11.5's TIMESTAMP range extension (F31)", () => {
  const sql = tableFingerprint('db', 'hist', cols, { implicitPeriod: true }).sql;

  it("both servers' maximum (2038 on 10.11, 2106 on 11.8) reads as 'current': the same current row fingerprints alike", () => {
    expect(MARIADB_10_11_ROW_END).toBeCloseTo(2147483647.999999, 5);
    expect(MARIADB_11_8_ROW_END).toBeCloseTo(4294967295.999999, 5);
    expect(periodEndRead(sql, 'ROW_END', MARIADB_10_11_ROW_END)).toBe('current');
    expect(periodEndRead(sql, 'ROW_END', MARIADB_11_8_ROW_END)).toBe('current');
    expect(sql).toContain('FOR SYSTEM_TIME ALL');
  });

  it('a history row keeps its own end: a version that ended at another time, or started at another, is still a difference', () => {
    const ended = Date.UTC(2026, 11, 7, 12, 41, 0) / 1000;
    expect(periodEndRead(sql, 'ROW_END', ended)).toBe(String(ended));
    expect(periodEndRead(sql, 'ROW_END', ended)).not.toBe(periodEndRead(sql, 'ROW_END', ended + 1));
    // the row's values and its start are hashed with its end: a changed value or start changes the fingerprint
    expect(sql).toContain(`${rowHashExpr(cols)}, ROW_START, IF(UNIX_TIMESTAMP(ROW_END)`);
  });

  it('an explicit period (ROW END column) is read the same way; the multiset comparison reads periods alike', () => {
    const explicit: Column[] = [
      ...cols,
      { name: 'rs', type: 'timestamp', extra: 'ROW START' },
      { name: 're', type: 'timestamp', extra: 'ROW END' },
    ];
    const x = tableFingerprint('db', 'hist', explicit, { implicitPeriod: false }).sql;
    expect(periodEndRead(x, '`re`', MARIADB_10_11_ROW_END)).toBe('current');
    expect(periodEndRead(x, '`re`', MARIADB_11_8_ROW_END)).toBe('current');
    expect(x).not.toMatch(/UNIX_TIMESTAMP\(`rs`\)/);
    expect(periodEndRead(rowHashMultiset('db', 'hist', cols, { implicitPeriod: true }).sql, 'ROW_END', MARIADB_11_8_ROW_END)).toBe(
      'current',
    );
  });

  it("'literal' (state files of format 1) reads ROW_END as recorded before, exactly; current rows alone are untouched", () => {
    const literal = tableFingerprint('db', 'hist', cols, { implicitPeriod: true, periodEnd: 'literal' }).sql;
    expect(literal).toContain(`CONCAT_WS('#', ${rowHashExpr(cols)}, ROW_START, ROW_END)`);
    expect(literal).not.toContain('UNIX_TIMESTAMP');
    expect(tableFingerprint('db', 't', cols).sql).not.toContain('UNIX_TIMESTAMP');
  });

  it("current rows compared apart (history set aside) are read by their values: an explicit period's columns left out, the others kept", () => {
    const explicit: Column[] = [
      ...cols,
      { name: 'rs', type: 'timestamp', extra: 'ROW START' },
      { name: 're', type: 'timestamp', extra: 'ROW END' },
    ];
    expect(valuesWithoutPeriod(explicit)).toEqual(cols);
    expect(
      valuesWithoutPeriod([...cols, { name: 'at', type: 'timestamp', extra: 'on update current_timestamp()' }]).map((c) => c.name),
    ).toEqual(['id', 'v', 'at']);
  });
});
