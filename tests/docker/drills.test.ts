import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { cli, danglingVolumes, leftovers } from './helpers.js';
import { projectRoot as root } from '../../harness/runtime/index.js';

/**
 * Each drill once, through the CLI, on one flavor (the whole matrix: `firedrill suite matrix`), on a dataset that is
 * not Sakila (firedrill's own shop dump, which names no database): no drill depends on a sample table. Sakila, the
 * default, is covered by drill.test.ts.
 */
const SHOP = resolve(root, 'fixtures/datasets/shop/shop.sql');
const FAULT_CHECKS = ['backup-fault-fails-loudly', 'backup-fault-leaves-no-restorable-artifact', 'backup-retry-succeeds'];
const CASES: Array<{ id: string; flavor: string; expectChecks: string[]; args?: string[] }> = [
  {
    id: 'replica-kill-restore',
    flavor: 'mysql-9.7',
    expectChecks: ['restored-gtid-equals-manifest', 'restored-data-equals-primary', 'restored-ledger'],
  },
  {
    id: 'replica-partition',
    flavor: 'mysql-9.7',
    expectChecks: ['replica-1-replication-interrupted-by-fault', 'replica-1-data-equals-primary'],
  },
  { id: 'replica-pause', flavor: 'mariadb-11.8', expectChecks: ['replica-1-resumes-replication', 'replica-1-data-equals-primary'] },
  {
    id: 'errant-write',
    flavor: 'mariadb-10.11',
    expectChecks: ['replica-1-errant-transaction-detected', 'replica-1-no-errant-transactions'],
  },
  {
    id: 'replica-crash-loop',
    flavor: 'mariadb-10.11',
    expectChecks: [
      'replica-1-crash-loops',
      'backup-replica-stuck-before-poison',
      'replica-1-diverges-exactly-by-skipped-transaction',
      'backup-replica-data-equals-primary',
    ],
  },
  {
    id: 'multi-source-replica-rebuild',
    flavor: 'mysql-9.7',
    expectChecks: [
      'fanin-gtid-equals-manifest',
      'fanin-gtid-covers-every-source',
      'fanin-data-equals-primary-a',
      'fanin-data-equals-primary-b',
      'fanin-ledger-primary-b',
    ],
  },
  {
    id: 'galera-datadir-wiped',
    flavor: 'mariadb-11.8',
    expectChecks: ['galera-2-primary-with-2-members', 'galera-1-rejoined-by-sst', 'galera-2-data-equals-galera-1', 'galera-1-ledger'],
  },
  {
    id: 'galera-quorum-loss',
    flavor: 'mariadb-11.8',
    expectChecks: [
      'galera-1-non-primary-after-quorum-loss',
      'galera-1-refuses-queries-without-quorum',
      'galera-3-data-equals-galera-1',
      'galera-2-ledger',
    ],
  },
  {
    id: 'galera-partition',
    flavor: 'mariadb-10.11',
    expectChecks: [
      'galera-3-non-primary-after-quorum-loss',
      'galera-3-refuses-queries-without-quorum',
      'galera-1-primary-with-2-members',
      'galera-3-ledger',
    ],
  },
  {
    id: 'restore-without-binlogs',
    flavor: 'mysql-9.7',
    expectChecks: ['restored-gtid-equals-manifest', 'rpo-equals-transactions-after-backup-point'],
  },
  {
    id: 'encrypted-artifact-tamper',
    flavor: 'mariadb-10.11',
    expectChecks: [
      'tamper-flip-byte-refused-before-any-server',
      'tamper-truncate-refused-before-any-server',
      'tamper-wrong-key-refused-before-any-server',
      'tamper-flip-ciphertext-resealed-refused-before-any-server',
      'restored-checksum-table',
    ],
  },
  {
    id: 'logical-restore',
    flavor: 'mariadb-11.8',
    expectChecks: ['restored-checksum-table', 'restored-gtid-equals-manifest', 'restored-data-equals-primary'],
  },
  {
    id: 'snapshot-restore',
    flavor: 'mysql-9.7',
    expectChecks: ['restored-checksum-table', 'restored-gtid-equals-manifest', 'restored-data-equals-primary'],
  },
  {
    id: 'clone-restore',
    flavor: 'mysql-9.7',
    args: ['--fault-during-backup', '--param', 'bulkMb=20'],
    expectChecks: [...FAULT_CHECKS, 'restored-gtid-equals-manifest', 'restored-data-equals-primary'],
  },
  {
    id: 'replica-kill-restore',
    flavor: 'mariadb-10.11',
    args: ['--fault-during-backup', '--param', 'bulkMb=20'],
    expectChecks: [...FAULT_CHECKS, 'restored-checksum-table'],
  },
  {
    id: 'pre-upgrade',
    flavor: 'mariadb-10.11',
    expectChecks: [
      'upgraded-physical-checksum-table',
      'upgraded-logical-checksum-table',
      'after-switchover-primary-equals-replica-1',
      'after-switchover-replica-1-ledger',
      'after-rollback-replica-1-equals-primary',
      'after-rollback-primary-ledger',
      'upgraded-logical-ledger',
      'pre-upgrade-no-blocking-finding',
    ],
    // the drill's own statements replayed on both versions; the team's my.cnf on every node of either version
    args: [
      '--param',
      'queries=workload',
      '--param',
      "session=SET SESSION sql_mode = CONCAT(@@sql_mode, ',ANSI_QUOTES')",
      '--server-config',
      resolve(root, 'fixtures/pre-upgrade/carried-over-my.cnf'),
    ],
  },
  {
    id: 'pitr-accidental-drop',
    flavor: 'mariadb-11.8',
    expectChecks: [
      'binlog-stream-identical-to-source',
      'pitr-checksum-table-as-before-the-drop',
      'pitr-gtid-stops-just-before-the-drop',
      'pitr-ledger-at-recovery-point',
      'pitr-by-time-checksum-table-as-before-the-drop',
      'pitr-by-time-ledger-at-recovery-point',
    ],
  },
  {
    id: 'galera-snapshot-rebuild',
    flavor: 'mariadb-10.11',
    expectChecks: [
      'cluster-kept-writing-while-galera-3-was-locked',
      'galera-3-rejoined-by-ist-from-backup-position',
      'galera-3-data-equals-galera-1',
      'galera-3-ledger',
    ],
  },
  {
    id: 'primary-restore-catch-up',
    flavor: 'mysql-9.7',
    expectChecks: [
      'primary-wrote-nothing-under-temporary-server-id',
      'primary-holds-every-peer-transaction',
      'replica-1-data-equals-primary',
      'replica-1-ledger',
    ],
  },
  {
    id: 'multi-source-catch-up',
    flavor: 'mariadb-11.8',
    expectChecks: [
      'fanin-wrote-nothing-under-temporary-server-id',
      'fanin-holds-every-peer-transaction',
      'fanin-gtid-covers-every-source',
      'fanin-data-equals-primary-b',
      'fanin-ledger-primary-a',
    ],
  },
  {
    id: 'replicas-die-one-by-one',
    flavor: 'mariadb-10.11',
    expectChecks: ['primary-stands-alone', 'replica-2-data-equals-primary', 'backup-replica-ledger'],
  },
];

describe.each(CASES.map((c) => ({ ...c, extra: (c.args ?? []).join(' ') })))(
  'firedrill run $id --flavor $flavor $extra',
  ({ id, flavor, expectChecks, args }) => {
    it('passes, names the observed effect, loses no acknowledged write, and leaves nothing behind', async () => {
      const volumesBefore = await danglingVolumes();
      const r = await cli(['run', id, '--flavor', flavor, '--dataset', SHOP, '--param', 'bulkMb=2', ...(args ?? []), '--json']);
      const result = JSON.parse(r.stdout) as {
        verdict: string;
        runId: string;
        flavor: string;
        dataset: { name: string; databases: string[] };
        rpo: { lostAcknowledgedWrites: number };
        checks: Array<{ name: string; valid: boolean }>;
        observations: Record<string, any>;
        serverConfig: { applied: Record<string, Record<string, string>> };
      };
      expect(result.verdict, r.stderr.slice(-3000)).toBe('pass');
      expect(r.code).toBe(0);
      expect(result.flavor).toBe(flavor);
      expect(result.dataset).toMatchObject({ name: 'shop.sql', databases: ['shop'] });
      if (id === 'restore-without-binlogs') {
        // loss is this drill's subject: it must be real and measured exactly (ledger = GTID arithmetic)
        const rpo = result.observations['rpo of the backup alone'];
        expect(result.rpo.lostAcknowledgedWrites).toBeGreaterThan(0);
        expect(result.rpo.lostAcknowledgedWrites).toBe(rpo.transactionsAfterBackupPoint);
      } else {
        expect(result.rpo.lostAcknowledgedWrites).toBe(0);
      }
      if (id === 'pre-upgrade') {
        // the rolling upgrade measured its write-unavailability windows from the ledger; a replica really ran 11.8
        const sw = result.observations['switchover'];
        expect(sw).toMatchObject({
          from: 'primary',
          to: 'replica-1',
          fromFlavor: 'mariadb-10.11',
          toFlavor: 'mariadb-11.8',
          replicasRefused: [],
        });
        expect(sw.writeUnavailableMs).toBeGreaterThan(0);
        expect(sw.writeUnavailableMs).toBeLessThan(60_000);
        const rb = result.observations['rollback'];
        // the rollback the README promises ran (it is never skipped with a warning: that fails the drill)
        expect(rb).toMatchObject({ attempted: true, toFlavor: 'mariadb-10.11' });
        expect(rb.writeUnavailableMs).toBeGreaterThan(0);
        expect(result.checks.find((c: { name: string }) => c.name === 'rollback-exercised')?.valid).toBe(true);
        expect(result.observations['in-place upgrade replica-1'].version).toMatch(/^11\.8\./);
        expect(result.observations['go/no-go'].verdict).toBe('go');
        expect(result.observations['query replay'].sessions['upgraded-physical'].collation).toBe('utf8mb4_uca1400_ai_ci');
        const replay = result.observations['query replay'];
        expect(replay.replayed).toBeGreaterThanOrEqual(5);
        expect(replay.differences).toEqual([]);
        // the application's own session settings, on both sides
        for (const side of Object.values(replay.sessions) as Array<{ sqlMode: string }>) expect(side.sqlMode).toMatch(/ANSI_QUOTES/);
        // the option file ran on the 10.11 nodes and on the 11.8 ones (replica-1 last started as 11.8), as written
        const applied = result.serverConfig.applied;
        for (const n of ['primary', 'replica-1', 'upgraded-physical', 'upgraded-logical'])
          expect(applied[n], n).toMatchObject({ innodb_buffer_pool_size: String(192 * 1024 * 1024), max_connections: '120' });
        const ignored = result.observations['go/no-go'].findings.filter((f: { kind: string }) => f.kind === 'option-ignored');
        expect(ignored.map((f: { severity: string; where: string }) => [f.severity, f.where.replace(/^.*\//, '')])).toEqual([
          ['warning', 'carried-over-my.cnf:6'],
        ]);
      }
      if (id === 'primary-restore-catch-up') {
        // caught up under a temporary identity (MySQL: a new server uuid), one peer after the other
        const c = result.observations['catch-up rebuild primary'];
        expect(c.temporaryServerId).toBeGreaterThan(4000);
        expect(c.peers.map((p: { peer: string }) => p.peer)).toEqual(['replica-1', 'backup-replica']);
        expect(c.backupGtid).not.toBe(c.finalGtid);
      }
      if (id === 'pitr-accidental-drop') {
        // the recovery stopped exactly before the DROP it found in the stream, after replaying the writes since the
        // backup; the streamer was killed once and the stream spans the rotation that happened while it was down
        const p = result.observations['point-in-time recovery pitr'];
        // the dataset's largest table no foreign key references
        expect(result.observations['accident target'].table).toBe('shop.order_items');
        expect(p.stoppedBefore.statements[0]).toMatch(/^DROP TABLE `shop`.`order_items`/);
        expect(p.transactionsApplied).toBeGreaterThan(0);
        const stream = result.checks.find((c) => c.name === 'binlog-stream-identical-to-source') as unknown as {
          details: { files: unknown[]; restarts: unknown[] };
        };
        expect(stream.details.restarts).toHaveLength(1);
        expect(stream.details.files.length).toBeGreaterThanOrEqual(2);
        // the streamer's kill is a fault of the record, with its window
        const killed = (
          result as unknown as { faults: Array<{ fault: { kind: string }; injectedAt: number; healedAt: number }> }
        ).faults.find((f) => f.fault.kind === 'kill-binlog-streamer');
        expect(killed?.healedAt).toBeGreaterThan(killed?.injectedAt ?? Infinity);
      }
      const names = result.checks.map((c) => c.name);
      for (const c of expectChecks) expect(names).toContain(c);
      expect(result.checks.filter((c) => !c.valid)).toEqual([]);
      expect(await leftovers(result.runId)).toEqual([]);
      expect(
        (await danglingVolumes()).filter((v) => !volumesBefore.includes(v)),
        'anonymous volumes left behind',
      ).toEqual([]);
    });
  },
);
