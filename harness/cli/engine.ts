/** `firedrill engine`: a second Docker engine in a container (as a CI's dind service), to run drills against. */
import { UsageError } from '../core/index.js';
import {
  currentEngine,
  engineVersion,
  listDind,
  resolveImage,
  S3_SERVER_IMAGE,
  startDind,
  stopDind,
  ensureImage,
} from '../runtime/index.js';
import { err, flavorOption, out, parseOptions, printHelp } from './options.js';

export const HELP_ENGINE = `usage: firedrill engine dind [--flavor F]... [--s3]   start a dind engine, load the images, print its environment
       firedrill engine ls                              the dind engines, running or not, with their environment
       firedrill engine rm NAME                          remove a dind engine (container, volume, network, certificates)
       firedrill engine show                            the engine firedrill talks to now and how it reaches nodes

A dind engine is Debian's docker.io in a container on the local engine (no --privileged), TLS on tcp://<address>:2376
with certificates made at set-up (client key 0600 under ~/.firedrill/engines/NAME). Point firedrill at it with the
lines 'dind' prints (eval them). firedrill clean removes a dind engine that has stopped.`;

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
const exports = (env: Record<string, string>) => Object.entries(env).map(([k, v]) => `export ${k}=${shellQuote(v)}`);

export async function cmdEngine(args: string[]): Promise<number> {
  const { values, positionals } = parseOptions(args, { flavor: { type: 'string', multiple: true }, s3: { type: 'boolean' } });
  if (values.help) return printHelp(HELP_ENGINE);
  const [sub, ...rest] = positionals;
  if (sub === 'show') {
    const e = await currentEngine();
    out(`${e.endpoint}${e.context ? ` (context ${e.context})` : ''}: nodes reached by ${e.reach}; ${e.why}`);
    out(`engine ${await engineVersion()}`);
    return 0;
  }
  if ((await currentEngine()).remote) throw new UsageError('firedrill engine dind/ls/rm work on the local engine: unset DOCKER_HOST first');
  if (sub === 'dind') {
    await engineVersion();
    const images: string[] = [];
    for (const id of values.flavor?.length ? values.flavor : []) images.push(await resolveImage(flavorOption(id), (m) => err(m)));
    if (values.s3) images.push(await ensureImage(S3_SERVER_IMAGE, (m) => err(m)));
    const d = await startDind({ images, progress: (m) => err(m) });
    for (const l of exports(d.env)) out(l);
    return 0;
  }
  if (sub === 'ls') {
    for (const d of await listDind()) out(`${d.name} ${d.running ? 'running' : 'stopped'} ${exports(d.env).join('; ')}`);
    return 0;
  }
  if (sub === 'rm' && rest.length === 1) {
    await stopDind(rest[0]!);
    return 0;
  }
  throw new UsageError(`engine: expected dind, ls, rm NAME or show (see firedrill engine --help)`);
}
