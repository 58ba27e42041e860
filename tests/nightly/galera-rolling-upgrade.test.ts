// galera-rolling-upgrade as a DBA runs it: a 3-node Galera cluster upgraded member by member under load, MariaDB 10.5
// -> 10.11 and 10.11 -> 11.8 (bullseye -> bookworm -> trixie images). Nightly, not npm test: about 4-5 minutes a run
// here (three members stopped, started on the new image, IST, mariadb-upgrade each).
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../harness/runtime/index.js';
import { cli, leftovers } from '../docker/helpers.js';

const SHOP = resolve(projectRoot, 'fixtures/datasets/shop/shop.sql');
const members = ['galera-1', 'galera-2', 'galera-3'];

type Check = { name: string; valid: boolean; details: Record<string, unknown> };
/** What the test reads of `--json`. */
interface DrillJson {
  runId: string;
  verdict: string;
  checks: Check[];
  observations: Record<string, Record<string, unknown>>;
  rpo: { node: string; lostAcknowledgedWrites: number };
}

const CASES = [
  { from: 'mariadb-10.5', to: 'mariadb-10.11', old: '10.5.', next: '10.11.' },
  { from: 'mariadb-10.11', to: 'mariadb-11.8', old: '10.11.', next: '11.8.' },
] as const;

describe.each(CASES)('galera-rolling-upgrade $from -> $to', ({ from, to, old, next }) => {
  it('every member upgraded in turn by IST, versions mixed mid-way, all new at the end, no acknowledged write lost', async () => {
    const r = await cli([
      'run',
      'galera-rolling-upgrade',
      '--flavor',
      from,
      '--param',
      `to=${to}`,
      '--dataset',
      SHOP,
      '--param',
      'bulkMb=1',
      '--json',
    ]);
    const result = JSON.parse(r.stdout) as DrillJson;
    const checkOf = (name: string) => result.checks.find((c) => c.name === name);
    expect(result.verdict, r.stderr.slice(-3000)).toBe('pass');
    expect(r.code).toBe(0);
    // mid-way: galera-3 answers with the new version, galera-1 and galera-2 with the old one
    const mixed = result.observations['member versions mixed']!;
    expect(String(mixed['galera-3'])).toMatch(new RegExp(`^${next.replace('.', '\\.')}`));
    for (const m of ['galera-1', 'galera-2']) expect(String(mixed[m]), m).toMatch(new RegExp(`^${old.replace('.', '\\.')}`));
    // and the ledger held on an upgraded member and an old one then
    for (const m of ['galera-3', 'galera-1']) expect(checkOf(`mixed-${m}-ledger`)?.valid, m).toBe(true);
    // each member rejoined by IST (not SST) and its mariadb-upgrade replicated nothing to the old members
    for (const m of members) {
      expect(checkOf(`${m}-rejoined-by-ist`)?.details, m).toMatchObject({ joinedBy: 'IST' });
      expect(checkOf(`${m}-upgrade-not-replicated`)?.valid, m).toBe(true);
      expect(result.observations[`in-place upgrade ${m}`]).toMatchObject({ from, to, joinedBy: 'IST' });
    }
    // the clients were moved off galera-1 before its turn
    expect(result.observations['write node moved']).toMatchObject({ from: 'galera-1', to: 'galera-2' });
    // at the end: every member on the new version, equal, the whole ledger on each
    const end = result.observations['member versions upgraded']!;
    for (const m of members) expect(String(end[m]), m).toMatch(new RegExp(`^${next.replace('.', '\\.')}`));
    for (const m of members) expect(checkOf(`${m}-ledger`)?.valid, m).toBe(true);
    expect(result.rpo).toMatchObject({ lostAcknowledgedWrites: 0, node: 'galera-2' });
    expect(result.checks.filter((c) => !c.valid)).toEqual([]);
    expect(await leftovers(result.runId)).toEqual([]);
  });
});
