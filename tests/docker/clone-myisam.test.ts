// A finding measured on MySQL 9.7: the clone plugin copies InnoDB only; a MyISAM table comes back empty. The drill
// names that limit of the method before anything starts, the backup warns when it is taken, and the comparison judges
// the rest: the MyISAM table's rows are listed as not carried, every other table is compared (a changed InnoDB row
// still fails a drill: tests/docker/drill-limits.test.ts).
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

  it('names the MyISAM table before the drill starts and at backup time, judges the rest, and passes (exit 0)', async () => {
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
    expect(r.code, r.stderr.slice(-2000)).toBe(0);
    // said before the topology starts, as a property of the method
    const limitAt = r.stderr.search(/limit of the method: the clone plugin copies InnoDB data only.*team\.audit \(MyISAM\)/);
    expect(limitAt).toBeGreaterThanOrEqual(0);
    expect(limitAt).toBeLessThan(r.stderr.indexOf('phase setup'));
    const backup = Object.entries(result.observations).find(([k]) => k.startsWith('backup clone-'))?.[1] as { warnings?: string[] };
    expect(backup?.warnings).toEqual([
      expect.stringMatching(/^team\.audit is MyISAM \(2 rows\): the clone plugin copies InnoDB data only/),
    ]);
    expect(r.stderr).toMatch(/WARNING: team\.audit is MyISAM/);
    expect(result.checks.filter((c: { valid: boolean }) => !c.valid)).toEqual([]);
    // the restored node's data checks list the table as not carried; orders is compared
    const data = JSON.stringify(result.checks.filter((c: { name: string }) => /^restored-.*(checksum|data)/.test(c.name)));
    expect(data).toMatch(/notCarried[^\]]*team\.audit/);
    expect(await leftovers(result.runId)).toEqual([]);
  }, 600_000);
});
