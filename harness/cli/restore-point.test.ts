import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { UsageError } from '../core/index.js';
import { goodLocation, PACKAGE_NAME, packageLocation, stateText } from '../restore/chain.test-fixture.js';
import { chainCheck, planPoint, under } from './restore-point.js';

/** --point on a synthetic location: full (0-1-10), incrementals (0-1-20, 0-1-30), an archive through 0-1-45. */
let dir: string;
const said: string[] = [];
const plan = (how: string, seed?: string) => planPoint(dir, how, seed, undefined, (m) => said.push(m));
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fd-point-'));
  await goodLocation(dir);
  said.length = 0;
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('restore-test --point: what is restored, and what it is compared with', () => {
  it('newest: the whole chain, the archive up to its last GTID, and the state recorded exactly there', async () => {
    await writeFile(join(dir, 'end.state.json'), stateText('mariadb', '0-1-45', '2026-12-01T02:45:00Z'));
    await writeFile(join(dir, 'mid.state.json'), stateText('mariadb', '0-1-44', '2026-12-01T02:44:00Z'));
    const p = await plan('newest');
    expect([p.artifact, p.incrementals, p.binlogs, p.until, p.position]).toEqual([
      join(dir, 'full'),
      [join(dir, 'inc1'), join(dir, 'inc2')],
      join(dir, 'binlogs'),
      { gtid: '0-1-45' },
      '0-1-45',
    ]);
    expect(p.state?.name).toBe('end.state.json');
    expect(said).toContain('point 0-1-45: compared with the state end.state.json recorded there');
    expect(chainCheck(p).valid).toBe(true);
  });

  it('random: the seed picks the same point again, and the position is the backup advanced up to it', async () => {
    const a = await plan('random', '7');
    const b = await plan('random', '7');
    expect(b.point.gtid).toBe(a.point.gtid);
    expect(b.artifact).toBe(a.artifact);
    expect(said.filter((m) => m.includes('(seed 7; --seed 7 picks it again)'))).toHaveLength(2);
    const seq = Number((a.point.gtid ?? a.point.window.from.gtid)!.split('-')[2]);
    expect(a.position).toBe(`0-1-${seq}`);
    expect(a.state).toBeUndefined(); // no state recorded there
  });

  it('a planted break (a middle incremental gone): the point is picked among what remains, and chain-continuous fails naming it', async () => {
    await rm(join(dir, 'inc1'), { recursive: true });
    const p = await plan('newest');
    expect(p.incrementals).toEqual([]);
    const c = chainCheck(p);
    expect(c.valid).toBe(false);
    expect(JSON.stringify(c.details)).toMatch(/"object":"inc2","kind":"incremental-without-base"/);
    expect(said).toContain(
      'chain: incremental-without-base at inc2: it starts at LSN 2000; no full backup or incremental in the location ends there',
    );
  });
});

describe('restore-test --point on a location of firedrill packages', () => {
  const key = randomBytes(32);
  beforeEach(async () => {
    await rm(dir, { recursive: true });
    await packageLocation(dir, key);
  });
  afterEach(() => vi.unstubAllEnvs());

  it('newest: the package file itself, then the archive up to its last GTID; the sidecars authenticated with the key', async () => {
    vi.stubEnv('FIREDRILL_ARTIFACT_KEY', key.toString('hex'));
    vi.stubEnv('FIREDRILL_ARTIFACT_KEY_FILE', '');
    const p = await plan('newest');
    expect([p.artifact, p.incrementals, p.binlogs, p.until, p.position]).toEqual([
      join(dir, PACKAGE_NAME),
      [],
      join(dir, 'binlogs'),
      { gtid: '0-1-45' },
      '0-1-45',
    ]);
    expect(p.breaks).toEqual([]);
    expect(said).toContain('chain: 1 firedrill package(s): sidecars authenticated with the package key');
  });

  it('without the key a package cannot be restored: bad input (exit 2) before anything starts', async () => {
    vi.stubEnv('FIREDRILL_ARTIFACT_KEY', '');
    vi.stubEnv('FIREDRILL_ARTIFACT_KEY_FILE', '');
    const e = await plan('newest').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(UsageError);
    expect((e as Error).message).toMatch(/no artifact key: set FIREDRILL_ARTIFACT_KEY/);
  });

  it('in a store, a package is one object (no trailing slash), a folder a prefix', () => {
    expect(under('s3://b/nightly', PACKAGE_NAME)).toBe('s3://b/nightly/pkgs/full-1.tar.zst.enc');
    expect(under('s3://b/nightly/', 'day1/full')).toBe('s3://b/nightly/day1/full/');
    expect(under('/backups', PACKAGE_NAME)).toBe(join('/backups', PACKAGE_NAME));
  });
});
