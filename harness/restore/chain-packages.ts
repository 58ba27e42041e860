/**
 * firedrill packages in a backup location (`<id>.tar.zst.enc` and its `<id>.package.json` sidecar), judged from the
 * listing and the sidecar only, never the package body. A package holds one full backup (physical or logical): its
 * point is the one the packer recorded in the sidecar (method, flavor, GTID, the backup's time, its bytes), else a state
 * recorded beside it, else none. With the package key the sidecars are authenticated (their MAC); without it what they
 * say is taken as it is, and the scan says so.
 */
import { FLAVORS, isFlavorId } from '../core/index.js';
import { sidecarVerdict } from '../backup/package-crypto.js';
import { PACKAGE_FORMAT, PACKAGE_SUFFIX, type PackageInfo, SIDECAR_SUFFIX } from '../backup/package.js';
import type { ChainBackup } from './chain.js';
import { type ChainState, stateOfBackup } from './chain-states.js';

/** What a listing holds of packages, by id (the path without its suffix): each sidecar's text, each package file's size. */
export interface PackageEntries {
  sidecars: Map<string, string>;
  files: Map<string, number>;
}

/** What the scan could say of the packages it found. */
export interface PackagesSeen {
  count: number;
  /** Whether the sidecars were authenticated with the package key (FIREDRILL_ARTIFACT_KEY / _FILE). */
  authenticated: boolean;
  /** Sidecars that name another key than the one given: not authenticated, taken as they say. */
  otherKey: string[];
  /** The server family the packages' flavors name. */
  family?: 'mariadb' | 'mysql';
}

export const newPackageEntries = (): PackageEntries => ({ sidecars: new Map(), files: new Map() });

/** The package id of a path of the location (a package file or its sidecar), else undefined. */
export function packageIdOf(rel: string): string | undefined {
  for (const suffix of [PACKAGE_SUFFIX, SIDECAR_SUFFIX])
    if (rel.endsWith(suffix) && rel.length > suffix.length) return rel.slice(0, -suffix.length);
  return undefined;
}

type Sidecar = Pick<PackageInfo, 'format' | 'bytes' | 'keyFingerprint' | 'mac' | 'point'>;

function parseSidecar(text: string): Sidecar | undefined {
  try {
    const s = JSON.parse(text) as Partial<Sidecar>;
    return s.format === PACKAGE_FORMAT && typeof s.bytes === 'number' ? (s as Sidecar) : undefined;
  } catch {
    return undefined;
  }
}

/** A point whose fields are what the packer writes; anything else is no point. */
function pointOf(s: Sidecar): { gtid: string; createdAt?: Date; bytes?: number; flavor?: string } | undefined {
  const p = s.point as Partial<NonNullable<Sidecar['point']>> | undefined;
  if (!p || typeof p.gtid !== 'string' || !p.gtid) return undefined;
  const t = typeof p.createdAt === 'string' ? new Date(p.createdAt) : undefined;
  return {
    gtid: p.gtid,
    ...(t && !Number.isNaN(t.getTime()) ? { createdAt: t } : {}),
    ...(typeof p.totalBytes === 'number' ? { bytes: p.totalBytes } : {}),
    ...(typeof p.flavor === 'string' ? { flavor: p.flavor } : {}),
  };
}

/**
 * Each package as a full backup (named by its package file's path), or as a broken one: `package-missing` (a sidecar
 * whose file is gone), `package-truncated` (the listed size is not the sidecar's `bytes`), `package-sidecar-forged`
 * (with the key: the MAC does not verify), `package-sidecar-missing` (a package file without its sidecar, which no
 * restore accepts), `package-sidecar-unreadable` (not a package sidecar).
 */
export function packageBackups(
  entries: PackageEntries,
  states: readonly ChainState[],
  key: Buffer | undefined,
): { backups: ChainBackup[]; seen: PackagesSeen } {
  const ids = [...new Set([...entries.sidecars.keys(), ...entries.files.keys()])].sort();
  const seen: PackagesSeen = { count: ids.length, authenticated: !!key, otherKey: [] };
  const backups = ids.map((id): ChainBackup => {
    const name = `${id}${PACKAGE_SUFFIX}`;
    const size = entries.files.get(id);
    const text = entries.sidecars.get(id);
    const broken = (kind: NonNullable<ChainBackup['broken']>['kind'], detail: string): ChainBackup => ({
      name,
      kind: 'full',
      ...(size !== undefined ? { bytes: size } : {}),
      broken: { kind, detail },
    });
    if (text === undefined) return broken('package-sidecar-missing', `no ${id}${SIDECAR_SUFFIX} beside it: no restore accepts it`);
    const side = parseSidecar(text);
    if (!side) return broken('package-sidecar-unreadable', `${id}${SIDECAR_SUFFIX} is not a ${PACKAGE_FORMAT} sidecar`);
    if (key) {
      const verdict = sidecarVerdict(side, key);
      if (verdict === 'forged')
        return broken('package-sidecar-forged', `${id}${SIDECAR_SUFFIX} is not authenticated by the key: a field was altered`);
      if (verdict === 'other-key') seen.otherKey.push(name);
    }
    if (size === undefined) return broken('package-missing', `${id}${SIDECAR_SUFFIX} is there, its package file is gone`);
    if (size !== side.bytes)
      return broken('package-truncated', `${size} bytes listed, the sidecar says ${side.bytes} (truncated or extended)`);
    const point = pointOf(side);
    if (point?.flavor && isFlavorId(point.flavor)) seen.family ??= FLAVORS[point.flavor].family;
    if (point)
      return {
        name,
        kind: 'full',
        bytes: point.bytes ?? side.bytes,
        gtid: point.gtid,
        ...(point.createdAt ? { createdAt: point.createdAt } : {}),
      };
    // a sidecar made before the point was recorded: the state recorded beside it (`<id>.state.json`, state.json above)
    const st = stateOfBackup(id, states);
    return { name, kind: 'full', bytes: side.bytes, ...(st ? { gtid: st.gtid } : {}), ...(st?.takenAt ? { createdAt: st.takenAt } : {}) };
  });
  return { backups, seen };
}
