import { constants } from 'node:fs';
import { access, chown, copyFile, mkdir, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DATA_DIR, type PhysicalMethod } from '../backup/index.js';
import { inspect } from '../runtime/docker.js';
import { filesAreCopied } from '../runtime/mounts.js';
import type { TopologyContext } from '../runtime/context.js';
import { oneShot } from '../runtime/oneshot.js';

/** How a copy-back was done, and what it moved. */
export interface CopyBackResult {
  /** host: by this process into the volume's folder; engine: an archive through the engine; container: the method's steps. */
  how: 'host' | 'engine' | 'container';
  files: number;
  bytes: number;
  ms: number;
}

/** Files copied at once: enough to keep the disk's queue full, few enough not to thrash on 2 cores. */
const PARALLEL_FILES = 4;

const ownerByImage = new Map<string, Promise<{ uid: number; gid: number }>>();

/**
 * The owner of the server's datadir in an image (the `mysql` user's uid:gid, which differ between Debian releases),
 * read once per image and process from the image's own /var/lib/mysql.
 */
export function datadirOwner(ctx: TopologyContext): Promise<{ uid: number; gid: number }> {
  const image = ctx.image;
  let p = ownerByImage.get(image);
  if (!p) {
    // a one-shot container of the run (labelled, removed at teardown even if this process is interrupted)
    p = oneShot(ctx, { name: 'datadir-owner', argv: ['stat', '-c', '%u:%g', '/var/lib/mysql'], timeoutMs: 60_000 }).then((r) => {
      const [uid, gid] = r.stdout.trim().split(':').map(Number);
      if (!Number.isInteger(uid) || !Number.isInteger(gid))
        throw new Error(`${image}: cannot read the owner of /var/lib/mysql (${r.stdout.trim()})`);
      return { uid: uid!, gid: gid! };
    });
    p.catch(() => ownerByImage.delete(image));
    ownerByImage.set(image, p);
  }
  return p;
}

/** The host folder behind a local named volume, when this process may write there (root, local engine); else undefined. */
async function volumeHostPath(volume: string): Promise<string | undefined> {
  if (await filesAreCopied()) return undefined; // its Mountpoint is a path of the engine's host
  // Once one local volume's folder is known, the engine's volumes folder is: the next ones need no docker call.
  if (volumesRoot) {
    const p = join(volumesRoot, volume, '_data');
    if (
      await access(p, constants.W_OK).then(
        () => true,
        () => false,
      )
    )
      return p;
  }
  try {
    const v = await inspect<{ Driver: string; Mountpoint: string; Options: Record<string, string> | null }>('volume', volume);
    if (v.Driver !== 'local' || (v.Options && Object.keys(v.Options).length) || !v.Mountpoint) return undefined;
    await access(v.Mountpoint, constants.W_OK);
    const suffix = `/${volume}/_data`;
    if (v.Mountpoint.endsWith(suffix)) volumesRoot = v.Mountpoint.slice(0, -suffix.length);
    return v.Mountpoint;
  } catch {
    return undefined;
  }
}
let volumesRoot: string | undefined;

interface Entry {
  rel: string;
  dir: boolean;
  bytes: number;
  mode: number;
}

async function listTree(root: string, rel = ''): Promise<Entry[]> {
  const out: Entry[] = [];
  for (const e of await readdir(join(root, rel), { withFileTypes: true })) {
    const r = rel ? join(rel, e.name) : e.name;
    if (e.isDirectory()) {
      out.push({ rel: r, dir: true, bytes: 0, mode: (await stat(join(root, r))).mode & 0o7777 });
      out.push(...(await listTree(root, r)));
    } else if (e.isFile()) {
      out.push({ rel: r, dir: false, bytes: (await stat(join(root, r))).size, mode: 0 });
    }
    // Anything else (symlinks, sockets) is not part of an artifact: verifyArtifact refuses trees it cannot hash.
  }
  return out;
}

/**
 * Copies a folder tree into `dest` the way the disk wants it: every file through copy_file_range (in the kernel, no
 * user-space buffer), several files at once, largest first so the longest copy starts at once, and each file given
 * the server's owner as soon as it is written (no second chown pass over the tree).
 */
export async function copyTreeAs(
  src: string,
  dest: string,
  owner: { uid: number; gid: number },
): Promise<{ files: number; bytes: number }> {
  const entries = await listTree(src);
  await chown(dest, owner.uid, owner.gid);
  for (const d of entries.filter((e) => e.dir)) {
    await mkdir(join(dest, d.rel), { mode: d.mode });
    await chown(join(dest, d.rel), owner.uid, owner.gid);
  }
  const files = entries.filter((e) => !e.dir).sort((a, b) => b.bytes - a.bytes);
  let next = 0;
  const worker = async () => {
    for (let f = files[next++]; f; f = files[next++]) {
      const to = join(dest, f.rel);
      await copyFile(join(src, f.rel), to, constants.COPYFILE_EXCL); // libuv keeps the source's mode
      await chown(to, owner.uid, owner.gid);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_FILES, files.length) }, worker));
  return { files: files.length, bytes: files.reduce((s, f) => s + f.bytes, 0) };
}

/**
 * Turns a verified physical artifact into a ready datadir in `volume`. Methods whose artifact folder is the datadir
 * as it is (`method.datadirAsIs`) are copied by this process straight into the volume's host folder, with the
 * server's owner (one pass); otherwise, or when the volume's folder is out of reach (remote engine, not root), the
 * method's own restore steps run in one-shot containers.
 */
export async function copyBack(
  ctx: TopologyContext,
  artifactDir: string,
  method: PhysicalMethod,
  volume: string,
  label: string,
): Promise<CopyBackResult> {
  const t0 = Date.now();
  const hostPath = method.datadirAsIs ? await volumeHostPath(volume) : undefined;
  if (hostPath && (await readdir(hostPath)).length === 0) {
    ctx.progress(`restore ${label}: copying the artifact into the datadir volume (${PARALLEL_FILES} files at once, owner set as written)`);
    const owner = await datadirOwner(ctx);
    const r = await copyTreeAs(join(artifactDir, DATA_DIR), hostPath, owner);
    return { how: 'host', ...r, ms: Date.now() - t0 };
  }
  const tree = async () => {
    const st = await listTree(join(artifactDir, DATA_DIR)).catch(() => []);
    return { files: st.filter((e) => !e.dir).length, bytes: st.reduce((s, e) => s + e.bytes, 0) };
  };
  if (method.datadirAsIs && (await filesAreCopied())) {
    // The datadir as it is goes straight into the volume as an archive through the engine (one copy, not two).
    ctx.progress(`restore ${label}: copying the artifact into the datadir volume through the engine`);
    await oneShot(ctx, {
      name: `${label}-restore-copy`,
      volume,
      argv: ['chown', '-R', 'mysql:mysql', '/var/lib/mysql'],
      copyIn: [{ source: join(artifactDir, DATA_DIR), target: '/var/lib/mysql' }],
    });
    return { how: 'engine', ...(await tree()), ms: Date.now() - t0 };
  }
  for (const [i, step] of method.restoreSteps('/artifact').entries()) {
    ctx.progress(`restore ${label}: ${step[0]} (step ${i + 1})`);
    await oneShot(ctx, {
      name: `${label}-restore-${i}`,
      volume,
      argv: step,
      mounts: [{ source: artifactDir, target: '/artifact', readOnly: true }],
    });
  }
  return { how: 'container', ...(await tree()), ms: Date.now() - t0 };
}
