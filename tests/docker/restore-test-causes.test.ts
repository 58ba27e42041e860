import { chmod, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, leftovers } from './helpers.js';

/**
 * A restore test the environment stops, not the backup: the Docker engine "goes away" while the dump loads (a docker
 * on PATH that answers every `docker exec` of the load as an engine that is gone, and passes everything else to the
 * real one). The nightly job must not page the backup's owner for it: exit 2, result.json with verdict "error" and a
 * machine-readable cause, nothing left behind.
 */
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fd-rt-causes-'));
  const real = execFileSync('sh', ['-c', 'command -v docker'], { encoding: 'utf8' }).trim();
  await writeFile(
    join(dir, 'docker'),
    `#!/bin/sh\nif [ "$1" = exec ]; then case "$*" in */dump*) echo "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?" >&2; exit 1;; esac; fi\nexec ${real} "$@"\n`,
  );
  await chmod(join(dir, 'docker'), 0o755);
  await writeFile(
    join(dir, 'app.sql'),
    [
      '-- MariaDB dump 10.19  Distrib 10.11.18-MariaDB, for debian-linux-gnu (x86_64)',
      '--',
      '-- Host: localhost    Database: app',
      '-- ------------------------------------------------------',
      '-- Server version\t10.11.18-MariaDB-0+deb12u1',
      'CREATE DATABASE /*!32312 IF NOT EXISTS*/ `app`;',
      'USE `app`;',
      'CREATE TABLE `t` (`id` int NOT NULL, PRIMARY KEY (`id`));',
      'INSERT INTO `t` VALUES (1),(2),(3);',
      '-- Dump completed on 2026-12-06 22:00:00',
      '',
    ].join('\n'),
  );
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('restore-test: a failure of the environment is exit 2 with its cause, never "bad backup"', () => {
  it('the engine gone while the dump loads: exit 2, verdict error, cause environment, a report, nothing left behind', async () => {
    const reports = join(dir, 'reports');
    const r = await cli(['restore-test', '--artifact', join(dir, 'app.sql'), '--flavor', 'mariadb-10.11', '--json'], {
      env: { PATH: `${dir}:${process.env.PATH}`, FIREDRILL_REPORTS_DIR: reports },
    });
    expect(r.code, r.stderr.slice(-2000)).toBe(2);
    const result = JSON.parse(r.stdout) as { runId: string; verdict: string; cause: { kind: string; message: string }; checks: unknown[] };
    expect(result.verdict).toBe('error');
    expect(result.cause.kind).toBe('environment');
    expect(result.cause.message).toMatch(/docker exec/);
    expect(r.stderr).toMatch(/firedrill: environment: command failed/);
    const runs = (await readdir(reports)).filter((f) => !f.endsWith('.json') && !f.endsWith('.jsonl'));
    const written = JSON.parse(await readFile(join(reports, runs[0]!, 'result.json'), 'utf8')) as { cause: { kind: string } };
    expect(written.cause.kind).toBe('environment');
    expect(await readFile(join(reports, runs[0]!, 'junit.xml'), 'utf8')).toContain('<property name="cause.kind" value="environment"/>');
    expect(await leftovers(result.runId)).toEqual([]);
  }, 180_000);
});
