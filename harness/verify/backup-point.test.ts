import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readDumpPosition } from '../backup/logical.js';
import { parseSlaveInfo } from '../backup/mariabackup.js';
import { grastateUuid } from '../backup/galera-snapshot.js';
import { mariadbGtid, mysqlGtid } from '../core/index.js';
import { backupPointEqualsSnapshot } from './backup-point.js';

const GTID_ALGEBRA = { mariadb: mariadbGtid, mysql: mysqlGtid };

const U = '3e11fa47-71ca-11e1-9e33-c80aa9429562';

describe('backup-point-equals-snapshot-point reads the point from the artifact, so it can fail', () => {
  it("mariabackup: the artifact's slave info is compared with the snapshot's point", () => {
    const gtid = parseSlaveInfo("SET GLOBAL gtid_slave_pos = '0-1-1042';\nCHANGE MASTER TO master_use_gtid = slave_pos\n")!;
    expect(backupPointEqualsSnapshot(GTID_ALGEBRA.mariadb, { gtid, snapshotGtid: '0-1-1042' }).valid).toBe(true);
    // The SQL thread applied one more transaction during the copy: the artifact is not the snapshot.
    const moved = backupPointEqualsSnapshot(GTID_ALGEBRA.mariadb, {
      gtid: parseSlaveInfo("SET GLOBAL gtid_slave_pos = '0-1-1043';")!,
      snapshotGtid: '0-1-1042',
    });
    expect(moved.valid).toBe(false);
    expect(moved.details['differences']).toEqual([
      expect.objectContaining({ kind: 'gtid-differs', expected: '0-1-1042', actual: '0-1-1043' }),
    ]);
  });

  it("logical: the dump's own position line is compared (a dump of another point fails)", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fd-dump-'));
    try {
      await writeFile(join(dir, 'dump.sql'), `-- MySQL dump\nSET @@GLOBAL.GTID_PURGED=/*!80000 '+'*/ '${U}:1-99';\nCREATE DATABASE x;\n`);
      const p = (await readDumpPosition(join(dir, 'dump.sql')))!;
      expect(backupPointEqualsSnapshot(GTID_ALGEBRA.mysql, { gtid: p.gtid, snapshotGtid: `${U}:1-99` }).valid).toBe(true);
      expect(backupPointEqualsSnapshot(GTID_ALGEBRA.mysql, { gtid: p.gtid, snapshotGtid: `${U}:1-100` }).valid).toBe(false);
      // mariadb-dump 10.11 defers its line to the end of the file, past 8 MiB of data here.
      const rows = 'INSERT INTO t VALUES (1);\n'.repeat(400_000);
      await writeFile(
        join(dir, 'maria.sql'),
        `-- MariaDB dump\n${rows}-- The deferred gtid setting for slave corresponding to the master-data CHANGE-MASTER follows\n-- SET GLOBAL gtid_slave_pos='0-1-327';\n`,
      );
      expect(await readDumpPosition(join(dir, 'maria.sql'))).toEqual({ gtid: '0-1-327', form: 'gtid_slave_pos', commented: true });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("galera: the copy's grastate uuid and the seqno after the copy must equal the snapshot's position", () => {
    const uuid = grastateUuid(
      '# GALERA saved state\nversion: 2.1\nuuid:    8b50a54f-e63f-11f1-9eee-cad6143f0b01\nseqno:   -1\nsafe_to_bootstrap: 0\n',
    );
    expect(uuid).toBe('8b50a54f-e63f-11f1-9eee-cad6143f0b01');
    const snap = '8b50a54f-e63f-11f1-9eee-cad6143f0b01:297';
    expect(backupPointEqualsSnapshot('galera', { gtid: `${uuid}:297`, snapshotGtid: snap }).valid).toBe(true);
    expect(backupPointEqualsSnapshot('galera', { gtid: `${uuid}:298`, snapshotGtid: snap }).valid).toBe(false);
    expect(backupPointEqualsSnapshot('galera', { gtid: '00000000-0000-0000-0000-000000000000:297', snapshotGtid: snap }).valid).toBe(false);
  });
});
