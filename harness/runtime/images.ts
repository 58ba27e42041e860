import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { outsideCancelScope, run, withHeartbeat } from '../exec/index.js';
import { docker, imageExists } from './docker.js';
import { UsageError } from '../core/index.js';
import { projectRoot } from './paths.js';

/** Bump when the way images are made changes in a way the hashed inputs do not show. */
const RECIPE_VERSION = '1';
const MIRROR = process.env.FIREDRILL_DEBIAN_MIRROR ?? 'http://deb.debian.org/debian';

/**
 * What an image is made of: a Debian suite and packages (the base, made by debootstrap), and a folder under docker/
 * layered on it. A flavor is one; so are the helper servers tests run (the S3 store, harness/runtime/s3-server.ts).
 */
export interface ImageRecipe {
  id: string;
  suite: string;
  packages: readonly string[];
  dockerDir: string;
}

export interface ImagePlan {
  flavor: ImageRecipe;
  baseRef: string;
  ref: string;
  inputsHash: string;
}

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await filesUnder(p)));
    else out.push(p);
  }
  return out.sort();
}

/** Where an image for a flavor comes from: tags derived from a hash of every input, so equal inputs never rebuild. */
export async function planImage(flavor: ImageRecipe): Promise<ImagePlan> {
  const baseHash = createHash('sha256')
    .update(JSON.stringify({ RECIPE_VERSION, suite: flavor.suite, packages: flavor.packages, MIRROR }))
    .digest('hex')
    .slice(0, 12);
  const h = createHash('sha256').update(baseHash);
  const dir = resolve(projectRoot, 'docker', flavor.dockerDir);
  for (const f of await filesUnder(dir)) {
    h.update(f.slice(dir.length))
      .update('\0')
      .update(await readFile(f))
      .update('\0');
  }
  const inputsHash = h.digest('hex').slice(0, 12);
  return {
    flavor,
    baseRef: `firedrill-base/${flavor.suite}:${baseHash}`,
    ref: `firedrill/${flavor.id}:${inputsHash}`,
    inputsHash,
  };
}

export type Progress = (message: string) => void;

/** Builds the flavor's image unless an image with the same inputs exists. Returns its reference. */
export async function ensureImage(flavor: ImageRecipe, progress: Progress = () => {}): Promise<string> {
  const plan = await planImage(flavor);
  if (await imageExists(plan.ref)) return plan.ref;
  if (!(await imageExists(plan.baseRef))) await buildBase(plan, progress);
  progress(`building ${plan.ref} from ${plan.baseRef}`);
  const t0 = Date.now();
  await withHeartbeat(
    progress,
    `docker build ${plan.ref}`,
    docker(
      [
        'build',
        '--build-arg',
        `BASE=${plan.baseRef}`,
        '--label',
        `firedrill.inputs=${plan.inputsHash}`,
        '--label',
        `firedrill.flavor=${flavor.id}`,
        '-t',
        plan.ref,
        resolve(projectRoot, 'docker', flavor.dockerDir),
      ],
      { timeoutMs: 20 * 60_000 },
    ),
  );
  progress(`built ${plan.ref} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return plan.ref;
}

async function buildBase(plan: ImagePlan, progress: Progress): Promise<void> {
  const { flavor } = plan;
  try {
    await run(['debootstrap', '--version'], { timeoutMs: 10_000 });
  } catch {
    throw new UsageError(`debootstrap is missing, so image ${plan.ref} cannot be built; run 'npm run setup'`);
  }
  const work = await mkdtemp('/var/tmp/firedrill-base-');
  const root = join(work, 'root');
  const tar = join(work, 'root.tar');
  try {
    progress(`debootstrap ${flavor.suite} with ${flavor.packages.join(',')} (about a minute)`);
    const t0 = Date.now();
    await withHeartbeat(
      progress,
      `debootstrap ${flavor.suite}`,
      run(['debootstrap', '--variant=minbase', `--include=${flavor.packages.join(',')}`, flavor.suite, root, MIRROR], {
        timeoutMs: 30 * 60_000,
      }),
    );
    progress(`debootstrap done in ${((Date.now() - t0) / 1000).toFixed(1)} s; importing ${plan.baseRef}`);
    await run(['tar', '-C', root, '-cf', tar, '.'], { timeoutMs: 10 * 60_000 });
    await docker(['import', '--change', 'ENV DEBIAN_FRONTEND=noninteractive', tar, plan.baseRef], { timeoutMs: 10 * 60_000 });
  } finally {
    // debootstrap mounts proc, sys and (in a container) the host's /dev inside the tree, and unmounts them only when
    // it ends by itself: a build killed by a signal leaves them. Unmount what is left, deepest first, and remove the
    // tree without crossing into another file system, so nothing of the host is ever deleted.
    await outsideCancelScope(async () => {
      for (const m of await mountsUnder(root)) await run(['umount', '-l', m], { timeoutMs: 60_000 }).catch(() => undefined);
      await run(['rm', '-rf', '--one-file-system', work], { timeoutMs: 10 * 60_000 });
    });
  }
}

/** Mount points at or under `dir` (from /proc/self/mountinfo), deepest first. */
export async function mountsUnder(dir: string, mountinfo?: string): Promise<string[]> {
  const text = mountinfo ?? (await readFile('/proc/self/mountinfo', 'utf8').catch(() => ''));
  const unescapeOctal = (p: string) => p.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(Number.parseInt(o, 8)));
  return text
    .split('\n')
    .map((l) => unescapeOctal(l.split(' ')[4] ?? ''))
    .filter((m) => m === dir || m.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
}
