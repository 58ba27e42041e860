// galera-rolling-upgrade as a DBA runs it: a 3-node Galera cluster upgraded member by member under load, MariaDB 10.5
// -> 10.11 and 10.11 -> 11.8 (bullseye -> bookworm -> trixie images). Nightly, not npm test: about 4-5 minutes a run
// here (three members stopped, started on the new image, IST, mariadb-upgrade each; two members wiped for an SST).
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

/** The SST directions tried while mixed: an old member fed by a new donor, then a new member fed by an old donor. */
const SST = [
  { joiner: 'galera-2', donor: 'galera-3', direction: 'old-version joiner from a new-version donor' },
  { joiner: 'galera-3', donor: 'galera-1', direction: 'new-version joiner from an old-version donor' },
] as const;

// `refused`: what was measured on 10.5.23 <-> 10.11.18 with rsync SST (each joiner's InnoDB refuses the other's redo log)
const CASES = [
  { from: 'mariadb-10.5', to: 'mariadb-10.11', old: '10.5.', next: '10.11.', refused: /redo log was created with MariaDB/ },
  { from: 'mariadb-10.11', to: 'mariadb-11.8', old: '10.11.', next: '11.8.', refused: undefined },
] as const;

describe.each(CASES)('galera-rolling-upgrade $from -> $to', ({ from, to, old, next, refused }) => {
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
    // a full SST across versions, both ways: worked (SST received, Synced), or refused as a warning naming the server's
    // error, the member then rejoined from a donor of its own version (the drill still passes)
    const findings = (result.observations['go/no-go']!['findings'] as Array<{ kind: string; where: string; message: string }>) ?? [];
    for (const d of SST) {
      const o = result.observations[`sst ${d.joiner} from ${d.donor}`]!;
      expect(o, d.joiner).toMatchObject({ direction: d.direction, method: 'rsync' });
      const warned = findings.find((f) => f.kind === 'sst-direction-refused' && f.where.startsWith(`${d.joiner} `));
      if (o['outcome'] === 'worked') {
        expect(o['sstReceived'], d.joiner).toBe(true);
        expect(warned, d.joiner).toBeUndefined();
      } else {
        expect(o['outcome'], d.joiner).toBe('refused');
        expect(warned?.message, d.joiner).toMatch(/\[ERROR\]/);
        expect(o['rejoinedFrom'], d.joiner).toBeDefined();
      }
      if (refused) {
        expect(o['outcome'], d.joiner).toBe('refused');
        expect(warned?.message, d.joiner).toMatch(refused);
      }
    }
    expect(result.observations['go/no-go']!['verdict']).toBe('go');
    // at the end: every member on the new version, equal, the whole ledger on each
    const end = result.observations['member versions upgraded']!;
    for (const m of members) expect(String(end[m]), m).toMatch(new RegExp(`^${next.replace('.', '\\.')}`));
    for (const m of members) expect(checkOf(`${m}-ledger`)?.valid, m).toBe(true);
    expect(result.rpo).toMatchObject({ lostAcknowledgedWrites: 0, node: 'galera-2' });
    expect(result.checks.filter((c) => !c.valid)).toEqual([]);
    expect(await leftovers(result.runId)).toEqual([]);
  });
});
