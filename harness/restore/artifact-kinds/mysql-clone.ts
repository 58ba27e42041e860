/** A MySQL clone directory (`CLONE LOCAL DATA DIRECTORY`): its #clone folder marks it. */
import { join } from 'node:path';
import { type ArtifactDetector, exists, fileTime } from './detected.js';

export const mysqlClone: ArtifactDetector = {
  on: 'directory',
  lacking: 'no clone marker',
  async detect(dir) {
    if (!(await exists(join(dir, '#clone')))) return undefined;
    return {
      kind: 'mysql-clone',
      path: dir,
      description: 'a MySQL clone directory (CLONE ... DATA DIRECTORY)',
      family: 'mysql',
      ...(await fileTime(dir)),
    };
  },
};
