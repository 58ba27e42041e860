import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../core/index.js';
import { run, waitUntil } from '../exec/index.js';
import { docker, imageExists, listByLabel, putFiles } from './docker.js';
import { makeEngineCerts } from './engine-certs.js';
import { ensureImage, type ImageRecipe, type Progress } from './images.js';
import { LABEL_LEASE } from './liveness.js';
import { createBridgeNetwork } from './network.js';
import { LABEL_RUN, removeRun } from './run-context.js';

/** A Docker engine in a container, as a CI's `docker:dind` service: Debian's docker.io (docker/dind). */
const DIND_IMAGE: ImageRecipe = { id: 'dind', suite: 'bookworm', packages: ['docker.io', 'ca-certificates'], dockerDir: 'dind' };

/** Marks a dind engine's container, volume and network (its value: the engine's name). */
const LABEL_ENGINE = 'firedrill.engine';
const PORT = 2376;

/** Where each engine's client certificates live (DOCKER_CERT_PATH), one 0700 folder per engine. */
const enginesDir = () => process.env['FIREDRILL_ENGINES_DIR'] ?? join(homedir(), '.firedrill', 'engines');

/**
 * What --privileged would give, minus what these machines refuse (field notes: CAP_SYS_RESOURCE is not in the
 * bounding set): every other capability, no seccomp or AppArmor filter, every device, the host's cgroup tree.
 */
const DIND_RUN_OPTIONS = [
  '--cap-add',
  'ALL',
  '--cap-drop',
  'SYS_RESOURCE',
  '--security-opt',
  'seccomp=unconfined',
  '--security-opt',
  'apparmor=unconfined',
  '--device-cgroup-rule',
  'a *:* rmw',
  '--cgroupns',
  'host',
  '-v',
  '/sys/fs/cgroup:/sys/fs/cgroup:rw',
  '--tmpfs',
  '/run',
];

export interface DindEngine {
  name: string;
  /** The variables that point the docker CLI (and firedrill) at it. */
  env: { DOCKER_HOST: string; DOCKER_TLS_VERIFY: string; DOCKER_CERT_PATH: string };
}

/** The environment that points the docker CLI at a dind engine (its certificates must exist). */
function envOf(name: string, address: string): DindEngine['env'] {
  return { DOCKER_HOST: `tcp://${address}:${PORT}`, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: join(enginesDir(), name) };
}

/**
 * Starts a dind engine on the engine the CLI points at now (the local one): its own labelled network at a static
 * address, /var/lib/docker on a labelled volume, TLS on tcp:2376 with certificates made now (the server's put into the
 * container before it starts). The container is its own lease: `firedrill clean` leaves it alone while it runs and
 * removes it, its volume and network once it has stopped; `stopDind` removes it at once.
 */
export async function startDind(opts: { images: readonly string[]; progress?: Progress }): Promise<DindEngine> {
  const progress = opts.progress ?? (() => {});
  const image = await ensureImage(DIND_IMAGE, progress);
  const name = `fd-dind-${randomBytes(3).toString('hex')}`;
  const labels = [`${LABEL_RUN}=${name}`, `${LABEL_LEASE}=${name}`, `${LABEL_ENGINE}=${name}`].flatMap((l) => ['--label', l]);
  const t0 = Date.now();
  try {
    const prefix = await createBridgeNetwork(`${name}-net`, labels, true);
    const address = `${prefix}.2`;
    await docker(['volume', 'create', ...labels, `${name}-lib`]);
    const certs = await makeEngineCerts(join(enginesDir(), name), [address, '127.0.0.1', 'localhost', 'docker']);
    await docker(
      ['create', '--name', name, '--hostname', 'docker', ...labels, '--network', `${name}-net`, '--ip', address].concat(DIND_RUN_OPTIONS, [
        '-v',
        `${name}-lib:/var/lib/docker`,
        image,
      ]),
    );
    await putFiles(
      name,
      '/certs',
      [
        { name: 'ca.pem', content: certs.server.ca, mode: 0o644 },
        { name: 'cert.pem', content: certs.server.cert, mode: 0o644 },
        { name: 'key.pem', content: certs.server.key, mode: 0o600 },
      ],
      0o700,
    );
    await docker(['start', name]);
    const env = envOf(name, address);
    await waitUntil(
      () =>
        docker(['version', '--format', '{{.Server.Version}}'], { env, timeoutMs: 10_000 }).then(
          (r) => r.stdout.trim(),
          (e: Error) => e.message,
        ),
      (v) => /^\d+\.\d+/.test(v),
      { timeoutMs: 90_000, intervalMs: 500, what: `the dind engine ${name} answering on ${env.DOCKER_HOST}` },
    );
    progress(`dind engine ${name} answers on ${env.DOCKER_HOST} after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    for (const ref of opts.images) await loadImage(ref, env, progress);
    return { name, env };
  } catch (e) {
    await stopDind(name).catch(() => undefined);
    throw e;
  }
}

/** Copies an image of the local engine into the dind engine (`docker save | docker load`) unless it has it already. */
async function loadImage(ref: string, env: DindEngine['env'], progress: Progress): Promise<void> {
  if (!(await imageExists(ref))) throw new UsageError(`image ${ref} is not on the local engine: build it first (firedrill images)`);
  if (
    await docker(['image', 'inspect', ref], { env }).then(
      () => true,
      () => false,
    )
  )
    return;
  const t0 = Date.now();
  // Two docker CLIs joined by a pipe: the first talks to this process's engine, the second to the dind engine.
  await run(
    [
      'sh',
      '-c',
      'docker save "$1" | DOCKER_HOST="$2" DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH="$3" docker load -q',
      'sh',
      ref,
      env.DOCKER_HOST,
      env.DOCKER_CERT_PATH,
    ],
    {
      timeoutMs: 15 * 60_000,
    },
  );
  progress(`loaded ${ref} into the dind engine in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

/** The dind engines on the local engine, with the environment that reaches each (running or not). */
export async function listDind(): Promise<Array<DindEngine & { running: boolean }>> {
  const out: Array<DindEngine & { running: boolean }> = [];
  for (const name of await listByLabel('container', LABEL_ENGINE)) {
    const r = await docker([
      'inspect',
      '--format',
      `{{.State.Running}} {{(index .NetworkSettings.Networks "${name}-net").IPAddress}}`,
      name,
    ]).catch(() => undefined);
    const [running, address] = (r?.stdout.trim() ?? '').split(' ');
    if (address) out.push({ name, env: envOf(name, address), running: running === 'true' });
  }
  return out;
}

/** Removes a dind engine: its container (with everything inside), volume, network and client certificates. */
export async function stopDind(name: string): Promise<void> {
  if (!/^fd-dind-[0-9a-f]{6}$/.test(name))
    throw new UsageError(`'${name}' is not a dind engine's name (fd-dind-xxxxxx; see firedrill engine ls)`);
  await removeRun(name);
  await rm(join(enginesDir(), name), { recursive: true, force: true });
}
