/** Loading a planned dataset into a node: dump files streamed into its client, generated rows, a live copy. */
import { statSync } from 'node:fs';
import { basename } from 'node:path';
import { UsageError } from '../core/index.js';
import type { StartedNode } from '../runtime/node.js';
import { datasetSql } from '../sql/index.js';
import { streamDump, type DumpInfo } from './dump-reader.js';
import { generateRows } from './generate.js';
import { copyLive } from './live-copy.js';
import { clientOf, firstError, mb } from './node-client.js';
import { readTableModels } from './schema-model.js';
import type { DatasetPlan, DatasetSource } from './sources.js';

/** What the load did, for the result: measured, never estimated. */
export interface DatasetInfo {
  name: string;
  kind: DatasetSource['kind'];
  origin: string;
  databases: string[];
  tables: number;
  /** The dataset's base tables as `db.table`. */
  tableNames: string[];
  /** Uncompressed SQL bytes streamed into the server (dump and live), and bytes read from disk. */
  streamedBytes: number;
  fileBytes: number;
  /** Data + index bytes of the dataset's tables on the loaded server (information_schema). */
  serverBytes: number;
  loadMs: number;
  /** Statements taken out of the dump (replication position, SQL_LOG_BIN=0), by kind. */
  removed: Record<string, number>;
  /** Generated rows per table (schema datasets). */
  generatedRows?: Record<string, number>;
  /** Live copies: non-transactional tables and how long they were locked on the source (ms, measured). */
  lock?: { tables: string[]; ms: number };
  notes: string[];
}

/** Streams one dump file into the node's client, with progress; the server refusing it is bad input (exit 2). */
async function loadDumpFile(node: StartedNode, file: string, progress: (m: string) => void): Promise<DumpInfo> {
  const size = statSync(file).size;
  const t0 = Date.now();
  const client = clientOf(node);
  let last = 0;
  try {
    const [info] = await Promise.all([
      streamDump(file, client.stdin, {
        onBytes: (n) => {
          const now = Date.now();
          if (now - last < 2000 && n < size) return;
          last = now;
          progress(
            `dataset ${basename(file)}: ${size ? Math.floor((n / size) * 100) : 100}% (${mb(n)}/${mb(size)} MB read, ${mb(n / Math.max(0.001, (now - t0) / 1000))} MB/s)`,
          );
        },
      }),
      client.done,
    ]);
    return info;
  } catch (e) {
    client.kill();
    await client.done.catch(() => undefined);
    const error = firstError(e);
    // an account that authenticates with a plugin the server does not load: the team's my.cnf loads it
    const plugin = /ERROR 1524 \(HY000\)[^\n]*?Plugin '([^']+)' is not loaded/.exec(error)?.[1];
    const advice = plugin
      ? `; the dump has an account that authenticates with '${plugin}': pass your server's my.cnf, which loads it (plugin_load_add), with --server-config`
      : '';
    throw new UsageError(`dataset ${file}: the server refused it: ${error}${advice}`);
  }
}

/** Sums the dataset's tables' data and index bytes on the loaded server. */
async function serverBytes(node: StartedNode, dbs: readonly string[]): Promise<number> {
  if (!dbs.length) return 0;
  const rows = await node.query<{ bytes: string | number | null }>(datasetSql.tableSizes(dbs));
  return rows.reduce((s, r) => s + Number(r.bytes ?? 0), 0);
}

/** Loads the planned dataset into `node` (a primary: it replicates to the rest), with progress. */
export async function loadDataset(node: StartedNode, plan: DatasetPlan, progress: (m: string) => void = () => {}): Promise<DatasetInfo> {
  const t0 = Date.now();
  const info: DatasetInfo = {
    name: plan.name,
    kind: plan.source.kind,
    origin: plan.origin,
    databases: [...plan.databases],
    tables: plan.tables.length,
    tableNames: [...plan.tables],
    streamedBytes: 0,
    fileBytes: plan.fileBytes,
    serverBytes: 0,
    loadMs: 0,
    removed: {},
    notes: [],
  };
  const add = (d: DumpInfo) => {
    info.streamedBytes += d.bytes;
    for (const [k, v] of Object.entries(d.removed)) info.removed[k] = (info.removed[k] ?? 0) + v;
  };
  const src = plan.source;
  if (src.kind === 'sakila' || src.kind === 'dump' || src.kind === 'schema') {
    for (const f of plan.files) add(await loadDumpFile(node, f, progress));
  }
  if (src.kind === 'schema') info.generatedRows = await fillGenerated(node, plan, src.rows, src.seed ?? 1, progress, info.notes);
  if (src.kind === 'live') {
    const r = await copyLive(node, plan, progress);
    add(r.dump);
    if (r.lock) info.lock = r.lock;
  }
  info.loadMs = Date.now() - t0;
  info.serverBytes = await serverBytes(node, plan.databases);
  if (info.removed['sql-log-bin'])
    info.notes.push('the dump turned binary logging off (SQL_LOG_BIN=0): taken out, so the data reaches the replicas');
  if (info.removed['gtid-purged'] || info.removed['gtid-slave-pos'] || info.removed['change-source'])
    info.notes.push("the dump's replication position was taken out: the drill topology has its own");
  progress(
    `dataset ${plan.name}: loaded in ${(info.loadMs / 1000).toFixed(1)} s (${mb(info.streamedBytes)} MB of SQL, ${mb(info.serverBytes)} MB on the server)`,
  );
  return info;
}

/** Inserts generated rows into every table of the loaded schema: rows a server refuses (CHECK constraints) are counted and noted. */
async function fillGenerated(
  node: StartedNode,
  plan: DatasetPlan,
  rows: number,
  seed: number,
  progress: (m: string) => void,
  notes: string[],
): Promise<Record<string, number>> {
  const models = await readTableModels(node, plan.databases);
  const generated = generateRows(models, rows, seed);
  const conn = await node.connect();
  const out: Record<string, number> = {};
  try {
    for (const s of datasetSql.generatedLoadSession()) await conn.query(s);
    for (const g of generated) {
      const name = `${g.table.db}.${g.table.name}`;
      for (const n of g.notes) notes.push(`${name}: ${n}`);
      let inserted = 0;
      let refused = 0;
      let reason = '';
      for (let i = 0; i < g.rows.length; i += 200) {
        const batch = g.rows.slice(i, i + 200);
        const st = datasetSql.insertRows(g.table.db, g.table.name, g.columns, batch);
        try {
          await conn.query(st);
          inserted += batch.length;
        } catch {
          for (const r of batch) {
            const one = datasetSql.insertRows(g.table.db, g.table.name, g.columns, [r]);
            try {
              await conn.query(one);
              inserted++;
            } catch (e) {
              refused++;
              reason ||= (e as Error).message;
            }
          }
        }
      }
      out[name] = inserted;
      if (refused) notes.push(`${name}: the server refused ${refused} generated rows (first: ${reason})`);
      progress(`generated rows: ${name} ${inserted}/${rows}`);
    }
  } finally {
    await conn.close();
  }
  return out;
}
