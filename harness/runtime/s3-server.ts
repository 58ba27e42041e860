import { connect } from 'node:net';
import { waitUntil } from '../exec/index.js';
import { docker } from './docker.js';
import { currentEngine, publishArgs, reachContainer } from './engine.js';
import { ensureImage, type ImageRecipe } from './images.js';
import type { RunContext } from './run-context.js';

/** The S3-compatible store tests run against: moto's server from sid (docker/s3), built like a flavor's image. */
export const S3_SERVER_IMAGE: ImageRecipe = {
  id: 's3-server',
  suite: 'sid',
  // debootstrap cannot resolve python3-moto's dependencies: apt installs it in docker/s3/Dockerfile
  packages: ['ca-certificates'],
  dockerDir: 's3',
};

export interface S3Keys {
  AWS_ACCESS_KEY_ID: string;
  AWS_SECRET_ACCESS_KEY: string;
}

export interface S3Server {
  /** http://address:port (the bridge address and 9000, or the engine's published port) */
  endpoint: string;
  /** The client environment with the writer's keys (every S3 action): endpoint, region, keys, in memory only. */
  env: Record<string, string>;
  /** The reader's keys: s3:ListBucket and s3:GetObject only, what a restore-test needs. */
  reader: S3Keys;
  container: string;
}

/** Unauthenticated requests the store accepts before it checks every signature: the ones s3-keys makes. */
const KEY_SETUP_ACTIONS = 6;

/**
 * Starts a throwaway S3 store labelled with the run (removed at its teardown). It checks every request's signature
 * against its own IAM users, created at start by the image's `s3-keys` (a writer and a read-only reader) whose keys
 * are read from its output into memory: never on an argv, never in a file of the host.
 */
export async function startS3Server(run: RunContext, progress: (m: string) => void = () => {}): Promise<S3Server> {
  const image = await ensureImage(S3_SERVER_IMAGE, progress);
  const name = run.name('s3');
  run.onTeardown(`remove S3 store ${name}`, async () => {
    await docker(['rm', '-f', '-v', name]);
  });
  const publish = publishArgs(await currentEngine(), [9000]);
  await docker([
    'run',
    '-d',
    '--name',
    name,
    ...run.labelArgs(),
    ...publish,
    '-e',
    `INITIAL_NO_AUTH_ACTION_COUNT=${KEY_SETUP_ACTIONS}`,
    image,
  ]);
  // The harness's own S3 client talks to it: at its bridge address, or its published port on a remote engine.
  const { host: address, port } = await reachContainer(name, undefined, 9000);
  // A TCP connect only: an HTTP request would spend one of the unauthenticated actions.
  await waitUntil(
    () => listening(address, port),
    (v) => v,
    {
      timeoutMs: 30_000,
      intervalMs: 100,
      what: `the S3 store ${name} listening on ${address}:${port}`,
    },
  );
  const r = await docker(['exec', name, 's3-keys'], { timeoutMs: 60_000 });
  const keys = JSON.parse(r.stdout) as Record<'writer' | 'reader', { accessKeyId: string; secretAccessKey: string }>;
  const asEnv = (k: { accessKeyId: string; secretAccessKey: string }): S3Keys => ({
    AWS_ACCESS_KEY_ID: k.accessKeyId,
    AWS_SECRET_ACCESS_KEY: k.secretAccessKey,
  });
  const endpoint = `http://${address}:${port}`;
  return {
    endpoint,
    container: name,
    env: { FIREDRILL_S3_ENDPOINT: endpoint, AWS_REGION: 'us-east-1', ...asEnv(keys.writer) },
    reader: asEnv(keys.reader),
  };
}

/** Whether something accepts TCP connections at the address. */
function listening(host: string, port: number): Promise<boolean> {
  return new Promise((done) => {
    const s = connect({ host, port, timeout: 1000 }, () => {
      s.destroy();
      done(true);
    });
    s.on('error', () => done(false));
    s.on('timeout', () => {
      s.destroy();
      done(false);
    });
  });
}
