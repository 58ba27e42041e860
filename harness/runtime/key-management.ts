import { generatedKeyFile, RUN_KEY_DIR, RUN_KEY_FILE } from '../core/index.js';
import type { ContainerFiles } from './docker.js';

/**
 * A run's encryption keys as container files: a fresh key file (random keys, core/key-file.ts) in a folder of its own,
 * put into each container from memory before it starts. The server reads it as its own user (mysql), so it is
 * readable inside the container (0644); it never exists on the host, and it goes when the run's containers go.
 */
export function runKeyFiles(keyFile: string = generatedKeyFile()): ContainerFiles {
  return {
    dir: RUN_KEY_DIR,
    newFolderMode: 0o755,
    files: [{ name: RUN_KEY_FILE.slice(RUN_KEY_DIR.length + 1), content: keyFile, mode: 0o644 }],
  };
}
