import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { enumValues, generateRows, intRange, orderByForeignKeys, type ColumnModel, type TableModel } from './generate.js';

const col = (name: string, columnType: string, o: Partial<ColumnModel> = {}): ColumnModel => {
  const dataType = /^\w+/.exec(columnType)![0]!.toLowerCase();
  const len = /\((\d+)\)/.exec(columnType);
  const dec = /\((\d+),(\d+)\)/.exec(columnType);
  return {
    name,
    dataType,
    columnType,
    nullable: false,
    maxLength: /char|binary/.test(dataType) && len ? Number(len[1]) : dataType === 'text' ? 65535 : null,
    precision: dec ? Number(dec[1]) : dataType === 'bit' && len ? Number(len[1]) : null,
    scale: dec ? Number(dec[2]) : null,
    fsp: /^(datetime|timestamp|time)\((\d)\)/.exec(columnType) ? Number(/\((\d)\)/.exec(columnType)![1]) : null,
    charset: /char|text/.test(dataType) ? 'utf8mb4' : null,
    autoIncrement: false,
    generated: false,
    ...o,
  };
};

const customer: TableModel = {
  db: 'shop',
  name: 'customer',
  foreignKeys: [],
  uniques: [['id'], ['email']],
  columns: [
    col('id', 'int(10) unsigned', { autoIncrement: true }),
    col('email', 'varchar(12)'),
    col('name', 'varchar(5)'),
    col('latin', 'char(3)', { charset: 'latin1', nullable: true }),
    col('note', 'text', { nullable: true }),
    col('status', "enum('new','it''s','gone')"),
    col('balance', 'decimal(6,2)'),
    col('created', 'timestamp(3)'),
    col('flag', 'tinyint(1)'),
    col('small', 'tinyint(4)', { nullable: true }),
    col('shape', 'geometry', { nullable: true }),
    col('full_name', 'varchar(20)', { generated: true }),
  ],
};
const orders: TableModel = {
  db: 'shop',
  name: 'orders',
  uniques: [['id']],
  columns: [
    col('id', 'bigint(20)'),
    col('customer_id', 'int(10) unsigned'),
    col('parent_id', 'bigint(20)', { nullable: true }),
    col('total', 'double'),
  ],
  foreignKeys: [
    { columns: ['customer_id'], refDb: 'shop', refTable: 'customer', refColumns: ['id'] },
    { columns: ['parent_id'], refDb: 'shop', refTable: 'orders', refColumns: ['id'] },
  ],
};
const orderTag: TableModel = {
  db: 'shop',
  name: 'order_tag',
  uniques: [['order_id', 'tag']],
  columns: [col('order_id', 'bigint(20)'), col('tag', "enum('a','b','c')")],
  foreignKeys: [{ columns: ['order_id'], refDb: 'shop', refTable: 'orders', refColumns: ['id'] }],
};

const values = (g: ReturnType<typeof generateRows>[number], c: string) => g.rows.map((r) => r[g.columns.indexOf(c)]);
const codePoints = (s: string) => [...s].length;

describe('row generator', () => {
  const [gt, go, gc] = generateRows([orderTag, orders, customer], 300, 7);

  it('orders tables so referenced ones come first', () => {
    expect(orderByForeignKeys([orderTag, orders, customer]).map((t) => t.name)).toEqual(['customer', 'orders', 'order_tag']);
  });

  it('makes the rows asked for, without generated columns', () => {
    expect(gc!.rows).toHaveLength(300);
    expect(go!.rows).toHaveLength(300);
    expect(gc!.columns).not.toContain('full_name');
  });

  it('respects lengths in characters, ranges, enum values and decimal digits', () => {
    for (const v of values(gc!, 'email')) expect(codePoints(v as string)).toBeLessThanOrEqual(12);
    for (const v of values(gc!, 'name')) expect(codePoints(v as string)).toBeLessThanOrEqual(5);
    for (const v of values(gc!, 'latin')) if (v !== null) expect(v).toMatch(/^[\x20-\x7e]{0,3}$/);
    for (const v of values(gc!, 'status')) expect(['new', "it's", 'gone']).toContain(v);
    for (const v of values(gc!, 'balance')) expect(v).toMatch(/^-?\d{1,4}\.\d{2}$/);
    for (const v of values(gc!, 'created')) expect(v).toMatch(/^(19[7-9]\d|20[0-3]\d)-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}$/);
    for (const v of values(gc!, 'flag')) expect(['0', '1']).toContain(v);
    for (const v of values(gc!, 'small')) if (v !== null) expect(Number(v)).toBeGreaterThanOrEqual(-128);
    expect(new Set(values(gc!, 'name').map((v) => codePoints(v as string))).size).toBeGreaterThan(3);
  });

  it('never puts NULL in a NOT NULL column, and sometimes in a NULL-able one', () => {
    for (const c of ['id', 'email', 'name', 'status', 'balance', 'created', 'flag']) expect(values(gc!, c)).not.toContain(null);
    expect(values(gc!, 'note').filter((v) => v === null).length).toBeGreaterThan(5);
    expect(values(gc!, 'note').filter((v) => v !== null).length).toBeGreaterThan(200);
    expect(values(gc!, 'shape').every((v) => v === null)).toBe(true); // unknown type, NULL-able: NULL
  });

  it('keeps every unique key unique, also under a case-insensitive collation', () => {
    expect(new Set(values(gc!, 'id')).size).toBe(300);
    expect(new Set(values(gc!, 'email').map((v) => String(v).toLowerCase())).size).toBe(300);
    expect(new Set(gt!.rows.map((r) => `${r[0]}|${r[1]}`)).size).toBe(gt!.rows.length);
    expect(gt!.rows.length).toBeGreaterThan(100);
  });

  it('takes every foreign key value from the referenced rows (self-references from earlier rows)', () => {
    const ids = new Set(values(gc!, 'id'));
    for (const v of values(go!, 'customer_id')) expect(ids.has(v)).toBe(true);
    const oids = values(go!, 'id');
    go!.rows.forEach((r, i) => {
      const p = r[2];
      if (p !== null) expect(oids.slice(0, i)).toContain(p);
    });
    expect(values(go!, 'parent_id')[0]).toBeNull();
    const all = new Set(oids);
    for (const v of values(gt!, 'order_id')) expect(all.has(v)).toBe(true);
  });

  it('is deterministic for a seed', () => {
    expect(generateRows([customer], 20, 3)[0]!.rows).toEqual(generateRows([customer], 20, 3)[0]!.rows);
    expect(generateRows([customer], 20, 3)[0]!.rows).not.toEqual(generateRows([customer], 20, 4)[0]!.rows);
  });

  it('stops at the size of a small unique domain and says so', () => {
    const t: TableModel = { db: 'd', name: 'tiny', uniques: [['k']], foreignKeys: [], columns: [col('k', 'tinyint(3) unsigned')] };
    const [g] = generateRows([t], 1000);
    expect(g!.rows.length).toBe(255);
    expect(g!.notes.join()).toMatch(/holds only 255/);
    const t2: TableModel = { db: 'd', name: 'nn', uniques: [], foreignKeys: [], columns: [col('g', 'geometry')] };
    expect(generateRows([t2], 5)[0]!.notes.join()).toMatch(/NOT NULL and of a type/);
  });

  it('knows integer ranges and enum values', () => {
    expect(intRange(col('a', 'int(10) unsigned'))).toEqual([0n, 4294967295n]);
    expect(intRange(col('a', 'bigint(20)'))[0]).toBe(-9223372036854775808n);
    expect(enumValues("set('x','y,z','q''r')")).toEqual(['x', 'y,z', "q'r"]);
  });

  it('respects any VARCHAR length and charset (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.constantFrom('utf8mb4', 'utf8mb3', 'latin1'), fc.boolean(), (n, cs, uniq) => {
        const t: TableModel = {
          db: 'd',
          name: 'p',
          uniques: uniq ? [['v']] : [],
          foreignKeys: [],
          columns: [col('v', `varchar(${n})`, { charset: cs })],
        };
        const [g] = generateRows([t], 30);
        for (const [v] of g!.rows) {
          expect(codePoints(v as string)).toBeLessThanOrEqual(n);
          if (cs === 'utf8mb3') expect([...(v as string)].every((ch) => ch.codePointAt(0)! <= 0xffff)).toBe(true);
          if (cs === 'latin1') expect(v).toMatch(/^[\x20-\x7e]*$/);
        }
        if (uniq) expect(new Set(g!.rows.map((r) => String(r[0]).toLowerCase())).size).toBe(g!.rows.length);
      }),
      { numRuns: 40 },
    );
  });
});
