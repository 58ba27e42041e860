/** `firedrill doctor`: what a drill needs, what is there and what is missing, with the fix. */
import { FLAVORS } from '../core/index.js';
import { engineVersion, imageExists, loadConfig, planImage } from '../runtime/index.js';
import { DATASET_OPTIONS } from './dataset-options.js';
import { doctorInputs } from './doctor-inputs.js';
import { out, parseOptions, printHelp } from './options.js';

export const HELP_DOCTOR = `usage: firedrill doctor [--dataset D [--rows N]] [--server-config F]

Reports the Docker engine, the images per flavor, firedrill.config.json, the drills (and drill folders), every suite's
drills, dataset and server configuration, and the dataset and server configuration given here (files read,
databases listed, clashes with firedrill's own schema or accounts), with the fix for what is missing. Exit 0 when all
is there, 2 otherwise.`;

export async function cmdDoctor(args: string[]): Promise<number> {
  const { values } = parseOptions(args, DATASET_OPTIONS);
  if (values.help) return printHelp(HELP_DOCTOR);
  let ok = true;
  let engine = false;
  try {
    out(`ok    Docker engine ${await engineVersion()}`);
    engine = true;
  } catch (e) {
    ok = false;
    out(`MISS  ${(e as Error).message}`);
  }
  loadConfig();
  for (const f of Object.values(FLAVORS)) {
    if (!engine) {
      out(`?     image for ${f.id}: no engine to ask`);
      continue;
    }
    const configured = loadConfig().images[f.id];
    const ref = configured ?? (await planImage(f).catch(() => undefined))?.ref;
    if (!ref) {
      out(`-     ${f.id}: no image recipe in docker/ yet`);
      continue;
    }
    if (await imageExists(ref)) out(`ok    image ${ref}`);
    else out(`miss  image ${ref} for ${f.id}: firedrill images --flavor ${f.id} (built on first use)`);
  }
  // Every input a drill reads besides engine and image: config, drill folders, suites, datasets, server configs.
  const inputs = await doctorInputs(values);
  for (const l of inputs.lines) out(l);
  return ok && inputs.ok ? 0 : 2;
}
