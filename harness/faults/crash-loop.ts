import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run, waitUntil } from '../exec/index.js';
import { UsageError } from '../core/index.js';
import { projectRoot } from '../runtime/paths.js';
import type { StartedNode } from '../runtime/node.js';
import { crashSql, type RowRef } from '../sql/index.js';
import { int, name } from './rules.js';
import type { Selector } from './selector.js';
import type { FaultHandler } from './types.js';

/** A replica-only trigger that crashes the server when a replicated DELETE reaches the poison row. */
export interface CrashTriggerFault {
  kind: 'crash-trigger';
  target: Selector;
  db: string;
  table: string;
  key: string;
  id: number;
}

const SOURCE = join(projectRoot, 'fixtures', 'udf', 'firedrill_abort.c');
const HOLD_FILE = 'zz-firedrill-hold-replication.cnf';

/** Builds the abort() UDF with the host's C compiler (about 0.1 s). */
async function buildCrashUdf(workDir: string): Promise<string> {
  await mkdir(workDir, { recursive: true });
  const out = join(workDir, crashSql.UDF_LIBRARY);
  try {
    await run(['cc', '-shared', '-fPIC', '-O2', '-o', out, SOURCE], { timeoutMs: 60_000 });
  } catch (e) {
    throw new UsageError(`cannot build the crash UDF (a C compiler 'cc' is needed): ${(e as Error).message.split('\n')[0]}`);
  }
  return out;
}

/** Installs the crash cause on one node: the UDF library in its plugin dir, the function, the trigger. */
async function installCrashCause(node: StartedNode, row: RowRef, library: Buffer): Promise<void> {
  const [dir] = await node.query<{ d: string }>(crashSql.pluginDir());
  await node.container.putFile(`${String(dir?.d).replace(/\/$/, '')}/${crashSql.UDF_LIBRARY}`, library, 0o755);
  for (const s of crashSql.installCrashCause(row)) await node.query(s);
}

/** How many times the supervisor restarted the server: the server's own start lines in its error log, less the first. */
export async function supervisedRestarts(node: StartedNode): Promise<number> {
  const r = await node.container.exec(['grep', '-c', '-F', node.adapter.startLogLine, node.adapter.supervisedLog], { okExitCodes: [0, 1] });
  return Math.max(0, Number(r.stdout.trim() || 0) - 1);
}

/**
 * Breaks a crash loop: a configuration drop-in holds replication at the next start, the server crashes once more,
 * comes back without replicating, and stays up. Waits (polling) until it has stayed up with its SQL thread stopped.
 */
async function holdReplication(node: StartedNode, timeoutS = 120): Promise<{ restartsAtHold: number }> {
  const dropIn = `${node.adapter.configDropIn.dir}/${HOLD_FILE}`;
  await node.container.putFile(dropIn, node.adapter.configDropIn.holdReplication);
  let last = -1;
  const restartsAtHold = await waitUntil(
    async () => {
      const n = await supervisedRestarts(node);
      const st = (await node.localQuery(node.adapter.dialect.replicaStatus())).map(node.adapter.replicaState);
      const stable = n === last && st.every((s) => s.sqlRunning !== 'Yes');
      last = n;
      return stable ? n : -1;
    },
    (n) => n >= 0,
    { what: `${node.name} to come up and stay up with replication held`, timeoutMs: timeoutS * 1000, intervalMs: 1000 },
  );
  await node.dropConnection();
  await node.container.refreshAddress();
  return { restartsAtHold };
}

async function releaseHold(node: StartedNode): Promise<void> {
  await node.container.exec(['rm', '-f', `${node.adapter.configDropIn.dir}/${HOLD_FILE}`]);
}

const rowOf = (f: CrashTriggerFault): RowRef => ({ db: f.db, table: f.table, key: f.key, id: f.id });

/**
 * `{kind: 'crash-trigger', target, db, table, key, id}`: a replica-only trigger that crashes the server
 * (SIGABRT in a UDF) when a replicated DELETE reaches the poison row. Under a supervisor this is a crash loop.
 * Heal: break the loop (hold replication, one more crash), remove the trigger and the UDF, release the hold. The
 * replica is left stopped just before the poison transaction: recovering it is the drill's procedure.
 */
export const crashTrigger: FaultHandler<CrashTriggerFault> = {
  kind: 'crash-trigger',
  summary: 'a replica-only trigger that aborts the server when a replicated DELETE reaches the poison row (a crash loop)',
  attributes: { db: name, table: name, key: name, id: int },
  band: { fill: 'rgba(147,51,234,0.2)' },
  notDrawn:
    'it needs a poison row that the workload deletes, and its heal leaves the replica stopped before that transaction for the drill to recover: the chaos workload deletes nothing and chaos has no such recovery',
  describe: (f) => `install a crash-on-DELETE trigger for ${f.db}.${f.table} ${f.key}=${f.id} on ${f.target}`,
  async inject(env, f) {
    const nodes = env.resolve(f.target);
    const work = await mkdtemp(join(nodes[0] ? await nodes[0].context.run.tempDir() : tmpdir(), 'udf-'));
    try {
      const library = await readFile(await buildCrashUdf(work));
      for (const n of nodes) await installCrashCause(n, rowOf(f), library);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
    return { nodes: nodes.map((n) => n.name), observed: { installedOn: nodes.map((n) => n.name) } };
  },
  async heal(env, f, effect) {
    const out: Record<string, unknown> = {};
    for (const name of effect.nodes) {
      const n = env.find(name);
      if (!n) {
        out[name] = 'gone (rebuilt or destroyed before the heal)';
        continue;
      }
      const held = await holdReplication(n);
      for (const s of crashSql.removeCrashCause(rowOf(f))) await n.query(s);
      await releaseHold(n);
      out[name] = { ...held, causeRemoved: true };
    }
    return out;
  },
};
