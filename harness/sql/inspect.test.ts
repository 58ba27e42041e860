import { describe, expect, it } from 'vitest';
import { chunkChecksum, nextChunkBoundary, quoteId, rowHashExpr } from './inspect.js';

describe('inspection SQL', () => {
  it('quotes identifiers', () => { expect(quoteId('we`ird')).toBe('`we``ird`'); });

  it('fingerprints text as hex, numbers as text, spatial as WKB, and marks NULLs apart', () => {
    const e = rowHashExpr([{ name: 'id', type: 'int' }, { name: 'name', type: 'varchar' }, { name: 'loc', type: 'geometry' }]);
    expect(e).toContain('`id`');
    expect(e).toContain('HEX(`name`)');
    expect(e).toContain('HEX(ST_AsWKB(`loc`))');
    expect(e).toContain('ISNULL(`id`), ISNULL(`name`), ISNULL(`loc`)');
  });

  it('cuts key ranges with row constructors for composite keys', () => {
    const s = chunkChecksum('db', 't', ['a', 'b'], [{ name: 'a', type: 'int' }], { lo: [1, 2], hi: [3, 4] });
    expect(s.sql).toContain('WHERE (`a`, `b`) > (?, ?) AND (`a`, `b`) <= (?, ?)');
    expect(s.values).toEqual([1, 2, 3, 4]);
    const b = nextChunkBoundary('db', 't', ['id'], undefined, 1000);
    expect(b.sql).toMatch(/ORDER BY `id` LIMIT 1 OFFSET 999$/);
  });
});
