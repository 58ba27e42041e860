// group-replication-primary-failover on MySQL 9.7 (the one flavor with Group Replication), its negative drill, and the
// bad input it refuses before anything starts. About 2 minutes a drill here: nightly (npm test forms the group only:
// tests/docker/group-replication.test.ts).
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../harness/runtime/index.js';
import { cli, leftovers } from '../docker/helpers.js';

const SHOP = resolve(projectRoot, 'fixtures/datasets/shop/shop.sql');
const MEMBERS = ['gr-1', 'gr-2', 'gr-3'];

type Result = {
  verdict: string;
  runId: string;
  rpo: { lostAcknowledgedWrites: number; node: string };
  checks: Array<{ name: string; valid: boolean; details: Record<string, unknown> }>;
  observations: Record<string, Record<string, unknown>>;
};
type View = { node: string; members: Array<{ host: string; state: string }> };

const drill = async (env?: Record<string, string>, params: string[] = []) => {
  const r = await cli(
    [
      'run',
      'group-replication-primary-failover',
      '--flavor',
      'mysql-9.7',
      '--dataset',
      SHOP,
      ...params.flatMap((p) => ['--param', p]),
      '--json',
    ],
    { env },
  );
  const result = JSON.parse(r.stdout) as Result;
  expect(await leftovers(result.runId)).toEqual([]);
  return { code: r.code, result, stderr: r.stderr };
};
const failed = (r: Result) => r.checks.filter((c) => !c.valid).map((c) => c.name);

describe('group-replication-primary-failover on mysql-9.7', () => {
  it('the primary SIGKILLed: the group elects another, the clients follow it, nothing acknowledged lost; it rejoins, all equal', async () => {
    const { code, result, stderr } = await drill();
    expect(result.verdict, stderr.slice(-3000)).toBe('pass');
    expect(code).toBe(0);
    const f = result.observations['failover']!;
    expect(f['failed']).toBe('gr-1');
    expect(['gr-2', 'gr-3']).toContain(f['promoted']);
    expect(f['by']).toBe('the group (automatic election)');
    // the clients wrote to gr-1 alone, then (nothing routed between) to the member the group elected
    expect((f['routes'] as Array<{ writable: string[] }>).map((x) => x.writable)).toEqual([['gr-1'], [], [f['promoted']]]);
    expect(result.rpo).toMatchObject({ lostAcknowledgedWrites: 0, node: f['promoted'] });
    expect(f['writeUnavailableMs']).toBeGreaterThan(0);
    const rto = f['rto'] as Record<string, number>;
    for (const k of ['detectionMs', 'promotionMs', 'repointMs', 'firstWriteMs']) expect(rto[k], k).toBeGreaterThanOrEqual(0);
    // the election: the survivors saw a group of two ONLINE members without gr-1, the elected one PRIMARY
    const view = (result.observations['promotion']!['survivors'] as View[]).find((s) => s.node === f['promoted']);
    expect(view?.members.map((m) => [m.host, m.state]).sort()).toEqual(MEMBERS.filter((m) => m !== 'gr-1').map((m) => [m, 'ONLINE']));
    for (const c of ['gr-2-refuses-writes', 'gr-3-refuses-writes', 'gr-1-rejoined-the-group', ...MEMBERS.map((m) => `${m}-ledger`)])
      expect(result.checks.find((x) => x.name === c)?.valid, c).toBe(true);
    expect(failed(result)).toEqual([]);
  });

  it.each(['freeze', 'partition'])(
    'the primary %s: the majority elects another, the clients follow; thawed or reconnected, it rejoins; nothing lost',
    async (fault) => {
      const { result, stderr } = await drill(undefined, [`fault=${fault}`]);
      expect(result.verdict, stderr.slice(-3000)).toBe('pass');
      expect(result.rpo.lostAcknowledgedWrites).toBe(0);
      const f = result.observations['failover']!;
      expect(['gr-2', 'gr-3']).toContain(f['promoted']);
      // it rejoined under the elected primary, seen so by both (a thawed member's own stale view does not count)
      const rejoin = result.checks.find((c) => c.name === 'gr-1-rejoined-the-group')!;
      expect(rejoin.valid).toBe(true);
      const group = rejoin.details['group'] as Array<{ host: string; role: string }>;
      expect(group.find((m) => m.role === 'PRIMARY')?.host).toBe(f['promoted']);
      expect(failed(result)).toEqual([]);
    },
  );

  it('NEGATIVE: a failover that loses one acknowledged write (planted) fails the drill for exactly that write', async () => {
    const { code, result } = await drill({ FIREDRILL_PLANTED_DEFECT: 'group-failover-loses-a-write' });
    expect(result.verdict).toBe('fail');
    expect(code).toBe(1);
    expect(result.rpo.lostAcknowledgedWrites).toBe(1);
    // every member lacks the same one write, by id, and nothing else failed
    expect(failed(result).sort()).toEqual(MEMBERS.map((m) => `${m}-ledger`));
    const lost = result.checks.filter((c) => c.name.endsWith('-ledger')).map((c) => c.details['lostIds']);
    expect(lost).toEqual([lost[0], lost[0], lost[0]]);
    expect(lost[0]).toHaveLength(1);
  });

  it('bad input, one line, exit 2, nothing started: on MariaDB, and on a dataset with a table the group refuses (Sakila’s MyISAM film_text)', async () => {
    const maria = await cli(['run', 'group-replication-primary-failover', '--flavor', 'mariadb-10.11', '--dataset', SHOP]);
    expect(maria.code).toBe(2);
    expect(maria.stderr).toMatch(/does not run on mariadb-10\.11 \(supported: mysql-9\.7\)/);
    const sakila = await cli(['run', 'group-replication-primary-failover', '--flavor', 'mysql-9.7']);
    expect(sakila.code).toBe(2);
    expect(sakila.stderr).toMatch(/MySQL Group Replication refuses writes to tables not InnoDB: sakila\.film_text \(MyISAM\)/);
  });
});
