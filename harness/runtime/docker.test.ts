import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../exec/index.js';
import { dockerDeadline, DOCKER_CONTROL_TIMEOUT_MS, inContainerDeadline, tarOf } from './docker.js';

describe('tarOf (docker cp - without a file on the host)', () => {
  it('builds an archive GNU tar reads back byte for byte, with its mode', async () => {
    const d = await mkdtemp(join(tmpdir(), 'fd-tar-'));
    try {
      const secret = '[client]\npassword=s3cr\u00e9t\n';
      await run(['tar', '-x', '-C', d, '-f', '-'], {
        input: tarOf([
          { name: 'stream.cnf', content: secret, mode: 0o600 },
          { name: 'b.bin', content: Buffer.alloc(1500, 7) },
        ]),
      });
      expect(await readFile(join(d, 'stream.cnf'), 'utf8')).toBe(secret);
      expect((await stat(join(d, 'stream.cnf'))).mode & 0o777).toBe(0o600);
      expect((await readFile(join(d, 'b.bin'))).equals(Buffer.alloc(1500, 7))).toBe(true);
    } finally {
      await rm(d, { recursive: true, force: true });
    }
  });
  it('refuses names that would be paths', () => {
    expect(() => tarOf([{ name: '../x', content: '' }])).toThrow(/bad file name/);
    expect(() => tarOf([{ name: '..', content: '' }])).toThrow(/bad file name/);
  });
});

describe('deadlines of docker calls', () => {
  it('control calls get a short deadline, commands that run programs the long one', () => {
    expect(dockerDeadline(['inspect', 'x'])).toBe(DOCKER_CONTROL_TIMEOUT_MS);
    expect(dockerDeadline(['run', '-d', 'img'])).toBe(DOCKER_CONTROL_TIMEOUT_MS);
    expect(dockerDeadline(['exec', 'c', 'mariadb-backup'])).toBeGreaterThan(DOCKER_CONTROL_TIMEOUT_MS);
    expect(inContainerDeadline(1500)).toEqual(['timeout', '--kill-after=5', '2s']);
  });
});
