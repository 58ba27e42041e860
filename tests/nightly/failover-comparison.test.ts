// The comparison table of docs/failover-comparison.md, from real runs on one flavor and the same data (the shop
// dataset, 4 writers at 200 writes/s through a proxy): primary-failover async against semi-sync, the primary killed and
// split-brained, galera-write-node-failover (the Galera node the clients write to killed) and
// group-replication-primary-failover (the group's primary killed; always on mysql-9.7, the one flavor with Group
// Replication). The test writes the page; it fails when a drill does (the table is only written from passing runs).
// FIREDRILL_COMPARISON_FLAVOR (default mariadb-10.11). About 3 minutes a drill here.
// FIREDRILL_COMPARISON_ROWS=galera (or async-kill, semisync-kill, async-split-brain, semisync-split-brain,
// group-replication; comma separated) runs only those rows and keeps the page's other rows as they were (each names
// its run).
import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { execa } from 'execa';
import { expect, it } from 'vitest';
import { projectRoot } from '../../harness/runtime/index.js';
import { cli, leftovers } from '../docker/helpers.js';

const SHOP = resolve(projectRoot, 'fixtures/datasets/shop/shop.sql');
const FLAVOR = process.env.FIREDRILL_COMPARISON_FLAVOR ?? 'mariadb-10.11';
const PAGE = resolve(projectRoot, 'docs/failover-comparison.md');

type Obs = Record<string, unknown>;
type Result = {
  verdict: string;
  runId: string;
  rpo: { lostAcknowledgedWrites: number; seconds?: number };
  checks: Array<{ name: string; valid: boolean; details: Obs }>;
  observations: Record<string, Obs>;
};

type Variant = { key: string; drill: string; label: string; fault: string; params: string[]; flavor?: string };
const VARIANTS: Variant[] = [
  ...(['kill', 'split-brain'] as const).flatMap((fault) =>
    (['async', 'semisync'] as const).map((durability) => ({
      key: `${durability}-${fault}`,
      drill: 'primary-failover',
      label: durability === 'semisync' ? 'semi-sync (AFTER_SYNC, 2 s timeout)' : 'async',
      fault,
      params: [`durability=${durability}`, `fault=${fault}`],
    })),
  ),
  { key: 'galera', drill: 'galera-write-node-failover', label: 'Galera (MariaDB, 3 nodes)', fault: 'the write node killed', params: [] },
  {
    key: 'group-replication',
    drill: 'group-replication-primary-failover',
    label: 'MySQL Group Replication (MySQL 9.7, 3 members, single-primary)',
    fault: 'the primary killed',
    params: [],
    flavor: 'mysql-9.7',
  },
];
const ONLY = process.env['FIREDRILL_COMPARISON_ROWS']?.split(',').filter(Boolean);
const unknown = ONLY?.filter((k) => !VARIANTS.some((v) => v.key === k)) ?? [];
if (unknown.length)
  throw new Error(`FIREDRILL_COMPARISON_ROWS: no row ${unknown.join(', ')} (rows: ${VARIANTS.map((v) => v.key).join(', ')})`);

function row(v: Variant, r: Result): string {
  const f = r.observations['failover'] ?? {};
  const rto = (f['rto'] ?? {}) as Record<string, number>;
  const split = r.observations['split brain'];
  const semi = r.checks.find((c) => c.name === 'semi-sync-lost-no-write-it-acknowledged');
  const fallbacks = semi ? ((semi.details['fallbacksToAsync'] as string[]) ?? []).length : undefined;
  return [
    v.label,
    v.fault,
    r.verdict,
    `${r.rpo.lostAcknowledgedWrites}`,
    split ? `${split['writesAfterPromotion']}` : 'n/a',
    `${f['indeterminate']}`,
    `${f['writeUnavailableMs']} ms`,
    `${rto['detectionMs']} / ${rto['promotionMs']} / ${rto['repointMs']} / ${rto['firstWriteMs']} ms (${rto['totalMs']} ms)`,
    fallbacks === undefined ? 'n/a' : `${fallbacks}`,
    `\`${r.runId}\``,
  ].join(' | ');
}

/** The rows the page has now, by the key of their variant (a row is found by its first two cells). */
async function rowsOnThePage(): Promise<Map<string, string>> {
  const text = await readFile(PAGE, 'utf8').catch(() => '');
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    const v = VARIANTS.find((x) => cells[1] === x.label && cells[2] === x.fault);
    if (v && cells[3] !== 'not run') out.set(v.key, `| ${cells.slice(1, -1).join(' | ')} |`);
  }
  return out;
}

it(`failover on ${FLAVOR}: async vs semi-sync, killed vs split-brained, Galera's write node and the group's primary killed, on the same data; writes the page`, async () => {
  const rows = await rowsOnThePage();
  for (const v of VARIANTS.filter((x) => !ONLY || ONLY.includes(x.key))) {
    const r = await cli([
      'run',
      v.drill,
      '--flavor',
      v.flavor ?? FLAVOR,
      '--dataset',
      SHOP,
      ...v.params.flatMap((p) => ['--param', p]),
      '--json',
    ]);
    const result = JSON.parse(r.stdout) as Result;
    expect(result.verdict, `${v.drill} ${v.params.join(' ')}: ${r.stderr.slice(-3000)}`).toBe('pass');
    expect(await leftovers(result.runId)).toEqual([]);
    rows.set(v.key, `| ${row(v, result)} |`);
  }
  const page = [
    '# Failover compared: async, semi-sync, Galera, Group Replication',
    '',
    `Generated by \`tests/nightly/failover-comparison.test.ts\` on ${new Date().toISOString().slice(0, 10)} (do not edit by hand:`,
    `run \`npx vitest run --project nightly tests/nightly/failover-comparison.test.ts\` again; with`,
    '`FIREDRILL_COMPARISON_ROWS=galera` (or `async-kill`, `semisync-split-brain`, ...) it runs only those rows and keeps the',
    'others as they were: each row names its run). One run per row, on the same dataset and the same workload (4 writers,',
    '200 writes/s through a proxy):',
    '',
    `- replication rows: \`firedrill run primary-failover --flavor ${FLAVOR} --dataset fixtures/datasets/shop/shop.sql --param durability=D --param fault=F\``,
    '  (primary, replica-1, replica-2, replica-delayed; the proxy follows the writable node);',
    `- Galera row: \`firedrill run galera-write-node-failover --flavor ${FLAVOR} --dataset fixtures/datasets/shop/shop.sql\``,
    '  (galera-1, galera-2, galera-3; the proxy writes to one member, galera-1, until the failover gives it another; see',
    '  [galera-failover.md](galera-failover.md));',
    '- Group Replication row: `firedrill run group-replication-primary-failover --flavor mysql-9.7 --dataset fixtures/datasets/shop/shop.sql`',
    "  (gr-1, gr-2, gr-3, single-primary; the proxy writes to the member the group's view names PRIMARY; see",
    '  [group-replication.md](group-replication.md)).',
    '',
    "Each figure is from that run's `result.json` (`reports/<run id>/`); a single run on a shared 2-core machine, not a",
    'distribution.',
    '',
    '- **acknowledged writes lost**: writes the clients saw acknowledged that the final primary (Galera: the final write',
    '  node) lacks. Replication: the drill passes only when each is on the returning old primary, named errant by GTID, and',
    '  none was promised by semi-sync. Galera: any loss fails the drill (a write the cluster acknowledged was certified by',
    '  every member; measured on every member, not assumed).',
    "- **split-brain writes**: of those, the writes the old primary acknowledged after the promotion (its side's clients",
    '  still reached it), counted by id from the ledger.',
    '- **indeterminate**: writes in flight when the primary died: sent, never answered (each may or may not have',
    '  committed; the ledger accepts either).',
    '- **write-unavailability window**: last write acknowledged before the fault to the first the new primary acknowledged',
    "  (in a split brain: for the clients on the new primary's side).",
    '- **RTO**: detection / promotion / repointing / first write after promotion (total from the fault). For Galera there',
    '  is nothing to promote: "promotion" is the wait, after detection, until a survivor is Synced in a Primary component',
    "  without the dead member (Galera's own eviction, `evs.suspect_timeout` 2 s in firedrill's nodes), and the new write",
    '  node is chosen; repointing is the proxy moving its writes there. The Galera row also proves the killed member',
    '  rejoined by IST from the position it recovered and that all three members hold the same data and the whole ledger.',
    '  For Group Replication too: "promotion" is the wait, after detection, until a survivor sees a group of the two',
    '  survivors ONLINE with one PRIMARY (the group expelled the dead member, `group_replication_member_expel_timeout` 0,',
    '  and elected); any acknowledged write lost fails the drill, as for Galera; the killed member must rejoin by',
    '  distributed recovery and all three must hold the same data and the whole ledger.',
    '',
    '| durability | fault | verdict | acknowledged writes lost | split-brain writes | indeterminate | write-unavailability window | RTO: detection / promotion / repoint / first write (total) | semi-sync fallbacks to async | run |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...VARIANTS.map((v) => rows.get(v.key) ?? `| ${v.label} | ${v.fault} | not run | | | | | | | |`),
    '',
  ].join('\n');
  await writeFile(PAGE, page);
  // aligned as the repository's formatter wants it (npm run lint checks docs/ too)
  await execa('npx', ['biome', 'format', '--write', PAGE], { cwd: projectRoot, timeout: 120_000 });
});
