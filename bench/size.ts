// One size of `npm run bench`, in a process of its own (so its peak RSS is the harness's at this size). It runs the
// drill, then measures each harness step and the physical work it stands for back to back on the same data, and
// prints one JSON object (SizeResult) on stdout; progress goes to stderr.
// Usage: tsx bench/size.ts --mb 100 [--flavor mariadb-10.11] [--reps 3]
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DATA_DIR, methodByName, readManifest } from '../harness/backup/index.js';
import { run as exec } from '../harness/exec/index.js';
import { copyBack, instantVerify, restorePhysical, verifyArtifact } from '../harness/restore/index.js';
import { flavor } from '../harness/core/index.js';
import { docker, NodeDefinition, openTopologyContext, reportsDir, RunContext, type StartedNode } from '../harness/runtime/index.js';
import { findScenario, planDrill, runScenario } from '../harness/scenario/index.js';
import { inspect, tamperSql, workloadSql } from '../harness/sql/index.js';
import { compareData, compareSnapshots, databasesInScope, takeSnapshot } from '../harness/verify/index.js';
import { loadBulk, loadSakila } from '../harness/workload/index.js';
import { s3RestorePair } from './s3.js';
import { diffRowsPairs } from './diff-rows.js';
import { dumpLoadPair, zstdOf } from './dump-load.js';
import { measureAgainst, measurePair, timed } from './pair.js';
import { targetOf } from './targets.js';
import type { Pair, PairKey, SizeResult } from './types.js';

const { values } = parseArgs({
  options: {
    mb: { type: 'string' },
    flavor: { type: 'string', default: 'mariadb-10.11' },
    reps: { type: 'string', default: '3' },
    // For working on one part: --only verify,copyBack,instant,s3,load,dumpLoad,diffRows,compare (the drill runs when an artifact is needed).
    only: { type: 'string' },
  },
});
const only = values.only ? new Set(values.only.split(',')) : undefined;
const wants = (part: string) => !only || only.has(part);
const mb = Number(values.mb);
const reps = Math.max(1, Number(values.reps));
const flavorId = flavor(values.flavor!).id;
const progress = (m: string) => process.stderr.write(`[bench ${mb} MB] ${m}\n`);

/**
 * Measures a harness step against its physical baseline `n` times each (bench/pair.ts: alternating, fastest kept); a
 * pair that misses its target (bench/targets.ts) is measured once more before the table judges it.
 */
function pair(
  key: PairKey,
  name: string,
  harness: (i: number) => Promise<unknown>,
  baseline: (i: number) => Promise<unknown>,
  before: () => Promise<unknown> = async () => undefined,
  n = reps,
  after: (which: 'harness' | 'baseline', i: number) => Promise<unknown> = async () => undefined,
): Promise<Pair> {
  const measure = (first: number) => measurePair({ harness, baseline, before, after }, n, { first, progress, name });
  const target = targetOf(key);
  return target ? measureAgainst(target, measure, progress) : measure(0);
}

const sync = () => exec(['sync'], { timeoutMs: 300_000 });
const rssMiB = () => Math.round(process.resourceUsage().maxRSS / 1024);

// 1. The drill itself, as a user runs it (its artifact is kept for the measurements below).
const drillRun = new RunContext();
// On a signal the run is torn down and the process exits; work interrupted meanwhile waits for that, never crashes past it.
let stopping: Promise<unknown> | undefined;
const stopDrill = () => {
  stopping ??= drillRun.teardown().finally(() => process.exit(130));
};
process.once('SIGINT', stopDrill);
process.once('SIGTERM', stopDrill);
const def = await findScenario('replica-kill-restore');
const needsDrill = wants('drill') || wants('verify') || wants('copyBack') || wants('instant') || wants('s3');
let drill: Awaited<ReturnType<typeof runScenario>> | undefined;
try {
  if (needsDrill)
    drill = await runScenario(await planDrill(def, flavorId, { bulkMb: mb }, progress), { run: drillRun, progress, keepArtifacts: true });
} catch (e) {
  if (stopping) await stopping;
  throw e;
} finally {
  await drillRun.teardown();
  process.removeListener('SIGINT', stopDrill);
  process.removeListener('SIGTERM', stopDrill);
}
const rssAfterDrill = rssMiB();
const backupKey = drill && Object.keys(drill.observations).find((k) => k.startsWith('backup '));
if (drill && !backupKey) throw new Error(`the drill took no backup (${drill.verdict}: ${drill.error ?? ''})`);
const artifactDir = drill && backupKey ? join(drill.reportDir, 'store', backupKey.slice('backup '.length)) : '';
const manifest = drill ? await readManifest(artifactDir) : undefined;

// 2. Each step against the physical work it stands for, on that artifact and on two fresh servers.
const run = new RunContext();
const stop = () => {
  stopping ??= run.teardown().finally(() => process.exit(130));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
const out: SizeResult = {
  mb,
  flavor: flavorId,
  reps,
  drill: drill
    ? {
        runId: drill.runId,
        verdict: drill.verdict,
        durationMs: drill.durationMs,
        reportDir: drill.reportDir,
        error: drill.error,
        phases: Object.fromEntries(drill.phases.map((p) => [p.name, p.durationMs])),
        rtoMs: drill.rto.ms,
      }
    : undefined,
  artifact: manifest ? { id: manifest.id, method: manifest.method, bytes: manifest.totalBytes, files: manifest.files.length } : undefined,
  rssMiB: { afterDrill: rssAfterDrill, peak: 0 },
  pairs: {},
};
try {
  // An account name of its own: the drill's artifact carries the drill's 'firedrill' account (and its password).
  const base = await openTopologyContext(run, flavorId, progress);
  const tctx = { ...base, creds: { ...base.creds, admin: 'firedrill_bench', repl: 'firedrill_bench_repl' } };
  const work = join(reportsDir, `bench-${run.runId}`);
  await mkdir(work, { recursive: true });
  run.onTeardown(`remove ${work}`, () => rm(work, { recursive: true, force: true }));

  if (manifest) {
    // Artifact verification vs sha256sum of the same files.
    const files = manifest.files.map((f) => join(artifactDir, DATA_DIR, f.path));
    if (wants('verify'))
      out.pairs['verify'] = await pair(
        'verify',
        'artifact verification vs sha256sum',
        () => verifyArtifact(artifactDir),
        () => exec(['sha256sum', '--', ...files], { timeoutMs: 3_600_000 }),
      );

    // Copy-back vs cp -a of the same folder on the same disk (the docker volumes and the reports are on one filesystem).
    const method = methodByName(manifest.method);
    let how = '';
    // The harness step is copyBack itself: its destination volume exists before it runs (a restore creates the volume,
    // then copies), so the volume is made before either side is timed, as cp -a's parent folder exists before it runs.
    let volume = '';
    let made = 0;
    if (wants('copyBack'))
      out.pairs['copyBack'] = await pair(
        'copyBack',
        'copy-back vs cp -a',
        async () => {
          how = (await copyBack(tctx, artifactDir, method, volume, 'bench-copy')).how;
        },
        (i) => exec(['cp', '-a', join(artifactDir, DATA_DIR), join(work, `cp-a-${i}`)], { timeoutMs: 3_600_000 }),
        async () => {
          await sync();
          volume = run.name(`bench-copy-${made++}`);
          await docker(['volume', 'create', ...run.labelArgs(), volume]);
        },
        reps,
        async (which, i) => {
          await docker(['volume', 'rm', '-f', volume]);
          if (which === 'baseline') await rm(join(work, `cp-a-${i}`), { recursive: true, force: true });
        },
      );
    if (out.pairs['copyBack'])
      out.pairs['copyBack'].note =
        `harness copied ${how === 'host' ? 'in-process into the volume' : "with the method's one-shot containers"}`;

    // Instant check (server read-only on the artifact itself) vs full restore followed by the same checks.
    if (wants('instant'))
      out.pairs['instant'] = await pair(
        'instant',
        'instant check vs full restore + the same checks',
        async () => {
          const r = await instantVerify(tctx, artifactDir, { name: 'bench-instant' });
          if (!r.checks.every((c) => c.valid))
            throw new Error(`instant check failed: ${JSON.stringify(r.checks.filter((c) => !c.valid)).slice(0, 500)}`);
        },
        async (i) => {
          const r = await restorePhysical(tctx, artifactDir, { name: `bench-full-${i}`, serverId: 300 + i, readOnly: true });
          try {
            await r.node.clientSql(r.node.adapter.dialect.bootstrapUsers(tctx.creds));
            const checks = compareSnapshots(manifest.snapshot, await takeSnapshot(r.node, manifest.snapshot.databases));
            if (!checks.every((c) => c.valid)) throw new Error('full restore checks failed');
          } finally {
            await r.node.destroy();
          }
        },
        async () => undefined,
        Math.min(reps, 2),
      );

    // restore-test of the artifact from the S3 store vs from its local folder (twice at most: each is a whole restore).
    if (wants('s3')) out.pairs['s3Restore'] = await s3RestorePair(run, artifactDir, flavorId, Math.min(reps, 2), progress);
  }

  // verify of a replica pair with known differing rows vs pt-table-checksum / pt-table-sync and CHECKSUM TABLE.
  if (wants('diffRows')) Object.assign(out.pairs, await diffRowsPairs(tctx, mb, mb <= 200 ? reps : Math.min(reps, 2), progress));

  if (wants('load') || wants('dumpLoad') || wants('compare')) {
    // The bench's data as a drill makes it (Sakila + the generated bulk table) in a fresh server, then a dump of it:
    // the file a user would give as --dataset dump.sql. Each load pair runs several times up to 200 MB, once above.
    const loadReps = mb <= 200 ? Math.min(reps, 2) : 1;
    const loaded = await new NodeDefinition(tctx, {
      name: 'bench-load',
      server: { serverId: 201 },
      mounts: [{ source: work, target: '/bench' }],
    }).start();
    const tl = await timed(async () => {
      await loadSakila(loaded);
      return loadBulk(loaded, mb);
    });
    const rows = tl.value;
    const dbs = await databasesInScope(loaded);
    const dump = join(work, 'dump.sql');
    await loaded.container.exec(loaded.adapter.logicalDump(dbs, '/bench/dump.sql'), { timeoutMs: 3_600_000 });
    let fromDump: StartedNode | undefined;
    const keep = (n: StartedNode) => {
      void fromDump?.destroy();
      fromDump = n;
    };
    if (wants('dumpLoad')) {
      out.pairs['dumpLoad'] = await dumpLoadPair(tctx, dump, loadReps, progress, keep);
      out.pairs['dumpLoadZst'] = await dumpLoadPair(tctx, await zstdOf(dump), loadReps, progress);
    }
    if (!fromDump) {
      fromDump = await new NodeDefinition(tctx, { name: 'bench-dump', server: { serverId: 211 } }).start();
      await fromDump.loadSqlFile(dump);
    }
    const other: StartedNode = fromDump;
    // Firedrill's own data (what the old "dataset load" row timed): generated in the server, no dump read; reported
    // beside the client's load of its dump, without a target (different work).
    const clientMs = out.pairs['dumpLoad']?.baselineMs;
    if (clientMs)
      out.pairs['load'] = {
        harnessMs: Math.round(tl.ms),
        baselineMs: clientMs,
        harnessRuns: [Math.round(tl.ms)],
        baselineRuns: out.pairs['dumpLoad']!.baselineRuns,
        note: 'harness: Sakila + the generated bulk table (INSERT … SELECT from a row generator: no dump is read); baseline: the client loading a dump of it',
      };
    for (const f of [dump, `${dump}.zst`]) await rm(f, { force: true });

    // Data comparison of the two servers vs CHECKSUM TABLE of the same tables on both (at once on both servers).
    const tables: Array<[string, string]> = [];
    for (const db of dbs)
      for (const t of await loaded.query<{ name: string; type: string }>(inspect.listTables(db)))
        if (t.type === 'BASE TABLE') tables.push([db, t.name]);
    const checksumBoth = () =>
      Promise.all(
        [loaded, other].map(async (n: StartedNode) => {
          for (const [db, t] of tables) await n.query(inspect.checksumTable(db, t));
        }),
      );
    let equal = true;
    let settledBy: unknown;
    out.pairs['compare'] = await pair(
      'compare',
      'data comparison vs CHECKSUM TABLE on both',
      async () => {
        const c = await compareData(loaded, other);
        equal = c.valid && equal;
        settledBy = c.details['settledBy'];
      },
      checksumBoth,
    );
    // The proviso: it still names the differing rows (one changed row in the bulk table).
    const key = Math.ceil(rows / 2);
    await other.query(tamperSql.alterOneRow(workloadSql.BULK_DB, 'filler', 'id', key, 'pad', 'changed by the benchmark'));
    const td2 = await timed(() => compareData(loaded, other));
    const diffs = (td2.value.details['differences'] as Array<{ kind: string; where?: string }>) ?? [];
    const named = diffs.some((d) => d.kind === 'row-differs' && d.where === `id=${key}`);
    out.pairs['compare']!.note =
      `equal servers judged equal: ${equal} (settled by ${JSON.stringify(settledBy)}); one changed row named (id=${key}): ${named} in ${Math.round(td2.ms)} ms`;
    out.pairs['compare']!.proviso = equal && named;
    progress(out.pairs['compare']!.note!);
    await loaded.destroy();
    await other.destroy();
  }
} catch (e) {
  if (stopping) await stopping;
  throw e;
} finally {
  const failures = await run.teardown();
  if (failures.length) progress(`teardown failures: ${failures.join('; ')}`);
  if (drill) await rm(join(drill.reportDir, 'store'), { recursive: true, force: true });
}
out.rssMiB.peak = rssMiB();
process.stdout.write(JSON.stringify(out) + '\n');
