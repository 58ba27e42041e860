import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { analyseChain } from './chain.js';
import { scanLocation } from './chain-scan.js';
import { binlog, goodLocation, mariabackup, NOW, T0 } from './chain.test-fixture.js';

let dir: string;

const verify = async (maxAgeMs?: number, minSizeRatio?: number) => {
  const s = await scanLocation(dir);
  return analyseChain('mariadb', s.backups, s.binlogs, {
    now: NOW,
    ...(maxAgeMs ? { maxAgeMs } : {}),
    ...(minSizeRatio ? { minSizeRatio } : {}),
  });
};
const kinds = (r: Awaited<ReturnType<typeof verify>>) => r.breaks.map((b) => `${b.kind} ${b.where}`);

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fd-chain-'));
  await goodLocation(dir);
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('chain verify on a synthetic location', () => {
  it('a whole chain: no break, one window per restorable backup reaching the last GTID of the archive', async () => {
    const r = await verify(26 * 3600_000);
    expect(r.breaks).toEqual([]);
    expect(r.windows.map((w) => [w.backups.join('+'), w.from.gtid, w.to.gtid, w.gtids.length])).toEqual([
      ['full', '0-1-10', '0-1-45', 35],
      ['full+inc1', '0-1-20', '0-1-45', 25],
      ['full+inc1+inc2', '0-1-30', '0-1-45', 15],
    ]);
    expect(r.windows[0]!.to.time).toBe(new Date((T0 + 45 * 60) * 1000).toISOString());
    expect(r.newestPointAgeMs).toBe(NOW - (T0 + 45 * 60) * 1000);
  });

  it('a missing binlog file breaks the chain there; windows end before it', async () => {
    await rm(join(dir, 'binlogs', 'mariadb-bin.000002'));
    const r = await verify();
    expect(kinds(r)).toEqual(['binlog-missing mariadb-bin.000001 → mariadb-bin.000003']);
    expect(r.windows[0]!.to.gtid).toBe('0-1-15');
    expect(r.windows[2]!.gtids).toEqual([]); // inc2 (0-1-30) is in no continuous part of the archive: its own point only
  });

  it('a truncated binlog file (cut in the middle of an event)', async () => {
    await truncate(join(dir, 'binlogs', 'mariadb-bin.000002'), 700);
    const r = await verify();
    expect(kinds(r)).toEqual(['binlog-truncated mariadb-bin.000002']);
    expect(r.breaks[0]!.detail).toMatch(/the file ends/);
  });

  it('a GTID gap between two files (the next file starts beyond where the previous ended)', async () => {
    await writeFile(join(dir, 'binlogs', 'mariadb-bin.000002'), binlog({ startSeq: 17, from: 18, to: 35, next: 'mariadb-bin.000003' }));
    const r = await verify();
    expect(kinds(r)).toEqual(['gtid-gap mariadb-bin.000001 → mariadb-bin.000002']);
    expect(r.breaks[0]!.detail).toContain('0-1-17');
  });

  it('a GTID overlap (the next file starts before where the previous ended)', async () => {
    await writeFile(join(dir, 'binlogs', 'mariadb-bin.000002'), binlog({ startSeq: 12, from: 13, to: 35, next: 'mariadb-bin.000003' }));
    const r = await verify();
    expect(kinds(r)).toEqual(['gtid-overlap mariadb-bin.000001 → mariadb-bin.000002']);
  });

  it('an incremental whose base is gone', async () => {
    await rm(join(dir, 'inc1'), { recursive: true });
    const r = await verify();
    expect(kinds(r)).toEqual(['incremental-without-base inc2']);
    expect(r.windows.map((w) => w.backups.join('+'))).toEqual(['full']);
  });

  it('a newest backup older than --max-age, and a binlog archive that stopped', async () => {
    const r = await verify(60 * 60_000);
    expect(kinds(r)).toEqual(['backup-too-old inc2', 'archive-stopped mariadb-bin.000003']);
  });

  it('a newest full backup much smaller than the one before it (a job that "succeeded" with part of the data)', async () => {
    await writeFile(join(dir, 'full', 'ibdata1'), Buffer.alloc(400_000));
    await mariabackup(join(dir, 'full2'), { type: 'full-backuped', from: 0, to: 3000, gtid: '0-1-30', end: '2026-12-01 02:40:00' });
    await writeFile(join(dir, 'full2', 'ibdata1'), Buffer.alloc(150_000));
    const s = await scanLocation(dir);
    expect(s.backups.find((b) => b.name === 'full2')!.bytes).toBeGreaterThan(150_000);
    // 150 kB of 400 kB: under a policy of 50 % it breaks, under 30 % it holds; without a policy it is not judged
    expect(kinds(await verify(undefined, 0.5))).toEqual(['backup-shrunk full2']);
    expect((await verify(undefined, 0.5)).breaks[0]!.detail).toMatch(
      /holds 0\.1 MB, 3\d % of full's 0\.4 MB \(the policy: at least 50 %\)/,
    );
    expect(kinds(await verify(undefined, 0.3))).toEqual([]);
    expect(kinds(await verify())).toEqual([]);
  });

  it('firedrill chain verify --min-size-ratio: exit 1 naming the shrunk backup; a bad ratio is one line and exit 2', async () => {
    await mariabackup(join(dir, 'full2'), { type: 'full-backuped', from: 0, to: 3000, gtid: '0-1-30', end: '2026-12-01 02:40:00' });
    await writeFile(join(dir, 'full', 'ibdata1'), Buffer.alloc(400_000));
    const cli = (...args: string[]) =>
      spawnSync(
        process.execPath,
        [resolve(import.meta.dirname, '../../bin/firedrill.mjs'), 'chain', 'verify', '--location', dir, ...args],
        {
          encoding: 'utf8',
          timeout: 60_000,
        },
      );
    const broken = cli('--min-size-ratio', '0.5');
    expect(broken.status).toBe(1);
    expect(broken.stdout).toMatch(/^BROKEN /);
    expect(broken.stdout).toMatch(/BREAK backup-shrunk at full2: the newest full backup holds/);
    expect(cli().status).toBe(0);
    const bad = cli('--min-size-ratio', '2');
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim().split('\n')).toEqual([expect.stringMatching(/bad --min-size-ratio '2'/)]);
  }, 90_000);

  it('an archive whose file rotates to a name that is not the next file', async () => {
    await writeFile(join(dir, 'binlogs', 'mariadb-bin.000001'), binlog({ startSeq: 0, from: 1, to: 15, next: 'other-bin.000002' }));
    expect(kinds(await verify())).toEqual(['binlog-missing mariadb-bin.000001 → mariadb-bin.000002']);
  });

  it('reads how each file ends: a rotate naming the next file, or still open', async () => {
    const s = await scanLocation(dir);
    expect(s.binlogs).toHaveLength(3);
    expect(s.binlogs[0]!.headers.end).toEqual({ kind: 'rotate', next: 'mariadb-bin.000002' });
    expect(s.binlogs[2]!.headers.end).toEqual({ kind: 'open' });
  });
});
