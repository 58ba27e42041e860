import { describe, expect, it } from 'vitest';
import { isOwnDatabase, ownNames, parseConfig } from './config.js';
import { flavor, UsageError } from '../core/index.js';

describe('config', () => {
  it('accepts an image per known flavor', () => {
    expect(parseConfig('{"images":{"mariadb-10.11":"registry.example/mariadb:10.11"}}', 'f').images['mariadb-10.11']).toBe(
      'registry.example/mariadb:10.11',
    );
  });
  it.each([
    ['not json', /not valid JSON/],
    ['[]', /must be a JSON object/],
    ['{"image":{}}', /unknown key 'image'/],
    ['{"images":{"postgres":"x"}}', /unknown flavor 'postgres'/],
    ['{"images":{"mariadb-10.11":"a b"}}', /not an image reference/],
  ])('refuses %s with a usage error', (text, re) => {
    expect(() => parseConfig(text, 'firedrill.config.json')).toThrow(UsageError);
    expect(() => parseConfig(text, 'firedrill.config.json')).toThrow(re);
  });
  it('refuses an unknown flavor id', () => {
    expect(() => flavor('mariadb-5.5')).toThrow(/unknown flavor 'mariadb-5.5' \(known: mariadb-10.5, mariadb-10.11/);
  });
});

describe('config: own names, drill folders, suites', () => {
  it('reads them, paths relative to the config file', () => {
    const c = parseConfig(
      JSON.stringify({
        ownSchema: 'fd',
        accounts: { admin: 'fd_admin', replication: 'fd_repl' },
        drillFolders: ['ops/drills'],
        suites: {
          nightly: {
            dataset: 'dumps/orders.sql.zst',
            serverConfig: 'my.cnf',
            drills: [
              'replica-kill-restore',
              { scenario: 'pitr-accidental-drop', flavor: 'mariadb-11.8', params: { dropTable: 'orders.lines', bulkMb: 0 } },
              'ops/mine.ts',
            ],
          },
        },
      }),
      '/etc/firedrill/firedrill.config.json',
    );
    expect(c.drillFolders).toEqual(['/etc/firedrill/ops/drills']);
    expect(c.suites['nightly']).toEqual({
      dataset: '/etc/firedrill/dumps/orders.sql.zst',
      serverConfig: '/etc/firedrill/my.cnf',
      drills: [
        { scenario: 'replica-kill-restore' },
        { scenario: 'pitr-accidental-drop', flavor: 'mariadb-11.8', params: { dropTable: 'orders.lines', bulkMb: 0 } },
        { scenario: '/etc/firedrill/ops/mine.ts' },
      ],
    });
    expect(ownNames(c)).toEqual({ schema: 'fd', bulk: 'fd_bulk', targets: 'fd_targets', admin: 'fd_admin', repl: 'fd_repl' });
    expect(isOwnDatabase(ownNames(c), 'FD_a')).toBe(true);
    expect(isOwnDatabase(ownNames(c), 'fdx')).toBe(false);
  });
  it('defaults: firedrill, firedrill_repl', () => {
    expect(ownNames(parseConfig('{}', 'f'))).toEqual({
      schema: 'firedrill',
      bulk: 'firedrill_bulk',
      targets: 'firedrill_targets',
      admin: 'firedrill',
      repl: 'firedrill_repl',
    });
  });
  it.each([
    ['{"ownSchema":"my-db"}', /ownSchema/],
    ['{"accounts":{"admin":"a","replication":"a"}}', /must differ/],
    ['{"accounts":{"root":"a"}}', /unknown key 'root'/],
    ['{"suites":{"s":{"drills":[]}}}', /non-empty list/],
    ['{"suites":{"s":{"drills":[{"scenario":"x","flavor":"pg-16"}]}}}', /unknown flavor 'pg-16'/],
    ['{"suites":{"s":{"drills":["x"],"datasets":"y"}}}', /unknown key 'datasets'/],
  ])('refuses %s', (text, re) => {
    expect(() => parseConfig(text, 'c.json')).toThrow(re);
  });
});
