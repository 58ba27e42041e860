import { isS3Url, keyIfGiven } from '../backup/index.js';
import { UsageError } from '../core/index.js';
import { analyseChain, type ChainReport } from '../restore/chain.js';
import type { PackagesSeen } from '../restore/chain-packages.js';
import { JSON_OPTION, out, parseDuration, parseOptions, printHelp } from './options.js';

export const HELP_CHAIN = `usage: firedrill chain verify --location PATH|s3://bucket/prefix/ [--max-age 26h] [--min-size-ratio 0.5] [--json]

Proves a backup location continuous from its metadata and binlog headers, without restoring anything or reading
row data: the full backups and incrementals (mariabackup folders, at any depth), MySQL clone folders, firedrill
packages (<id>.tar.zst.enc: from their sidecar, authenticated when FIREDRILL_ARTIFACT_KEY or _FILE gives the key),
the binlog archive (name.000001 …).
Lists every recovery window (a backup, its incrementals, then the archive as far as it is continuous: which times and
GTIDs can be restored) and every break: a missing or truncated binlog file, a GTID gap or overlap between two files,
an incremental whose base is gone, a newest backup older than --max-age, an archive whose last event is older than it,
a newest full backup smaller than --min-size-ratio times the full backup before it (a job that "succeeded" with part
of the data), a package whose file is gone, cut short or without its sidecar, or whose sidecar is forged (with the key). The newest restorable point's age is printed: the backup system's own RPO.
An s3:// location is read with the store the environment describes (see restore-test --help).
Exit: 0 continuous, 1 the chain breaks, 2 bad input or a store that cannot be read.`;

/** `firedrill chain verify`. */
export async function cmdChain(args: string[]): Promise<number> {
  const { values, positionals } = parseOptions(args, {
    location: { type: 'string' },
    'max-age': { type: 'string' },
    'min-size-ratio': { type: 'string' },
    ...JSON_OPTION,
  });
  if (values.help) return printHelp(HELP_CHAIN);
  if (positionals[0] !== 'verify' || positionals.length !== 1)
    throw new UsageError('usage: firedrill chain verify --location PATH|s3://bucket/prefix/');
  if (!values.location) throw new UsageError('chain verify needs --location PATH or s3://bucket/prefix/');
  const maxAgeMs = values['max-age'] ? parseDuration(values['max-age']) : undefined;
  const minSizeRatio = values['min-size-ratio'] !== undefined ? Number(values['min-size-ratio']) : undefined;
  if (minSizeRatio !== undefined && !(minSizeRatio > 0 && minSizeRatio <= 1))
    throw new UsageError(`bad --min-size-ratio '${values['min-size-ratio']}' (a fraction above 0 and at most 1, such as 0.5)`);
  // the S3 client is loaded only when a command needs it (it costs every other command's start)
  const store = isS3Url(values.location) ? (await import('../backup/object-store.js')).openObjectStore() : undefined;
  const { familyOfLocation, scanLocation } = await import('../restore/chain-scan.js');
  const t0 = Date.now();
  const scanned = await scanLocation(values.location, store, await keyIfGiven());
  if (!scanned.backups.length && !scanned.binlogs.length)
    throw new UsageError(
      `--location ${values.location}: no backup (mariabackup or clone folder, firedrill package) and no binlog file in it`,
    );
  const family = familyOfLocation(scanned);
  const report = analyseChain(family, scanned.backups, scanned.binlogs, {
    now: Date.now(),
    ...(maxAgeMs !== undefined ? { maxAgeMs } : {}),
    ...(minSizeRatio !== undefined ? { minSizeRatio } : {}),
  });
  const result = { location: values.location, bytesRead: scanned.bytesRead, ms: Date.now() - t0, packages: scanned.packages, ...report };
  out(values.json ? JSON.stringify(result, null, 2) : chainLines(result));
  return report.breaks.length ? 1 : 0;
}

/** What a scan of packages could prove: without the key their sidecars (points, sizes) are taken as they say. */
export function packageLines(p: PackagesSeen): string[] {
  if (!p.count) return [];
  return [
    p.authenticated
      ? `  ${p.count} firedrill package(s): sidecars authenticated with the package key`
      : `  ${p.count} firedrill package(s): sidecars NOT authenticated (no FIREDRILL_ARTIFACT_KEY or FIREDRILL_ARTIFACT_KEY_FILE): their points and sizes are taken as they say`,
    ...(p.otherKey.length ? [`  made with another key than the one given, not authenticated: ${p.otherKey.join(', ')}`] : []),
  ];
}

function chainLines(r: ChainReport & { location: string; bytesRead: number; ms: number; packages: PackagesSeen }): string {
  return [
    `${r.breaks.length ? 'BROKEN' : 'CONTINUOUS'} ${r.location}: ${r.backups} backup(s), ${r.binlogFiles} binlog file(s), ${r.bytesRead} bytes read in ${r.ms} ms`,
    ...r.windows.map(
      (w) =>
        `  window ${w.backups.join(' + ')}: ${w.from.time ?? '?'} (${w.from.gtid ?? 'no GTID'}) → ${w.to.time ?? '?'} (${w.to.gtid ?? 'no GTID'}), ${w.gtids.length} transaction(s) in ${w.binlogs.length} binlog file(s)`,
    ),
    ...packageLines(r.packages),
    ...r.breaks.map((b) => `  BREAK ${b.kind} at ${b.where}: ${b.detail}`),
    ...(r.newestPointAgeMs !== undefined ? [`  newest restorable point: ${Math.round(r.newestPointAgeMs / 60_000)} min ago`] : []),
  ].join('\n');
}
