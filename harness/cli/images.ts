/** `firedrill images`: the flavor images (and the test store's) built when missing. */
import { DEFAULT_FLAVOR } from '../core/index.js';
import { engineVersion, ensureImage, resolveImage, S3_SERVER_IMAGE } from '../runtime/index.js';
import { err, flavorOption, out, parseOptions, printHelp } from './options.js';

export const HELP_IMAGES =
  'usage: firedrill images [--flavor F] [--s3]\n\nBuilds missing images (debootstrap + docker import + docker/<dir>/Dockerfile). Nothing is rebuilt if an image with the same inputs exists.\n  --s3   also the S3-compatible store the tests run against (docker/s3)';

export async function cmdImages(args: string[]): Promise<number> {
  const { values } = parseOptions(args, { flavor: { type: 'string', multiple: true }, s3: { type: 'boolean' } });
  if (values.help) return printHelp(HELP_IMAGES);
  await engineVersion();
  const ids = values.flavor?.length ? values.flavor : [DEFAULT_FLAVOR];
  for (const id of ids) out(await resolveImage(flavorOption(id), (m) => err(m)));
  if (values.s3) out(await ensureImage(S3_SERVER_IMAGE, (m) => err(m)));
  return 0;
}
