import { describe, expect, it } from 'vitest';
import { checksumsEqual, compareObjects, compareSnapshots, firstDifferentLine, tablesHealthy } from './compare-snapshot.js';
import { mangledName } from './equivalence.js';
import { normaliseDefinition, type Snapshot } from './snapshot.js';

const snap = (tables: Snapshot['tables'], objects: Snapshot['objects'] = {}): Snapshot => ({
  takenAt: '',
  databases: ['sakila'],
  tables,
  objects,
});
const t = (checksum: string | null, checkOk = true) => ({
  checksum,
  checkOk,
  checkMessages: checkOk ? ['status: OK'] : ['error: Corrupt'],
});

describe('snapshot comparison', () => {
  it('passes equal snapshots', () => {
    const a = snap({ 'sakila.actor': t('1'), 'sakila.film': t('2') }, { 'VIEW sakila.v': 'CREATE VIEW v AS SELECT 1' });
    expect(compareSnapshots(a, structuredClone(a)).every((c) => c.valid)).toBe(true);
  });

  it('names every table whose checksum differs, is missing, unexpected or unavailable — not just the first', () => {
    const r = checksumsEqual(
      snap({ 'sakila.actor': t('1'), 'sakila.film': t('2'), 'sakila.gone': t('3'), 'sakila.mem': t(null) }),
      snap({ 'sakila.actor': t('9'), 'sakila.film': t('2'), 'sakila.new': t('4'), 'sakila.mem': t('5') }),
    );
    expect(r.valid).toBe(false);
    const d = r.details['differences'] as Array<{ object: string; kind: string }>;
    expect(d.map((x) => `${x.object}:${x.kind}`)).toEqual([
      'actor:checksum-differs',
      'gone:table-missing',
      'mem:checksum-unavailable',
      'new:table-unexpected',
    ]);
  });

  it('with row fingerprints, the rows decide: a checksum mismatch the rows refute passes (noted), a rows mismatch fails', () => {
    const rows = (n: string, x: string) => ({ n, x, s: x });
    const withRows = (checksum: string | null, r: { n: string; x: string; s: string } | null, type = 'BASE TABLE') => ({
      ...t(checksum),
      type,
      rows: r,
    });
    const e = snap({
      'db.gen': withRows('111', rows('3', '42')),
      'db.chg': withRows('5', rows('3', '7')),
      'db.seq': withRows(null, rows('1', '9'), 'SEQUENCE'),
      'db.hist': withRows('8', rows('4', '1'), 'SYSTEM VERSIONED'),
      'db.gone': withRows(null, null),
    });
    const a = snap({
      'db.gen': withRows('222', rows('3', '42')),
      'db.chg': withRows('6', rows('3', '8')),
      'db.seq': withRows(null, rows('1', '10'), 'SEQUENCE'),
      'db.hist': withRows('8', rows('5', '2'), 'SYSTEM VERSIONED'),
      'db.gone': withRows(null, rows('0', '0')),
    });
    const r = checksumsEqual(e, a);
    const d = r.details['differences'] as Array<{ object: string; kind: string }>;
    expect(d.map((x) => `${x.object}:${x.kind}`)).toEqual([
      'chg:rows-differ',
      'gone:rows-not-readable',
      'hist:history-differs',
      'seq:sequence-state-differs',
    ]);
    expect(r.details['checksumMismatchesRefutedByRows']).toEqual(['db.gen']);
    // Equal checksums settle an ordinary table; never a system-versioned one (its history is compared).
    expect(checksumsEqual(snap({ 'db.x': withRows('1', rows('1', '1')) }), snap({ 'db.x': withRows('1', rows('2', '2')) })).valid).toBe(
      true,
    );
  });

  it("a system-versioned table's current rows are said apart when its history differs, so a judge who sets the history aside still sees them", () => {
    const fp = (n: string, x: string) => ({ n, x, s: x });
    const hist = (history: ReturnType<typeof fp>, current: ReturnType<typeof fp>) => ({
      ...t('8'),
      type: 'SYSTEM VERSIONED',
      rows: history,
      current,
    });
    // a dump without its history: fewer versions, the same current rows: history-differs only
    const noHistory = checksumsEqual(
      snap({ 'db.h': hist(fp('6', '1'), fp('2', '5')) }),
      snap({ 'db.h': hist(fp('2', '3'), fp('2', '5')) }),
    );
    expect((noHistory.details['differences'] as Array<{ kind: string }>).map((d) => d.kind)).toEqual(['history-differs']);
    // a current row changed as well: said apart
    const changed = checksumsEqual(snap({ 'db.h': hist(fp('6', '1'), fp('2', '5')) }), snap({ 'db.h': hist(fp('2', '3'), fp('2', '6')) }));
    expect((changed.details['differences'] as Array<{ kind: string }>).map((d) => d.kind)).toEqual([
      'history-differs',
      'current-rows-differ',
    ]);
  });

  it('an object whose definition could not be read is a difference, even when both sides failed alike', () => {
    const bad = '<definition not readable: SHOW CREATE PROCEDURE returned no text>';
    const r = compareObjects(
      { 'PROCEDURE db.p': bad, 'VIEW db.v': 'CREATE VIEW v AS SELECT 1' },
      { 'PROCEDURE db.p': bad, 'VIEW db.v': bad },
    );
    expect((r.details['differences'] as Array<{ object: string; kind: string }>).map((x) => `${x.object}:${x.kind}`)).toEqual([
      'p:procedure-definition-not-readable',
      'v:view-definition-not-readable',
    ]);
  });

  it('fails CHECK TABLE errors with the messages', () => {
    const r = tablesHealthy(snap({ 'sakila.actor': t('1', false) }));
    expect(r.valid).toBe(false);
    expect(JSON.stringify(r.details)).toContain('Corrupt');
  });

  it('lists a table its engine cannot check (MEMORY, SEQUENCE) as unchecked: not an error, not counted as checked', () => {
    const mem = { checksum: null, checkOk: false, checkMessages: ["note: The storage engine for the table doesn't support check"] };
    const r = tablesHealthy(snap({ 'sakila.actor': t('1'), 'sakila.mem': { ...mem, checkUnsupported: true } }));
    expect(r.valid).toBe(true);
    expect(r.details).toMatchObject({ tablesChecked: 1, tablesUnchecked: ['sakila.mem'] });
    // the same answer without the mark (an older snapshot) and a damaged table beside it are still errors
    const bad = tablesHealthy(snap({ 'sakila.mem': mem, 'sakila.actor': t('1', false) }));
    expect((bad.details['differences'] as Array<{ object: string }>).map((d) => d.object)).toEqual(['mem', 'actor']);
  });

  it('names a changed, missing and unexpected schema object with the first differing line', () => {
    const r = compareObjects(
      { 'TRIGGER sakila.ins_film': 'CREATE TRIGGER a\nBEGIN\n INSERT 1;\nEND', 'PROCEDURE sakila.p': 'x', 'DATABASE sakila': 'd' },
      { 'TRIGGER sakila.ins_film': 'CREATE TRIGGER a\nBEGIN\n INSERT 2;\nEND', 'FUNCTION sakila.f': 'y', 'DATABASE sakila': 'd' },
    );
    const d = r.details['differences'] as Array<Record<string, unknown>>;
    expect(d).toContainEqual({ database: 'sakila', object: 'f', kind: 'function-unexpected' });
    expect(d).toContainEqual({ database: 'sakila', object: 'p', kind: 'procedure-missing' });
    expect(d).toContainEqual({
      database: 'sakila',
      object: 'ins_film',
      kind: 'trigger-definition-differs',
      where: 'line 3',
      expected: ' INSERT 1;',
      actual: ' INSERT 2;',
    });
  });

  it('ignores only the AUTO_INCREMENT counter in table definitions', () => {
    expect(normaliseDefinition('TABLE', 'CREATE TABLE t (...) ENGINE=InnoDB AUTO_INCREMENT=201 DEFAULT CHARSET=utf8mb4')).toBe(
      'CREATE TABLE t (...) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4',
    );
    expect(normaliseDefinition('VIEW', 'x AUTO_INCREMENT=3')).toBe('x AUTO_INCREMENT=3');
    expect(firstDifferentLine('a\nb', 'a')).toEqual({ line: 2, expected: 'b', actual: '<end>' });
  });
});

describe('a routine a MySQL replica holds under its name read as latin1 once more (F23: MySQL Bug #59124)', () => {
  const body = (n: string) =>
    `CREATE DEFINER=\`root\`@\`localhost\` FUNCTION \`${n}\`(s VARCHAR(20)) RETURNS varchar(40)\nRETURN CONCAT(s, '-')`;
  // measured on MySQL 9.7.4 (F23): the source's name (the UTF-8 bytes of данные46 read as cp1252 once), the replica's
  // (read once more: 0x91 is ‘ and 0x80 is € in cp1252, not C1 controls), and the name inside each SHOW CREATE text
  const name = Buffer.from('C390C2B4C390C2B0C390C2BDC390C2BDC391E280B9C390C2B53436', 'hex').toString('utf8');
  const read = Buffer.from(
    'c383c290c382c2b4c383c290c382c2b0c383c290c382c2bdc383c290c382c2bdc383e28098c3a2e282acc2b9c383c290c382c2b53436',
    'hex',
  ).toString('utf8');
  const twice = (n: string) => mangledName(n, 'windows-1252');
  it('the pair (missing under its name, there under the mangled one, same definition) is explained as a warning, naming both', () => {
    // SHOW CREATE returns the text in the routine's character_set_client (latin1): the name inside reads mangled once more
    expect(twice(name)).toBe(read);
    const c = compareObjects({ [`FUNCTION key.${name}`]: body(read) }, { [`FUNCTION key.${read}`]: body(twice(read)) });
    expect(c.valid).toBe(true);
    expect(c.details['explained']).toEqual([
      expect.objectContaining({
        rule: 'routine-name-binlogged-in-utf8-under-client-charset',
        severity: 'warning',
        kind: 'function-missing',
        expected: name,
        actual: read,
        cite: expect.stringContaining('bug.php?id=59124'),
      }),
    ]);
  });
  it('another body under the mangled name, another name, or an ASCII name stay differences', () => {
    const changed = compareObjects({ [`FUNCTION key.${name}`]: body(name) }, { [`FUNCTION key.${read}`]: `${body(read)} -- changed` });
    expect((changed.details['differences'] as Array<{ kind: string; object: string }>).map((d) => [d.kind, d.object]).sort()).toEqual([
      ['function-missing', name],
      ['function-unexpected', read],
    ]);
    expect(compareObjects({ [`FUNCTION key.${name}`]: body(name) }, { [`FUNCTION key.${read}x`]: body(`${read}x`) }).valid).toBe(false);
    expect(compareObjects({ 'FUNCTION key.f': body('f') }, { 'FUNCTION key.g': body('g') }).valid).toBe(false);
  });
});
