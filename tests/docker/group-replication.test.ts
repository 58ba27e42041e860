// A MySQL Group Replication group on MySQL 9.7 (the one flavor whose image ships the plugin): three members in
// single-primary mode, formed as a DBA forms one; a write on the primary reads back on both secondaries, and a
// secondary refuses writes (super_read_only). The recovery password is on no command line of any member.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { docker } from '../../harness/runtime/docker.js';
import { groupMembers, openTopologyContext, RunContext, startTopology, type Topology } from '../../harness/runtime/index.js';
import { workloadSql } from '../../harness/sql/index.js';
import { waitUntil } from '../../harness/exec/index.js';
import { quiet } from './helpers.js';

const members = ['gr-1', 'gr-2', 'gr-3'];
let run: RunContext;
let topo: Topology;

beforeAll(async () => {
  run = new RunContext();
  const ctx = await openTopologyContext(run, 'mysql-9.7', quiet);
  topo = await startTopology(ctx, { kind: 'group-replication', members });
}, 300_000);
afterAll(() => run?.teardown(), 120_000);

it('the group forms: all three ONLINE, gr-1 the one PRIMARY, in every member’s view', async () => {
  for (const m of members) {
    const view = await groupMembers(topo.get(m));
    expect(view.map((x) => [x.host, x.state, x.role])).toEqual([
      ['gr-1', 'ONLINE', 'PRIMARY'],
      ['gr-2', 'ONLINE', 'SECONDARY'],
      ['gr-3', 'ONLINE', 'SECONDARY'],
    ]);
  }
});

it('a write on the primary reads back on both secondaries; a write on a secondary is refused (super_read_only)', async () => {
  const primary = topo.get('gr-1');
  for (const s of workloadSql.createLedgerSchema()) await primary.query(s);
  await primary.query(workloadSql.insertWrite(1, 1, 'written on the primary'));
  for (const m of ['gr-2', 'gr-3']) {
    const ids = await waitUntil(
      () => topo.get(m).query<{ id: number }>(workloadSql.presentWriteIds()),
      (rows) => rows.length === 1,
      { what: `${m} to hold the write made on gr-1`, timeoutMs: 30_000, intervalMs: 100 },
    );
    expect(ids.map((r) => Number(r.id))).toEqual([1]);
  }
  const refused = await topo
    .get('gr-2')
    .query(workloadSql.insertWrite(2, 1, 'written on a secondary'))
    .then(
      () => 'accepted',
      (e: { errno?: number; message?: string }) => `${e.errno}: ${e.message}`,
    );
  expect(refused).toMatch(/^1290: .*super-read-only/);
});

it('the recovery credentials are on no command line: the password appears in no member’s argv', async () => {
  for (const m of members) {
    const c = topo.get(m).container.name;
    const argv = await docker(['inspect', '--format', '{{json .Config.Cmd}} {{json .Args}} {{json .Config.Env}}', c]);
    expect(argv.stdout).not.toContain(topo.ctx.creds.replPassword);
    expect(argv.stdout).toContain(`--report-host=${m}`);
  }
});
