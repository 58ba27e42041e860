// verify of a replica pair with a known number of differing rows (spread over the bulk table, then also a cluster of
// neighbours), against the tools a DBA would use instead: Percona Toolkit's pt-table-checksum (the time) and
// pt-table-sync --print (which rows it names), and against CHECKSUM TABLE of the same tables on both servers (which
// only says "different"). The toolkit runs on this host (apt-get install percona-toolkit; bookworm's 3.2.1 works on
// MariaDB, it reads SHOW SLAVE STATUS); the password reaches it in its environment (MYSQL_PWD), never on argv.
import { run as exec } from '../harness/exec/index.js';
import { startTopology, waitCaughtUp, type StartedNode, type TopologyContext } from '../harness/runtime/index.js';
import { inspect, tamperSql, workloadSql } from '../harness/sql/index.js';
import { compareData } from '../harness/verify/index.js';
import { loadBulk, loadSakila } from '../harness/workload/index.js';
import { measureAgainst, measurePair } from './pair.js';
import { targetOf } from './targets.js';
import type { Pair } from './types.js';

const DBS = ['sakila', workloadSql.BULK_DB];
const TABLE = 'filler';
const DIFFERING = 20;

/** The keys (bulk table ids) the replica is made to differ on: spread evenly, or a run of neighbours. */
export function differingKeys(rows: number, how: 'spread' | 'clustered', n = DIFFERING): number[] {
  if (how === 'spread') return Array.from({ length: n }, (_, i) => 1 + Math.floor(((i + 0.5) * rows) / n));
  const start = Math.floor(rows / 3);
  return Array.from({ length: n }, (_, i) => start + i);
}

/** The bulk-table keys pt-table-sync --print names (its UPDATE/DELETE … WHERE `id`='N', REPLACE/INSERT … VALUES ('N', …)). */
export function keysInSyncPrint(out: string): number[] {
  const keys = new Set<number>();
  for (const line of out.split('\n')) {
    if (!line.includes(`\`${TABLE}\``)) continue;
    const m = /WHERE `id`='?(\d+)'?/.exec(line) ?? /VALUES \('?(\d+)'?/.exec(line);
    if (m) keys.add(Number(m[1]));
  }
  return [...keys].sort((a, b) => a - b);
}

const dsn = (n: StartedNode, user: string) => `h=${n.sqlEndpoint.host},P=${n.sqlEndpoint.port},u=${user}`;

/**
 * Starts a primary and a replica, loads the bench's data, makes the replica differ on known rows, and measures
 * firedrill's comparison against pt-table-checksum (target ≤ 1.0) and against CHECKSUM TABLE on both (≤ 1.5),
 * once with spread rows and once with a cluster added. Which rows each names goes in the notes (the proviso: all).
 */
export async function diffRowsPairs(
  tctx: TopologyContext,
  mb: number,
  reps: number,
  progress: (m: string) => void,
): Promise<Record<'diffRowsSpread' | 'diffRowsClustered' | 'diffChecksumSpread' | 'diffChecksumClustered', Pair>> {
  for (const tool of ['pt-table-checksum', 'pt-table-sync'])
    await exec([tool, '--version'], { timeoutMs: 30_000 }).catch(() => {
      throw new Error(`${tool} is not installed (apt-get install percona-toolkit; scripts/setup.sh does it when it can)`);
    });
  const topo = await startTopology(tctx, { kind: 'primary-replicas', replicas: [{ name: 'replica-1' }] });
  const primary = topo.get('primary');
  const replica = topo.get('replica-1');
  await loadSakila(primary);
  const rows = await loadBulk(primary, mb);
  await waitCaughtUp(replica, primary, 1800);
  const env = { MYSQL_PWD: tctx.creds.adminPassword };
  const user = tctx.creds.admin;
  const tables: Array<[string, string]> = [];
  for (const db of DBS)
    for (const t of await primary.query<{ name: string; type: string }>(inspect.listTables(db)))
      if (t.type === 'BASE TABLE') tables.push([db, t.name]);

  let firedrillNamed: number[] = [];
  const firedrill = async () => {
    const c = await compareData(primary, replica, { databases: DBS, maxRowsNamed: 10_000 });
    firedrillNamed = (c.details['differences'] as Array<{ kind: string; object: string; where?: string }>)
      .filter((d) => d.object === TABLE && d.kind === 'row-differs')
      .map((d) => Number(/^id=(\d+)$/.exec(d.where ?? '')?.[1]))
      .sort((a, b) => a - b);
  };
  const ptChecksum = () =>
    exec(
      [
        'pt-table-checksum',
        '--no-check-binlog-format',
        '--recursion-method=processlist',
        `--databases=${DBS.join(',')}`,
        '--replicate=percona.checksums',
        dsn(primary, user),
      ],
      { env, timeoutMs: 3_600_000, okExitCodes: [0, 16] },
    );
  const checksumBoth = () =>
    Promise.all(
      [primary, replica].map(async (n) => {
        for (const [db, t] of tables) await n.query(inspect.checksumTable(db, t));
      }),
    );
  const out: Partial<Record<'diffRowsSpread' | 'diffRowsClustered' | 'diffChecksumSpread' | 'diffChecksumClustered', Pair>> = {};
  const differing: number[] = [];
  for (const how of ['spread', 'clustered'] as const) {
    for (const k of differingKeys(rows, how)) {
      await replica.query(tamperSql.alterOneRow(workloadSql.BULK_DB, TABLE, 'id', k, 'pad', `differs (${how})`));
      differing.push(k);
    }
    differing.sort((a, b) => a - b);
    const name = how === 'spread' ? 'Spread' : 'Clustered';
    const rowsPair = await measureAgainst(
      targetOf(`diffRows${name}`)!,
      (first) =>
        measurePair({ harness: firedrill, baseline: ptChecksum }, reps, { first, progress, name: `verify vs pt-table-checksum (${how})` }),
      progress,
    );
    const t0 = performance.now();
    // --replicate with the primary's DSN then the replica's (--sync-to-master would look the primary up by the name
    // the replica knows it by, a Docker network alias this host cannot resolve)
    const sync = await exec(['pt-table-sync', '--print', '--replicate=percona.checksums', dsn(primary, user), dsn(replica, user)], {
      env,
      timeoutMs: 3_600_000,
      okExitCodes: [0, 2],
    }).catch((e: Error) => ({ stdout: '', stderr: '', error: e.message.split('\n')[0] }));
    const syncMs = Math.round(performance.now() - t0);
    const ptNamed = keysInSyncPrint(sync.stdout);
    const same = (a: number[]) => a.length === differing.length && a.every((k, i) => k === differing[i]);
    rowsPair.proviso = same(firedrillNamed);
    rowsPair.note = `${differing.length} rows differ (${how === 'spread' ? 'spread evenly' : `${DIFFERING} spread + ${DIFFERING} neighbours`}); firedrill named ${firedrillNamed.length}, all: ${same(firedrillNamed)}; pt-table-sync --print (${syncMs} ms) named ${ptNamed.length}, all: ${same(ptNamed)}${'error' in sync ? ` (${sync.error})` : !ptNamed.length && sync.stderr.trim() ? ` (it said: ${sync.stderr.trim().split('\n').pop()})` : ''}`;
    progress(rowsPair.note);
    out[`diffRows${name}`] = rowsPair;
    const sumPair = await measureAgainst(
      targetOf(`diffChecksum${name}`)!,
      (first) =>
        measurePair({ harness: firedrill, baseline: checksumBoth }, reps, { first, progress, name: `verify vs CHECKSUM TABLE (${how})` }),
      progress,
    );
    sumPair.proviso = same(firedrillNamed);
    out[`diffChecksum${name}`] = sumPair;
  }
  for (const n of [replica, primary]) await n.destroy();
  return out as Record<'diffRowsSpread' | 'diffRowsClustered' | 'diffChecksumSpread' | 'diffChecksumClustered', Pair>;
}
