import { describe, expect, it } from 'vitest';
import { cloneBlindSpots } from './clone.js';
import type { Snapshot } from '../verify/index.js';

const state = (rows: string) => ({ checksum: null, checkOk: true, checkMessages: [], rows: { n: rows, x: '0', s: '0' } });

describe('clone backup: what it will not carry, said at backup time', () => {
  it('names every non-InnoDB table with its row count; InnoDB tables, views and routines are not named', () => {
    const snap: Snapshot = {
      takenAt: '2026-11-29T00:00:00Z',
      databases: ['shop'],
      tables: { 'shop.orders': state('120'), 'shop.audit': state('42'), 'shop.cache': state('0') },
      objects: {
        'DATABASE shop': 'CREATE DATABASE `shop`',
        'TABLE shop.orders': 'CREATE TABLE `orders` (`id` int NOT NULL) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4',
        'TABLE shop.audit': 'CREATE TABLE `audit` (`id` int NOT NULL) ENGINE=MyISAM DEFAULT CHARSET=utf8mb4',
        'TABLE shop.cache': 'CREATE TABLE `cache` (`k` int) ENGINE=MEMORY',
        'VIEW shop.v': 'CREATE VIEW `v` AS select 1 AS `ENGINE=MyISAM`',
      },
    };
    const w = cloneBlindSpots(snap);
    expect(w).toHaveLength(2);
    expect(w[0]).toMatch(/^shop\.audit is MyISAM \(42 rows\): the clone plugin copies InnoDB data only, so it restores empty/);
    expect(w[1]).toMatch(/^shop\.cache is MEMORY \(0 rows\)/);
  });
  it('an all-InnoDB server: nothing to say', () => {
    expect(
      cloneBlindSpots({
        takenAt: '',
        databases: ['a'],
        tables: { 'a.t': state('1') },
        objects: { 'TABLE a.t': 'CREATE TABLE `t` (`id` int) ENGINE=InnoDB' },
      }),
    ).toEqual([]);
  });
});
