import { describe, expect, it } from 'vitest';
import {
  binlogEvents,
  chunkChecksum,
  chunkRows,
  groupableKey,
  gtidOfBinlogEvent,
  keyGroups,
  liveRowHashExpr,
  nextChunkBoundary,
  quoteId,
  rowHashExpr,
  showGrants,
  valueExpr,
} from './inspect.js';

describe('inspection SQL', () => {
  it('quotes identifiers', () => {
    expect(quoteId('we`ird')).toBe('`we``ird`');
  });

  it('fingerprints short text as hex, numbers as text, spatial by SRID + WKB digest, and marks NULLs apart', () => {
    const e = rowHashExpr([
      { name: 'id', type: 'int' },
      { name: 'name', type: 'varchar' },
      { name: 'loc', type: 'geometry' },
    ]);
    expect(e).toContain('`id`');
    expect(e).toContain('HEX(`name`)');
    expect(e).toContain("CONCAT(ST_SRID(`loc`), ':', SHA2(ST_AsWKB(`loc`), 256))");
    expect(e).toContain('ISNULL(`id`), ISNULL(`name`), ISNULL(`loc`)');
  });

  it('renders floating-point values by their exact double, never by their rounded text', () => {
    for (const type of ['float', 'double', 'real']) expect(valueExpr({ name: 'f', type })).toBe('CAST(`f` AS DOUBLE)');
    expect(valueExpr({ name: 'd', type: 'decimal' })).toBe('`d`');
  });

  it('hashes values that can be large (BLOB, TEXT, JSON) so no rendering can exceed max_allowed_packet', () => {
    for (const type of ['longblob', 'mediumtext', 'text', 'json']) expect(valueExpr({ name: 'b', type })).toBe('SHA2(`b`, 256)');
    expect(valueExpr({ name: 'v', type: 'varbinary' })).toBe('HEX(`v`)');
  });

  it('reads the GTID a binlog event starts on both families', () => {
    expect(gtidOfBinlogEvent('Gtid', 'BEGIN GTID 0-1-17')).toBe('0-1-17');
    expect(gtidOfBinlogEvent('Gtid', 'GTID 0-1-18 cid=5')).toBe('0-1-18');
    expect(gtidOfBinlogEvent('Gtid', "SET @@SESSION.GTID_NEXT= '3e11fa47-71ca-11e1-9e33-c80aa9429562:5'")).toBe(
      '3e11fa47-71ca-11e1-9e33-c80aa9429562:5',
    );
    expect(gtidOfBinlogEvent('Gtid_tagged_log_event', "SET @@SESSION.GTID_NEXT= '3e11fa47-71ca-11e1-9e33-c80aa9429562:blue:5'")).toBe(
      '3e11fa47-71ca-11e1-9e33-c80aa9429562:blue:5',
    );
    expect(gtidOfBinlogEvent('Query', 'BEGIN')).toBeUndefined();
    expect(gtidOfBinlogEvent('Gtid_list', '[0-1-17]')).toBeUndefined();
  });

  it('quotes account names and file names as string literals', () => {
    expect(showGrants("o'neil", '%').sql).toBe("SHOW GRANTS FOR 'o''neil'@'%'");
    expect(showGrants('reader', '').sql).toBe("SHOW GRANTS FOR 'reader'");
    expect(binlogEvents("b'in.000001").sql).toBe("SHOW BINLOG EVENTS IN 'b''in.000001'");
  });

  it('cuts key ranges with row constructors for composite keys', () => {
    const s = chunkChecksum('db', 't', ['a', 'b'], [{ name: 'a', type: 'int' }], { lo: [1, 2], hi: [3, 4] });
    expect(s.sql).toContain('WHERE (`a`, `b`) > (?, ?) AND (`a`, `b`) <= (?, ?)');
    expect(s.values).toEqual([1, 2, 3, 4]);
    const b = nextChunkBoundary('db', 't', ['id'], undefined, 1000);
    expect(b.sql).toMatch(/ORDER BY `id` LIMIT 1 OFFSET 999$/);
  });

  it('fingerprints live rows with CRC32: strings as their bytes after their length, large values by their own CRC32', () => {
    const e = liveRowHashExpr([
      { name: 'id', type: 'int' },
      { name: 's', type: 'varchar' },
      { name: 'b', type: 'longblob' },
      { name: 'f', type: 'float' },
    ]);
    expect(e).toBe(
      "CRC32(CONCAT_WS('#', `id`, OCTET_LENGTH(`s`), CAST(`s` AS BINARY), OCTET_LENGTH(`b`), CRC32(`b`), CAST(`f` AS DOUBLE), CONCAT(ISNULL(`id`), ISNULL(`s`), ISNULL(`b`), ISNULL(`f`))))",
    );
    // stored fingerprints (state files) keep SHA-256: a live comparison never changes them
    expect(chunkChecksum('db', 't', ['id'], [{ name: 'id', type: 'int' }], {}).sql).toContain('SHA2(');
    expect(chunkChecksum('db', 't', ['id'], [{ name: 'id', type: 'int' }], {}, true).sql).toContain('CRC32(');
  });

  it('cuts a differing chunk into groups of neighbouring integer keys, and reads one group only', () => {
    const cols = [
      { name: 'id', type: 'bigint' },
      { name: 'c', type: 'char' },
    ];
    expect(groupableKey(['id'], cols)).toBe(true);
    expect(groupableKey(['c'], cols)).toBe(false);
    expect(groupableKey(['id', 'c'], cols)).toBe(false);
    const g = keyGroups('db', 't', ['id'], cols, { lo: [100], hi: [200] }, 128);
    expect(g.sql).toMatch(/^SELECT CAST\(`id` DIV 128 AS CHAR\) AS g, COUNT\(\*\) AS n, .* WHERE `id` > \? AND `id` <= \? GROUP BY g$/);
    expect(g.values).toEqual([100, 200]);
    const r = chunkRows({ db: 'db', table: 't', pk: ['id'], cols, r: { lo: [100], hi: [200] } }, true, { width: 128, group: '1' });
    expect(r.sql).toContain('WHERE `id` > ? AND `id` <= ? AND `id` DIV 128 = CAST(? AS DECIMAL(20, 0)) ORDER BY `id`');
    expect(r.values).toEqual([100, 200, '1']);
    expect(chunkRows({ db: 'db', table: 't', pk: ['id'], cols, r: {} }, true, { width: 128, group: '0' }).sql).toContain(
      'WHERE `id` DIV 128 = CAST(',
    );
  });
});
