import { describe, expect, it } from 'vitest';
import { datasetFrom } from './dataset-options.js';
import { parseParamArgs } from './options.js';

describe('--dataset and --param', () => {
  it('names each source', () => {
    expect(datasetFrom({})).toBeUndefined();
    expect(datasetFrom({ dataset: 'sakila' })).toEqual({ kind: 'sakila' });
    expect(datasetFrom({ dataset: 'none' })).toEqual({ kind: 'none' });
    expect(datasetFrom({ dataset: 'dumps/prod.sql.zst' })).toEqual({ kind: 'dump', path: 'dumps/prod.sql.zst' });
    expect(datasetFrom({ dataset: 'schema.sql', rows: '500', seed: '3' })).toEqual({
      kind: 'schema',
      path: 'schema.sql',
      rows: 500,
      seed: 3,
    });
  });
  it("takes a live server's password from the environment, never from argv", () => {
    process.env['FD_TEST_PW'] = 'p@ss:w/rd';
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a DSN's ${VAR} is literal text, expanded from the environment
    const s = datasetFrom({ dataset: 'mysql://reader:${FD_TEST_PW}@db.internal:3307', databases: 'shop, billing' });
    expect(s).toEqual({
      kind: 'live',
      server: { user: 'reader', password: 'p@ss:w/rd', host: 'db.internal', port: 3307, tls: { mode: 'PREFERRED' } },
      databases: ['shop', 'billing'],
    });
    // biome-ignore lint/suspicious/noTemplateCurlyInString: as above
    expect(() => datasetFrom({ dataset: 'mysql://reader:${FD_UNSET_VAR}@h:1' })).toThrow(/FD_UNSET_VAR .* is not set/);
  });
  it("keeps the DSN's TLS options for the live copy, and reads its path as the database to copy", () => {
    const s = datasetFrom({ dataset: 'mysql://reader:pw@db.internal/shop?ssl-mode=VERIFY_CA&ssl-ca=/etc/ca.pem' });
    expect(s).toEqual({
      kind: 'live',
      server: { user: 'reader', password: 'pw', host: 'db.internal', port: 3306, tls: { mode: 'VERIFY_CA', ca: '/etc/ca.pem' } },
      databases: ['shop'],
    });
    expect(() => datasetFrom({ dataset: 'mysql://reader:pw@db.internal/shop', databases: 'billing' })).toThrow(
      /path names database shop, --databases names billing/,
    );
  });
  it('refuses options that do not go together', () => {
    expect(() => datasetFrom({ rows: '5' })).toThrow(/go with --dataset/);
    expect(() => datasetFrom({ dataset: 'sakila', rows: '5' })).toThrow(/schema file/);
    expect(() => datasetFrom({ dataset: 'x.sql', databases: 'a' })).toThrow(/live/);
    expect(() => datasetFrom({ dataset: 'x.sql', rows: 'many' })).toThrow(/whole number/);
  });
  it('reads numbers as numbers and the rest as strings', () => {
    expect(parseParamArgs(['bulkMb=2', 'dropTable=shop.orders', 'ratio=-0.5', 'empty='])).toEqual({
      bulkMb: 2,
      dropTable: 'shop.orders',
      ratio: -0.5,
      empty: '',
    });
    expect(() => parseParamArgs(['noequals'])).toThrow(/expected name=value/);
  });
});
