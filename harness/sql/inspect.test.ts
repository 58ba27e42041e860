import { describe, expect, it } from 'vitest';
import {
  binlogEvents,
  chunkChecksum,
  gtidOfBinlogEvent,
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
});
