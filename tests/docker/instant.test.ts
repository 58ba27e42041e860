import { createHash } from 'node:crypto';
import { cp, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactPath, DATA_DIR, openStore, physicalMethodFor, type Manifest } from '../../harness/backup/index.js';
import { instantVerify } from '../../harness/restore/index.js';
import { docker, openTopologyContext, RunContext, startTopology, waitCaughtUp, type TopologyContext } from '../../harness/runtime/index.js';
import { loadSakila } from '../../harness/workload/index.js';
import { cli, quiet } from './helpers.js';

let run: RunContext;
let ctx: TopologyContext;
let storeDir: string;
let artifact: string;
let manifest: Manifest;

/** Every file of a folder with its bytes' hash, size, mode and modification time: what "unchanged" means. */
async function fingerprint(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    const p = join(e.parentPath, e.name);
    const s = await stat(p);
    out[p.slice(dir.length)] = e.isFile()
      ? `${createHash('sha256')
          .update(await readFile(p))
          .digest('hex')} ${s.size} ${s.mode} ${s.mtimeMs}`
      : `dir ${s.mode} ${s.mtimeMs}`;
  }
  return out;
}

beforeAll(async () => {
  run = new RunContext();
  storeDir = await mkdtemp(join(tmpdir(), 'fd-store-'));
  const store = await openStore(storeDir);
  ctx = await openTopologyContext(run, 'mariadb-10.11', quiet);
  const topo = await startTopology(ctx, {
    kind: 'primary-replicas',
    replicas: [{ name: 'backup-replica', mounts: [{ source: store.hostDir, target: store.containerDir }] }],
  });
  await loadSakila(topo.primary);
  const replica = topo.get('backup-replica');
  await waitCaughtUp(replica, topo.primary);
  manifest = await physicalMethodFor(replica.adapter).backup(replica, store, 'instant', quiet);
  artifact = artifactPath(store, 'instant');
  for (const n of topo.all()) await n.destroy(); // the instant check needs nothing but the artifact
});
afterAll(async () => {
  await run?.teardown();
  if (storeDir) await rm(storeDir, { recursive: true, force: true });
});

describe('instant check of a physical artifact (server read-only on the artifact itself)', () => {
  it('runs the restore checks on the artifact without copying it and leaves it byte-identical', async () => {
    const before = await fingerprint(artifact);
    const r = await instantVerify(ctx, artifact, { name: 'instant-ok' });
    expect(r.checks.map((c) => [c.name, c.valid])).toEqual([
      ['instant-ok-check-table', true],
      ['instant-ok-checksum-table', true],
      ['instant-ok-schema-objects', true],
      ['instant-ok-gtid-equals-manifest', true],
      ['instant-ok-artifact-unchanged', true],
    ]);
    // Same bytes, sizes, modes and times for every file and folder of the artifact, manifest included.
    expect(await fingerprint(artifact)).toEqual(before);
    // Nothing of the data was copied: the overlay's upper layer held far less than the artifact.
    expect(r.copiedUpBytes).toBeLessThan(manifest.totalBytes / 4);
    // The throw-away server and its overlay volume are gone.
    const label = `label=firedrill.run=${run.runId}`;
    const left = [
      (await docker(['ps', '-a', '--filter', label, '--format', '{{.Names}}'])).stdout,
      (await docker(['volume', 'ls', '--filter', label, '--format', '{{.Name}}'])).stdout,
    ].join('\n');
    expect(left).not.toMatch(/instant-ok/);
  });

  it('fails artifact-unchanged, naming the file, when the artifact differs from its manifest', async () => {
    const copy = join(storeDir, 'instant-tampered');
    await cp(artifact, copy, { recursive: true });
    const f = join(copy, DATA_DIR, 'backup-my.cnf');
    await writeFile(f, (await readFile(f, 'utf8')) + '# changed after the backup\n');
    const r = await instantVerify(ctx, copy, { name: 'instant-bad' });
    const unchanged = r.checks.find((c) => c.name === 'instant-bad-artifact-unchanged')!;
    expect(unchanged.valid).toBe(false);
    expect(JSON.stringify(unchanged.details['differences'])).toMatch(/backup-my\.cnf/);
  });

  it('restore-test --instant: passes on the artifact, copies nothing, and leaves it byte-identical', async () => {
    const before = await fingerprint(artifact);
    const r = await cli(['restore-test', '--artifact', artifact, '--flavor', 'mariadb-10.11', '--instant', '--json']);
    expect(r.code, r.stderr.slice(-2000)).toBe(0);
    const result = JSON.parse(r.stdout) as {
      verdict: string;
      checks: Array<{ name: string; valid: boolean }>;
      observations: Record<string, { copiedUpBytes?: number }>;
    };
    expect(result.verdict).toBe('pass');
    expect(result.checks).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'check-table', valid: true }),
        expect.objectContaining({ name: 'manifest-checksums', valid: true }),
        expect.objectContaining({ name: 'restored-artifact-unchanged', valid: true }),
      ]),
    );
    expect(result.observations['instant']!.copiedUpBytes).toBeLessThan(manifest.totalBytes / 4);
    expect(await fingerprint(artifact)).toEqual(before);
  });

  it('restore-test --instant refuses what is not a ready datadir (exit 2, one line)', async () => {
    const dump = join(storeDir, 'not-a-datadir.sql');
    await writeFile(
      dump,
      '-- MariaDB dump 10.19  Distrib 10.11.18-MariaDB\nCREATE DATABASE x;\n-- Dump completed on 2026-11-29  7:00:00\n',
    );
    const r = await cli(['restore-test', '--artifact', dump, '--flavor', 'mariadb-10.11', '--instant']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n').pop()).toMatch(/--instant needs a ready datadir/);
  });
});
