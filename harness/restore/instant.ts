import { mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DATA_DIR, hashTree, readManifest, type ArtifactFile, type Manifest } from '../backup/index.js';
import { UsageError } from '../core/index.js';
import { docker, type ContainerFiles } from '../runtime/docker.js';
import { filesAreCopied } from '../runtime/mounts.js';
import { oneShot } from '../runtime/oneshot.js';
import { NodeDefinition, type StartedNode } from '../runtime/node.js';
import type { TopologyContext } from '../runtime/context.js';
import { gtidReplicaPos } from '../runtime/replication.js';
import { check, compareSnapshots, restoredAtPoint, takeSnapshot, type CheckResult } from '../verify/index.js';
import { ArtifactRejectedError } from './verify-artifact.js';

export interface InstantVerifyOptions {
  /** Node name of the throw-away server (default 'instant'). */
  name?: string;
  serverId?: number;
  /** Extra server options (e.g. the user's --server-config drop-ins as flags). */
  extra?: readonly string[];
  /**
   * Runs more checks on the server while it is up (e.g. restore-test's expected state); their verdicts are added.
   * The server is read-only: anything that writes fails.
   */
  more?: (node: StartedNode, manifest: Manifest) => Promise<CheckResult[]>;
}

export interface InstantVerifyResult {
  manifest: Manifest;
  /** CHECK TABLE, CHECKSUM TABLE and objects vs the manifest's snapshot, GTID position, and `artifact-unchanged`. */
  checks: CheckResult[];
  timings: { prehashMs: number; startMs: number; checksMs: number; rehashMs: number; totalMs: number };
  /** Bytes the overlay's upper layer holds at the end (allocated blocks): what the server wrote, copy-ups included. */
  copiedUpBytes: number;
}

/** Flags that keep the server from writing to its data files: InnoDB opens them read-only, nothing is purged. */
const READ_ONLY_DATA = ['--innodb-read-only=ON', '--read-only=ON'];
const INSTANT_ADMIN = 'firedrill_instant';
/** Methods whose artifact is a consistent datadir InnoDB can open read-only (a prepared mariabackup). */
export const INSTANT_METHODS: ReadonlySet<string> = new Set(['mariabackup']);

/**
 * Verifies a physical artifact without copying it. The server starts on the artifact itself: its data folder is the
 * lower layer of an overlay mount (a local volume the engine mounts with type=overlay, metacopy=on), so whatever the
 * server writes at start (logs, Aria control files, a throw-away account) lands in an upper folder that is thrown
 * away, and InnoDB runs read-only so no data file is written or copied up. The files are handed to the server's user
 * in the overlay (metacopy: inodes only, never data). Then the same checks as after a full restore run (CHECK TABLE,
 * CHECKSUM TABLE and every object's definition against the manifest's snapshot, the GTID position), the server is
 * removed, and the artifact is hashed again against its manifest: `artifact-unchanged` proves it byte-identical.
 * The cost is the server's start, what the checks read and one hash pass; `copiedUpBytes` shows what the overlay
 * had to write (it does not grow with the data).
 */
export async function instantVerify(ctx: TopologyContext, artifactDir: string, o: InstantVerifyOptions = {}): Promise<InstantVerifyResult> {
  const t0 = Date.now();
  let manifest: Manifest;
  try {
    manifest = await readManifest(artifactDir);
  } catch (e) {
    throw new ArtifactRejectedError(artifactDir, [`manifest unreadable: ${e instanceof Error ? e.message : String(e)}`]);
  }
  if (!INSTANT_METHODS.has(manifest.method)) {
    throw new Error(
      `artifact ${manifest.id} (${manifest.method}) cannot be checked instantly: ${manifest.method === 'logical' ? 'a logical dump has no datadir' : 'a crash-consistent copy needs InnoDB recovery, which writes'}; restore it instead`,
    );
  }
  const name = o.name ?? 'instant';
  const r = await instantCheck(ctx, join(artifactDir, DATA_DIR), {
    name,
    serverId: o.serverId,
    extra: o.extra,
    label: manifest.id,
    expectedFiles: manifest.files,
    checks: async (node) => {
      const snap = await takeSnapshot(node, undefined, { against: manifest.snapshot });
      const out = compareSnapshots(manifest.snapshot, snap).map((c) => ({ ...c, name: `${name}-${c.name}` }));
      out.push(await restoredAtPoint(node, manifest.position.gtid, await gtidReplicaPos(node), `${name}-gtid-equals-manifest`));
      if (o.more) out.push(...(await o.more(node, manifest)));
      return out;
    },
  });
  return { manifest, checks: r.checks, timings: { ...r.timings, totalMs: Date.now() - t0 }, copiedUpBytes: r.copiedUpBytes };
}

export interface InstantCheckOptions {
  name?: string;
  /** Host folders the server needs (e.g. the folder of the user's config), mounted read-only as given. */
  mounts?: ReadonlyArray<{ source: string; target: string; readOnly?: boolean }>;
  /** Files the server gets from memory before it starts (the user's config drop-in, option files with passwords). */
  files?: readonly ContainerFiles[];
  serverId?: number;
  extra?: readonly string[];
  /** How the folder is named in progress lines and findings (default: its path). */
  label?: string;
  /** The files the folder must hold (a manifest's list): checked after the server is gone. Without it, every file
   * is hashed before the server starts and again after it is gone (two passes). */
  expectedFiles?: readonly ArtifactFile[];
  /** The checks to run while the read-only server is up. */
  checks: (node: StartedNode) => Promise<CheckResult[]>;
}

/** A read-only server running on a folder through an overlay (see openInstant). */
export interface InstantServer {
  node: StartedNode;
  /** Removes the server and the overlay, then hashes the folder again: `<name>-artifact-unchanged`. */
  close(): Promise<{ check: CheckResult; copiedUpBytes: number; rehashMs: number }>;
}

/**
 * Starts a read-only server on a folder that is a ready datadir (a prepared mariabackup folder, a clone, a datadir
 * copy, a firedrill artifact's data), without copying it: the folder is the lower layer of an overlay volume (see
 * instantVerify). `close()` removes the server and the overlay and proves the folder byte-identical (against
 * `expectedFiles`, or against its own hashes taken before the start). The caller runs its checks in between.
 */
export async function openInstant(
  ctx: TopologyContext,
  dataDir: string,
  o: Omit<InstantCheckOptions, 'checks'> = {},
): Promise<InstantServer & { prehashMs: number; startMs: number }> {
  const name = o.name ?? 'instant';
  const label = o.label ?? dataDir;
  if (await filesAreCopied())
    throw new UsageError(
      `${name}: the instant check starts the server on an overlay whose lower layer is ${label} on this machine, which a remote engine cannot mount: restore it instead (without --instant / --instant-verify)`,
    );
  const th = Date.now();
  const expected = o.expectedFiles ?? (ctx.progress(`${name}: hashing ${label} before the server starts on it`), await hashTree(dataDir));
  const prehashMs = Date.now() - th;
  const scratch = await mkdtemp(join(tmpdir(), `fd-instant-${ctx.run.runId}-`));
  ctx.run.onTeardown(`remove ${scratch}`, () => rm(scratch, { recursive: true, force: true }));
  await mkdir(join(scratch, 'upper'));
  await mkdir(join(scratch, 'work'));
  const volume = await ctx.run.volume(`${name}-overlay`, [
    '--driver',
    'local',
    '--opt',
    'type=overlay',
    '--opt',
    'device=overlay',
    '--opt',
    `o=lowerdir=${dataDir},upperdir=${join(scratch, 'upper')},workdir=${join(scratch, 'work')},metacopy=on`,
  ]);
  let node: StartedNode | undefined;
  const removeAll = async () => {
    // Also when the server never came up: its container holds the volume. Failures here are left to the teardown.
    await (node ? node.remove() : docker(['rm', '-f', '-v', ctx.run.name(name)])).catch(() => undefined);
    await docker(['volume', 'rm', '-f', volume]).catch(() => undefined); // the engine unmounts the overlay with it
  };
  const t1 = Date.now();
  try {
    // The folder's files keep the owner they have on the store (often root, 0640): give them to the server's user
    // in the overlay. With metacopy=on that copies up the inodes only, never the data.
    await oneShot(ctx, { name: `${name}-own`, volume, argv: ['chown', '-R', 'mysql:mysql', '/var/lib/mysql'] });
    // The folder's own accounts are not ours to know: the context's account is created over the local socket (root,
    // unix_socket) in the overlay's upper layer (MariaDB keeps accounts in Aria tables, writable here).
    node = await new NodeDefinition(ctx, {
      name,
      datadirVolume: volume,
      mounts: o.mounts,
      files: o.files,
      server: { serverId: o.serverId ?? 900, skipReplicaStart: true, extra: [...READ_ONLY_DATA, ...(o.extra ?? [])] },
    }).start();
  } catch (e) {
    await removeAll();
    throw e;
  }
  const startMs = Date.now() - t1;
  ctx.progress(`${name}: server up on ${label} read-only (overlay, nothing copied)`);
  let closed = false;
  return {
    node,
    prehashMs,
    startMs,
    async close() {
      if (closed) throw new Error(`${name}: closed twice`);
      closed = true;
      await removeAll();
      const copiedUpBytes = await allocatedBytes(join(scratch, 'upper'));
      const t = Date.now();
      ctx.progress(`${name}: hashing ${label} again`);
      const problems = filesDiffer(expected, await hashTree(dataDir).catch(() => []));
      const c = check(
        `${name}-artifact-unchanged`,
        problems.map((p) => ({ database: '*', object: label, kind: 'artifact-file-differs', where: p })),
        {
          files: expected.length,
          bytes: expected.reduce((n, f) => n + f.bytes, 0),
          copiedUpBytes,
          method: `every file re-hashed (sha256) after the server was removed, against ${o.expectedFiles ? 'the manifest' : 'its hashes taken before the start'}`,
        },
      );
      return { check: c, copiedUpBytes, rehashMs: Date.now() - t };
    },
  };
}

/** The instant check of a ready datadir folder: openInstant, `checks`, close (see openInstant). */
async function instantCheck(
  ctx: TopologyContext,
  dataDir: string,
  o: InstantCheckOptions,
): Promise<{ checks: CheckResult[]; timings: Omit<InstantVerifyResult['timings'], 'totalMs'>; copiedUpBytes: number }> {
  // The artifact's accounts are not ours to know: a throw-away account of this run (created in the overlay).
  const own: TopologyContext = { ...ctx, creds: { ...ctx.creds, admin: INSTANT_ADMIN, repl: `${INSTANT_ADMIN}_repl` } };
  const server = await openInstant(own, dataDir, o);
  const t = Date.now();
  let checks: CheckResult[];
  try {
    checks = await o.checks(server.node);
  } catch (e) {
    await server.close().catch(() => undefined); // the server goes in every case; the checks' error is the one reported
    throw e;
  }
  const checksMs = Date.now() - t;
  const done = await server.close();
  return {
    checks: [...checks, done.check],
    timings: { prehashMs: server.prehashMs, startMs: server.startMs, checksMs, rehashMs: done.rehashMs },
    copiedUpBytes: done.copiedUpBytes,
  };
}

/** Every file of `expected` present with the same size and sha256 in `actual`, and nothing more. */
function filesDiffer(expected: readonly ArtifactFile[], actual: readonly ArtifactFile[]): string[] {
  const byPath = new Map(actual.map((f) => [f.path, f]));
  const problems: string[] = [];
  for (const f of expected) {
    const a = byPath.get(f.path);
    if (!a) problems.push(`${f.path}: missing`);
    else if (a.bytes !== f.bytes) problems.push(`${f.path}: ${a.bytes} bytes, expected ${f.bytes}`);
    else if (a.sha256 !== f.sha256) problems.push(`${f.path}: sha256 differs`);
    byPath.delete(f.path);
  }
  for (const p of byPath.keys()) problems.push(`${p}: not expected`);
  return problems;
}

async function allocatedBytes(dir: string): Promise<number> {
  let n = 0;
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) n += (await stat(join(e.parentPath, e.name))).blocks * 512;
  }
  return n;
}
