import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { withHeartbeat } from '../exec/index.js';
import { dumpPosition, DUMP_POSITION_HEAD_BYTES, DUMP_POSITION_TAIL_BYTES, type DumpPosition } from '../sql/index.js';
import type { StartedNode } from '../runtime/node.js';
import { databasesInScope } from '../verify/index.js';
import { backupFromReplica, type CopyStep } from './from-replica.js';
import type { Manifest } from './manifest.js';
import type { BackupStore } from './store.js';

export const DUMP_FILE = 'dump.sql';

const copy: CopyStep = {
  method: 'logical',
  async copy(node, { inContainer: dir }, progress) {
    const dbs = await databasesInScope(node);
    await node.container.exec(['mkdir', '-p', dir]);
    const t0 = Date.now();
    await withHeartbeat(
      progress,
      'logical dump',
      node.container.exec(node.adapter.logicalDump(dbs, `${dir}/${DUMP_FILE}`), { timeoutMs: 60 * 60_000 }),
    );
    return { dumpMs: Date.now() - t0 };
  },
  // The position the dump itself carries (its tool's own line), never the snapshot's: the drill compares the two.
  async position(node, dataDir) {
    const p = await readDumpPosition(join(dataDir, DUMP_FILE));
    if (!p) throw new Error(`${node.name}: the dump carries no replication position (no gtid_slave_pos / GTID_PURGED line in its head)`);
    return { gtid: p.gtid, readFrom: `the dump's own ${p.form} line` };
  },
};

/**
 * The replication position written in a dump file by its tool (undefined: the dump has none): mysqldump writes it in
 * the head; mariadb-dump 10.11+ defers its gtid_slave_pos line to the end of the file ("printed later in the file").
 */
export async function readDumpPosition(path: string): Promise<DumpPosition | undefined> {
  const f = await open(path, 'r');
  try {
    const size = (await f.stat()).size;
    const read = async (at: number, n: number) => {
      const buf = Buffer.alloc(Math.max(0, Math.min(n, size - at)));
      const { bytesRead } = await f.read(buf, 0, buf.length, at);
      return buf.subarray(0, bytesRead).toString('utf8');
    };
    return (
      dumpPosition(await read(0, DUMP_POSITION_HEAD_BYTES)) ??
      (size > DUMP_POSITION_HEAD_BYTES
        ? dumpPosition(await read(Math.max(0, size - DUMP_POSITION_TAIL_BYTES), DUMP_POSITION_TAIL_BYTES))
        : undefined)
    );
  } finally {
    await f.close();
  }
}

/** Logical dump of a replica (mariadb-dump / mysqldump --single-transaction, routines, events, triggers). */
export function logicalBackup(node: StartedNode, store: BackupStore, id: string, progress?: (m: string) => void): Promise<Manifest> {
  return backupFromReplica(copy, node, store, id, progress);
}
