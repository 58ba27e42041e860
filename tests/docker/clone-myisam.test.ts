// A finding measured on MySQL 9.7: the clone plugin copies InnoDB only; a MyISAM table comes back empty. The backup
// says so when it is taken (manifest and drill observation), and the restore drill proves the loss and fails.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, leftovers } from './helpers.js';

describe('clone backup of a server with a MyISAM table (mysql-9.7)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fd-clone-myisam-'));
    await writeFile(
      join(dir, 'team.sql'),
      [
        'CREATE DATABASE team;',
        'USE team;',
        'CREATE TABLE orders (id INT PRIMARY KEY, total DECIMAL(10,2)) ENGINE=InnoDB;',
        'INSERT INTO orders VALUES (1, 10.00), (2, 20.50), (3, 7.25);',
        'CREATE TABLE audit (id INT PRIMARY KEY, what VARCHAR(40)) ENGINE=MyISAM;',
        "INSERT INTO audit VALUES (1, 'login'), (2, 'logout');",
        '',
      ].join('\n'),
    );
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('warns at backup time naming the table, and the restore drill fails on its missing rows (exit 1)', async () => {
    const r = await cli([
      'run',
      'clone-restore',
      '--flavor',
      'mysql-9.7',
      '--dataset',
      join(dir, 'team.sql'),
      '--param',
      'bulkMb=0',
      '--json',
    ]);
    const result = JSON.parse(r.stdout);
    expect(r.code, r.stderr.slice(-2000)).toBe(1);
    const backup = Object.entries(result.observations).find(([k]) => k.startsWith('backup clone-'))?.[1] as { warnings?: string[] };
    expect(backup?.warnings).toEqual([
      expect.stringMatching(/^team\.audit is MyISAM \(2 rows\): the clone plugin copies InnoDB data only/),
    ]);
    expect(r.stderr).toMatch(/WARNING: team\.audit is MyISAM/);
    const failing = result.checks.filter((c: { valid: boolean }) => !c.valid);
    expect(failing.length).toBeGreaterThan(0);
    expect(JSON.stringify(failing)).toMatch(/audit/);
    expect(JSON.stringify(failing)).not.toMatch(/orders/);
    expect(await leftovers(result.runId)).toEqual([]);
  }, 600_000);
});
