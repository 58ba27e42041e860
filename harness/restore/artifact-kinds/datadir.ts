/** A copy of a server's datadir (MySQL: mysql.ibd with ibdata1 or undo_001; MariaDB: ibdata1 with Aria or its grant tables). */
import { join } from 'node:path';
import { type ArtifactDetector, exists, fileTime, parseServerVersion, readText } from './detected.js';

export const datadirCopy: ArtifactDetector = {
  on: 'directory',
  lacking: 'no InnoDB datadir files',
  async detect(dir) {
    const has = (...p: string[]) => exists(join(dir, ...p));
    if ((await has('mysql.ibd')) && ((await has('ibdata1')) || (await has('undo_001'))))
      return { kind: 'datadir', path: dir, description: 'a MySQL datadir copy', family: 'mysql', ...(await fileTime(dir)) };
    if (!(await has('ibdata1')) || !((await has('aria_log_control')) || (await has('mysql', 'global_priv.frm')))) return undefined;
    const sv = parseServerVersion((await readText(dir, 'mysql_upgrade_info')) ?? '');
    return {
      kind: 'datadir',
      path: dir,
      description: `a MariaDB datadir copy${sv ? ` (MariaDB ${sv.version})` : ''}`,
      family: 'mariadb',
      version: sv?.version,
      ...(await fileTime(dir)),
    };
  },
};
