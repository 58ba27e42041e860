import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, leftovers } from './helpers.js';

// F6's drill half: a drill that copies a node physically names, before it starts, the dataset's MEMORY tables (a
// physical copy holds their definition, not their rows) and judges the rest. A small drill of a team's own, ONE run
// (docker time): the backup replica's backup is restored twice; 'restored' is verified against the snapshot, caught
// up and compared with the primary (it must pass, the MEMORY table named as not carried); 'damaged' gets one changed
// row of an InnoDB table (on it alone) and must fail, naming that table only.
const DATASET = `CREATE DATABASE \`shop\`;
USE \`shop\`;
CREATE TABLE \`orders\` (
  \`id\` int NOT NULL,
  \`total\` int NOT NULL,
  PRIMARY KEY (\`id\`)
) ENGINE=InnoDB;
INSERT INTO \`orders\` VALUES (1,10),(2,20),(3,30);
CREATE TABLE \`sessions\` (
  \`token\` varchar(32) NOT NULL,
  \`user_id\` int NOT NULL,
  PRIMARY KEY (\`token\`)
) ENGINE=MEMORY;
INSERT INTO \`sessions\` VALUES ('a',1),('b',2);
`;

const DRILL = `import {
  defineScenario, phase, primaryReplicas, datasetPlusBulk, ALL_FLAVORS, step, stopWorkload, converge,
  physicalBackup, restoreLatest, verifyAgainstSnapshot, catchUpFromSources, equalsPrimary,
} from 'firedrill';

// the planted damage: one row of an InnoDB table changed on 'damaged' alone
const changeOrder = step('change one order on damaged alone', async (ctx) => {
  const n = ctx.topo.get('damaged');
  await n.query({ sql: 'SET SESSION sql_log_bin = 0' });
  await n.query({ sql: 'UPDATE shop.orders SET total = total + 1 WHERE id = 2' });
});

export default defineScenario({
  id: 'memory-restore',
  description: 'the backup replica is backed up and restored twice; one copy is damaged',
  flavors: ALL_FLAVORS,
  ...datasetPlusBulk(0),
  topology: primaryReplicas({ replicas: [], backupReplicas: ['backup-replica'] }),
  workload: { writers: 1, ratePerSec: 50 },
  phases: [
    phase('backup', [physicalBackup('backup-replica')]),
    phase('restore', [restoreLatest('restored'), verifyAgainstSnapshot('restored'), restoreLatest('damaged')], { recovery: true }),
    phase('verify', [
      catchUpFromSources('restored'), catchUpFromSources('damaged'), stopWorkload(), converge(['restored', 'damaged']),
      changeOrder, equalsPrimary('restored'), equalsPrimary('damaged'),
    ]),
  ],
  rpoNode: 'restored',
});
`;

interface Result {
  runId: string;
  verdict: string;
  observations: Record<string, unknown>;
  checks: Array<{ name: string; valid: boolean; details: Record<string, unknown> }>;
}

describe('a drill that copies a node physically names what the copy cannot carry, before it starts (F6)', () => {
  let dir: string;
  let stderr: string;
  let result: Result;
  const named = (name: string) => result.checks.find((c) => c.name === name)!;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fd-drill-limits-'));
    await writeFile(join(dir, 'shop.sql'), DATASET);
    await writeFile(join(dir, 'memory-restore.ts'), DRILL);
    const r = await cli(['run', join(dir, 'memory-restore.ts'), '--dataset', join(dir, 'shop.sql'), '--json']);
    stderr = r.stderr;
    result = JSON.parse(r.stdout) as Result;
    expect(r.code, r.stderr.slice(-3000)).toBe(1); // the damaged copy fails the drill
    expect(await leftovers(result.runId)).toEqual([]);
  }, 300_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('names the MEMORY table before anything starts and in result.json; the restored copy passes, its rows judged as not carried', () => {
    const said = stderr.indexOf("limit of the method: a MEMORY table's rows live in the server's memory");
    expect(said).toBeGreaterThanOrEqual(0);
    expect(stderr.slice(said).split('\n')[0]).toMatch(/shop\.sessions \(MEMORY\)/);
    expect(said).toBeLessThan(stderr.indexOf('starting ')); // said before the topology starts
    expect(result.observations['limitsOfTheMethod']).toEqual([expect.objectContaining({ table: 'shop.sessions', engine: 'MEMORY' })]);
    // the MEMORY table came back empty: judged as not carried in both comparisons, the rest compared and equal
    for (const c of [named('restored-data-equals-primary'), named('restored-checksum-table')]) {
      expect(c.valid).toBe(true);
      expect(c.details['notCarried']).toEqual([expect.objectContaining({ table: 'shop.sessions' })]);
    }
    expect(result.checks.filter((c) => c.name.startsWith('restored-') && !c.valid)).toEqual([]);
  });

  it('a changed row of an InnoDB table still fails the drill, naming that table only', () => {
    expect(result.verdict).toBe('fail');
    expect(result.checks.filter((c) => !c.valid).map((c) => c.name)).toEqual(['damaged-data-equals-primary']);
    const d = named('damaged-data-equals-primary').details['differences'] as Array<{ object: string }>;
    expect([...new Set(d.map((x) => x.object))]).toEqual(['orders']);
  });
});
