import { resolve } from 'node:path';
import { PassThrough, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { UsageError } from '../core/index.js';
import { HarnessError, spawnPiped } from '../exec/index.js';
import { redact } from '../runtime/connection.js';
import { docker } from '../runtime/docker.js';
import { prefilledMounts } from '../runtime/mounts.js';
import type { StartedNode } from '../runtime/node.js';
import { clientTlsOptions, CONTAINER_CA_PATH } from '../runtime/tls.js';
import { DumpFilter, type DumpInfo } from './dump-reader.js';
import { clientOf, firstError, mb } from './node-client.js';
import { LIVE_TIMEOUT_MS, type DatasetPlan, type DatasetSource } from './sources.js';

/**
 * A consistent, read-only copy of a live server's databases: the flavor's dump tool runs in a throw-away container on
 * the host's network (it reaches what the host reaches), credentials on its stdin (an option file: never argv or
 * disk). Transactional tables come in one --single-transaction snapshot (no lock: InnoDB writers are never blocked);
 * non-transactional ones (MyISAM, Aria, MEMORY, ...) afterwards under LOCK TABLES … READ per database, and the time
 * that lock was held on the source is measured from the tool's own progress lines.
 */
export async function copyLive(
  node: StartedNode,
  plan: DatasetPlan,
  progress: (m: string) => void,
): Promise<{ dump: DumpInfo; lock?: { tables: string[]; ms: number } }> {
  const src = plan.source as Extract<DatasetSource, { kind: 'live' }>;
  const s = src.server;
  const family = node.adapter.flavor.family;
  const tool = family === 'mariadb' ? 'mariadb-dump' : 'mysqldump';
  const own = family === 'mysql' ? ['--set-gtid-purged=OFF'] : [];
  const common = ['--defaults-extra-file=/dev/stdin', '--quick', '--hex-blob', '--no-tablespaces', ...own];
  const nonTx = plan.live?.nonTransactional ?? [];
  const ctx = node.context;
  // The source's TLS mode goes to the tool too; its CA file (no secret) is mounted read-only.
  const tls = s.tls ?? { mode: 'PREFERRED' as const };
  const caMount = await prefilledMounts(
    ctx.run,
    ctx.image,
    tls.ca !== undefined ? [{ source: resolve(tls.ca), target: CONTAINER_CA_PATH, readOnly: true }] : [],
  );
  const options = [`user=${s.user}`, `password=${s.password}`, `host=${s.host}`, `port=${s.port}`, ...clientTlsOptions(family, tls)];
  let n = 0;
  const runDump = async (args: string[], defaultDb: string, onLine?: (l: string) => void): Promise<DumpInfo> => {
    const name = ctx.run.name(`dataset-copy-${++n}`);
    const p = spawnPiped(
      [
        'docker',
        'run',
        '--rm',
        '-i',
        '--network',
        'host',
        '--name',
        name,
        ...ctx.run.labelArgs(),
        '-e',
        'FIREDRILL_EMPTY_DATADIR=1',
        ...caMount,
        ctx.image,
        tool,
        ...common,
        ...args,
      ],
      {
        onStderr: (t) => {
          for (const l of t.split('\n')) if (l) onLine?.(l);
        },
      },
    );
    ctx.run.onTeardown(`remove container ${name}`, async () => {
      await docker(['rm', '-f', '-v', name]).catch(() => undefined);
    });
    p.stdin.end(`[client]\n${options.join('\n')}\n`);
    const client = clientOf(node);
    const filter = new DumpFilter(defaultDb);
    const counted = new PassThrough();
    let bytes = 0;
    let last = Date.now();
    const t0 = last;
    let lastByte = last;
    // A deadline on the stream: a source that sends nothing for LIVE_TIMEOUT_MS (frozen, cut off) ends the copy.
    let silent = false;
    const watchdog = setInterval(() => {
      if (Date.now() - lastByte < LIVE_TIMEOUT_MS) return;
      silent = true;
      p.kill();
      client.kill();
    }, 1000);
    counted.on('data', (b: Buffer) => {
      lastByte = Date.now();
      bytes += b.length;
      if (Date.now() - last > 2000) {
        last = Date.now();
        progress(`dataset ${plan.name}: ${mb(bytes)} MB copied (${mb(bytes / ((last - t0) / 1000))} MB/s)`);
      }
    });
    try {
      await Promise.all([pipeline(p.stdout, counted, filter, client.stdin as Writable), p.done, client.done]);
    } catch (e) {
      p.kill();
      client.kill();
      await Promise.allSettled([p.done, client.done]);
      if (silent)
        throw new HarnessError(
          `dataset ${plan.name}: ${tool} sent nothing for ${LIVE_TIMEOUT_MS / 1000} s (deadline): the source stopped answering`,
        );
      throw new UsageError(`dataset ${plan.name}: the copy failed: ${redact(firstError(e), s.password)}`);
    } finally {
      clearInterval(watchdog);
    }
    return filter.info;
  };
  const ignore = nonTx.map((t) => `--ignore-table=${t}`);
  progress(
    `dataset ${plan.name}: copying ${plan.live?.transactional.length ?? 0} transactional tables in one consistent snapshot (no lock)`,
  );
  const dump = await runDump(
    ['--single-transaction', '--skip-lock-tables', '--routines', '--events', '--triggers', ...ignore, '--databases', ...plan.databases],
    plan.databases[0]!,
  );
  if (!nonTx.length) return { dump };
  let lockMs = 0;
  for (const db of plan.databases) {
    const tables = nonTx.filter((t) => t.startsWith(`${db}.`)).map((t) => t.slice(db.length + 1));
    if (!tables.length) continue;
    let lockedAt = 0;
    let unlockedAt = 0;
    progress(`dataset ${plan.name}: copying non-transactional ${db}.{${tables.join(',')}} under LOCK TABLES … READ`);
    const t0 = Date.now();
    const d = await runDump(['--verbose', '--lock-tables', '--skip-add-locks', db, ...tables], db, (l) => {
      // mysqldump/mariadb-dump: LOCK TABLES right after connecting, before the first "Retrieving table structure";
      // released when it disconnects.
      if (!lockedAt && /Retrieving table structure|Sending SELECT/.test(l)) lockedAt = Date.now();
      if (/Disconnecting from/.test(l)) unlockedAt = Date.now();
    });
    lockMs += (unlockedAt || Date.now()) - (lockedAt || t0);
    dump.bytes += d.bytes;
    for (const [k, v] of Object.entries(d.removed)) dump.removed[k] = (dump.removed[k] ?? 0) + v;
  }
  return { dump, lock: { tables: nonTx, ms: lockMs } };
}
