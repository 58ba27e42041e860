import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { projectRoot } from '../runtime/paths.js';
import type { ChaosSpec } from './scenario.js';

/**
 * Writes a schedule as a scenario file that `firedrill run FILE` replays as an ordinary drill. The file imports
 * chaosScenario from this repository by a relative path, so it runs from wherever it was written inside it.
 */
export async function writeScenarioFile(file: string, spec: ChaosSpec): Promise<string> {
  await mkdir(dirname(file), { recursive: true });
  let from = relative(dirname(file), join(projectRoot, 'harness', 'chaos', 'index.js'))
    .split('\\')
    .join('/');
  if (!from.startsWith('.')) from = `./${from}`;
  const o = spec.origin;
  const header = [
    `// Written by \`firedrill chaos\`${o ? ` (seed ${o.seed}${o.path ? `, replay path ${o.path}` : ''}${o.shrunkFrom ? `, shrunk from ${o.shrunkFrom} commands` : ''})` : ''}.`,
    `// The smallest schedule found that still fails. Replay it as a drill: firedrill run ${relative(projectRoot, file)}${spec.flavors?.length ? ` --flavor ${spec.flavors[0]}` : ''}`,
  ];
  const body = `${header.join('\n')}
import { chaosScenario } from '${from}';

export default chaosScenario(${JSON.stringify(spec, null, 2)});
`;
  await writeFile(file, body);
  return file;
}
