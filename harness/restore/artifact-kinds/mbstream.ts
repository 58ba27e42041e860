/** An mbstream (xbstream) file of `mariadb-backup --stream`: extracted and read inside a container at restore. */
import { stat } from 'node:fs/promises';
import { type ArtifactDetector, fileTime } from './detected.js';

const XBSTREAM = Buffer.from('XBSTCK01');

export const mbstream: ArtifactDetector = {
  on: 'file',
  lacking: 'not an mbstream',
  async detect(path, magic) {
    if (!magic.subarray(0, XBSTREAM.length).equals(XBSTREAM)) return undefined;
    return {
      kind: 'mbstream',
      path,
      description: 'an mbstream (xbstream) file of mariadb-backup --stream',
      family: 'mariadb',
      bytes: (await stat(path)).size,
      ...(await fileTime(path)),
    };
  },
};
