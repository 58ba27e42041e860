import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sidecarMac } from '../backup/package-crypto.js';
import { sidecarOf } from '../backup/package.js';
import { analyseChain } from './chain.js';
import { familyOfLocation, scanLocation } from './chain-scan.js';
import { NOW, PACKAGE_NAME, packageLocation, packedBackup, stateText } from './chain.test-fixture.js';

/**
 * A location of firedrill packages (real ones: tar → zstd → AES-256-GCM, with their authenticated sidecars) and a
 * MariaDB binlog archive holding 0-1-1 … 0-1-45. Each test plants one break in it.
 */
let dir: string;
const key = randomBytes(32);
const PKG = PACKAGE_NAME;
const pkgFile = () => join(dir, PKG);

const verify = async (k?: Buffer) => {
  const s = await scanLocation(dir, undefined, k);
  return { s, r: analyseChain(familyOfLocation(s), s.backups, s.binlogs, { now: NOW }) };
};
const kinds = (r: Awaited<ReturnType<typeof verify>>['r']) => r.breaks.map((b) => `${b.kind} ${b.where}`);
const sidecar = async () => JSON.parse(await readFile(sidecarOf(pkgFile()), 'utf8'));

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fd-chain-pkg-'));
  await packageLocation(dir, key);
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('firedrill packages in a backup location (chain verify)', () => {
  it("a package and the archive: a window from the package's GTID and time to the archive's end, no break", async () => {
    const { s, r } = await verify(key);
    expect(s.backups).toEqual([
      { name: PKG, kind: 'full', bytes: 123_456, gtid: '0-1-10', createdAt: new Date('2026-12-01T02:10:00.000Z') },
    ]);
    expect(s.packages).toEqual({ count: 1, authenticated: true, otherKey: [], family: 'mariadb' });
    expect(r.breaks).toEqual([]);
    expect(r.windows.map((w) => [w.backups, w.from, w.to.gtid, w.gtids.length])).toEqual([
      [[PKG], { time: '2026-12-01T02:10:00.000Z', gtid: '0-1-10' }, '0-1-45', 35],
    ]);
  });

  it('reads the sidecar only, never the package body: the body replaced by other bytes of its size changes nothing', async () => {
    const before = await verify(key);
    await writeFile(pkgFile(), randomBytes((await stat(pkgFile())).size));
    const after = await verify(key);
    expect(after.r).toEqual(before.r);
    expect(after.s.bytesRead).toBe(before.s.bytesRead);
    expect(after.s.bytesRead).toBeLessThan((await stat(pkgFile())).size + (await stat(join(dir, 'binlogs', 'mariadb-bin.000002'))).size);
  });

  it('the family comes from the point (a location of MySQL packages alone)', async () => {
    await rm(dir, { recursive: true });
    await mkdir(dir);
    await packedBackup(dir, key, 'full-1', '3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5', 'mysql-9.7');
    expect(familyOfLocation((await verify()).s)).toBe('mysql');
  });

  it('package-truncated: the listed size is not the one the sidecar says; the package starts no window', async () => {
    await truncate(pkgFile(), 1000);
    const { r } = await verify();
    expect(kinds(r)).toEqual([`package-truncated ${PKG}`, 'no-full-backup (location)']);
    expect(r.breaks[0]!.detail).toMatch(/^1000 bytes listed, the sidecar says \d+/);
    expect(r.windows).toEqual([]);
  });

  it('package-missing: a sidecar whose package file is gone', async () => {
    await rm(pkgFile());
    expect(kinds((await verify()).r)).toEqual([`package-missing ${PKG}`, 'no-full-backup (location)']);
  });

  it('package-sidecar-missing and -unreadable: a package no restore would accept', async () => {
    await rm(sidecarOf(pkgFile()));
    expect(kinds((await verify()).r)).toEqual([`package-sidecar-missing ${PKG}`, 'no-full-backup (location)']);
    await writeFile(sidecarOf(pkgFile()), '{"format":"something else"}');
    expect(kinds((await verify()).r)).toEqual([`package-sidecar-unreadable ${PKG}`, 'no-full-backup (location)']);
  });

  it('package-sidecar-forged: with the key, a point altered without it is a break; without the key it is taken as it says, and the scan says so', async () => {
    const side = await sidecar();
    await writeFile(sidecarOf(pkgFile()), JSON.stringify({ ...side, point: { ...side.point, gtid: '0-1-30' } }));
    const withKey = await verify(key);
    expect(kinds(withKey.r)).toEqual([`package-sidecar-forged ${PKG}`, 'no-full-backup (location)']);
    const without = await verify();
    expect(without.r.breaks).toEqual([]);
    expect(without.s.packages.authenticated).toBe(false);
    expect(without.r.windows[0]!.from.gtid).toBe('0-1-30'); // what a forged sidecar makes a scan without the key believe
  });

  it('a sidecar made with another key is not judged (not a forgery): listed as not authenticated', async () => {
    const { s, r } = await verify(randomBytes(32));
    expect(r.breaks).toEqual([]);
    expect(s.packages.otherKey).toEqual([PKG]);
  });

  it('a sidecar made before the point was recorded: the state beside it gives the point, else it is listed with none', async () => {
    const { point: _p, mac: _m, ...old } = await sidecar();
    await writeFile(sidecarOf(pkgFile()), JSON.stringify({ ...old, mac: sidecarMac(old, key) }));
    const none = await verify(key);
    expect(none.r.breaks).toEqual([]);
    expect(none.s.backups).toEqual([{ name: PKG, kind: 'full', bytes: (await stat(pkgFile())).size }]);
    expect(none.r.windows[0]!.gtids).toEqual([]);
    await writeFile(join(dir, 'pkgs', 'full-1.state.json'), stateText('mariadb', '0-1-20', '2026-12-01T02:20:00Z'));
    const { r } = await verify(key);
    expect(r.windows.map((w) => [w.from.gtid, w.from.time, w.to.gtid])).toEqual([['0-1-20', '2026-12-01T02:20:00.000Z', '0-1-45']]);
  });

  it('firedrill chain verify: says whether the sidecars were authenticated; a forged one with the key is exit 1 naming it', async () => {
    const cli = (env: Record<string, string>) =>
      spawnSync(process.execPath, [resolve(import.meta.dirname, '../../bin/firedrill.mjs'), 'chain', 'verify', '--location', dir], {
        encoding: 'utf8',
        timeout: 60_000,
        env: { ...process.env, FIREDRILL_ARTIFACT_KEY: '', FIREDRILL_ARTIFACT_KEY_FILE: '', ...env },
      });
    const plain = cli({});
    expect(plain.status).toBe(0);
    expect(plain.stdout).toContain('1 firedrill package(s): sidecars NOT authenticated (no FIREDRILL_ARTIFACT_KEY');
    expect(plain.stdout).toMatch(/window pkgs\/full-1\.tar\.zst\.enc: 2026-12-01T02:10:00\.000Z \(0-1-10\)/);
    const side = await sidecar();
    await writeFile(sidecarOf(pkgFile()), JSON.stringify({ ...side, point: { ...side.point, gtid: '0-1-11' } }));
    const forged = cli({ FIREDRILL_ARTIFACT_KEY: key.toString('hex') });
    expect(forged.status).toBe(1);
    expect(forged.stdout).toContain('sidecars authenticated with the package key');
    expect(forged.stdout).toContain(`BREAK package-sidecar-forged at ${PKG}`);
  }, 90_000);
});
