import { mariadbGtid, mysqlGtid, type GtidAlgebra } from '../core/index.js';
import type { BinlogFileHeaders } from '../backup/binlog-headers.js';

/** A backup found in a location: what its metadata says (never its data). */
export interface ChainBackup {
  /** Its folder, relative to the location. */
  name: string;
  kind: 'full' | 'incremental';
  createdAt?: Date;
  /** The GTID position it restores to, when it records one. */
  gtid?: string;
  /** mariabackup only: the LSN range it covers (an incremental starts where its base ended). */
  lsn?: { from: number; to: number };
  /** Its size on the store: every file of its folder (a package: the artifact's bytes its sidecar records). */
  bytes?: number;
  /** A backup no restore accepts (a package whose file or sidecar is gone, cut short or forged): a break, no window. */
  broken?: { kind: BreakKind; detail: string };
}

export interface ChainBinlog {
  name: string;
  /** The folder holding it, relative to the location. */
  folder: string;
  headers: BinlogFileHeaders;
}

type BreakKind =
  | 'binlog-missing'
  | 'binlog-truncated'
  | 'gtid-gap'
  | 'gtid-overlap'
  | 'incremental-without-base'
  | 'backup-too-old'
  | 'archive-stopped'
  | 'backup-shrunk'
  | 'no-full-backup'
  | 'package-missing'
  | 'package-truncated'
  | 'package-sidecar-forged'
  | 'package-sidecar-missing'
  | 'package-sidecar-unreadable';

/** Where the chain breaks: after it, no point can be restored until the next backup. */
interface ChainBreak {
  kind: BreakKind;
  where: string;
  detail: string;
}

/** A span of points that can be restored: a backup (and its incrementals), then every transaction of the archive up to `to`. */
export interface RecoveryWindow {
  /** The backups restored before the replay: a full and its incrementals, in order. */
  backups: string[];
  from: { time?: string; gtid?: string };
  to: { time?: string; gtid?: string };
  /** The binlog files replayed to reach points after the backup (none: only the backup's own point). */
  binlogs: string[];
  /** Their folder, relative to the location. */
  binlogFolder?: string;
  /** The GTIDs inside the window, in order: each one is a point that can be restored (after the backup's). */
  gtids: string[];
}

export interface ChainReport {
  family: 'mariadb' | 'mysql';
  backups: number;
  binlogFiles: number;
  windows: RecoveryWindow[];
  breaks: ChainBreak[];
  /** How far the newest restorable point lags behind now (the backup system's own RPO), when known. */
  newestPointAgeMs?: number;
}

const iso = (d?: Date) => d?.toISOString();
const fileNumber = (n: string) => Number(/\.(\d+)$/.exec(n)?.[1] ?? NaN);

/** A binlog file's GTID state at its end: its start state advanced by every GTID in it. */
function endState(g: GtidAlgebra, f: BinlogFileHeaders): string {
  return f.gtids.reduce((s, x) => (s ? g.advance(s, x) : x), f.startState);
}

/** Continuous runs of the archive: the breaks between files split it. */
function segmentsOf(g: GtidAlgebra, files: readonly ChainBinlog[], breaks: ChainBreak[]): ChainBinlog[][] {
  const segments: ChainBinlog[][] = [];
  let cur: ChainBinlog[] = [];
  for (const [i, f] of files.entries()) {
    cur.push(f);
    const next = files[i + 1];
    if (f.headers.truncated) {
      breaks.push({ kind: 'binlog-truncated', where: f.name, detail: f.headers.truncated });
      segments.push(cur);
      cur = [];
      continue;
    }
    if (!next) break;
    const missing = fileNumber(next.name) - fileNumber(f.name) - 1;
    const rotateTo = f.headers.end.kind === 'rotate' ? f.headers.end.next : undefined;
    if (missing > 0 || (rotateTo && rotateTo !== next.name)) {
      breaks.push({
        kind: 'binlog-missing',
        where: `${f.name} → ${next.name}`,
        detail: `${missing > 0 ? `${missing} file(s) missing between them` : `${f.name} rotates to ${rotateTo}`}`,
      });
      segments.push(cur);
      cur = [];
      continue;
    }
    if (f.headers.end.kind === 'open') {
      breaks.push({
        kind: 'binlog-truncated',
        where: f.name,
        detail: `ends without a Rotate event though ${next.name} follows it (cut short)`,
      });
      segments.push(cur);
      cur = [];
      continue;
    }
    const end = endState(g, f.headers);
    const start = next.headers.startState;
    if (end && start && !(g.contains(end, start) && g.contains(start, end))) {
      const gap = g.contains(start, end);
      breaks.push({
        kind: gap ? 'gtid-gap' : 'gtid-overlap',
        where: `${f.name} → ${next.name}`,
        detail: gap
          ? `${f.name} ends at ${end}; ${next.name} starts at ${start}: transactions ${g.subtract(start, end) || 'between them'} are in no file`
          : `${f.name} ends at ${end}; ${next.name} starts at ${start}: the files overlap or come from another history`,
      });
      segments.push(cur);
      cur = [];
    }
  }
  if (cur.length) segments.push(cur);
  return segments;
}

const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;

/**
 * The newest full backup smaller than `ratio` times the full backup before it: a backup job that "succeeds" while
 * copying a fraction of the data (a table space left out, a disk that filled, a wrong source) is caught the same night.
 */
function shrunkBackup(ordered: readonly ChainBackup[], ratio: number): ChainBreak | undefined {
  const fulls = ordered.filter((b) => b.kind === 'full' && b.bytes !== undefined);
  const [before, newest] = fulls.slice(-2);
  if (!before || !newest || newest.bytes! >= before.bytes! * ratio) return undefined;
  return {
    kind: 'backup-shrunk',
    where: newest.name,
    detail: `the newest full backup holds ${mb(newest.bytes!)}, ${Math.round((100 * newest.bytes!) / before.bytes!)} % of ${before.name}'s ${mb(before.bytes!)} (the policy: at least ${Math.round(ratio * 100)} %)`,
  };
}

/**
 * Judges a backup location from its metadata: every recovery window (a full backup, its incrementals, then the binlog
 * archive as far as it is continuous) and every break: a missing or truncated binlog file, a GTID gap or overlap, an
 * incremental whose base is gone, a newest backup older than `maxAgeMs`, an archive whose last event is older than it,
 * a newest full backup smaller than `minSizeRatio` times the one before it.
 */
export function analyseChain(
  family: 'mariadb' | 'mysql',
  backups: readonly ChainBackup[],
  binlogs: readonly ChainBinlog[],
  opts: { now: number; maxAgeMs?: number; minSizeRatio?: number },
): ChainReport {
  const g = family === 'mariadb' ? mariadbGtid : mysqlGtid;
  const breaks: ChainBreak[] = [];
  const files = [...binlogs].sort((a, b) => fileNumber(a.name) - fileNumber(b.name));
  const segments = segmentsOf(g, files, breaks);

  // A broken backup (a package no restore accepts) is a break and starts no window.
  for (const b of backups) if (b.broken) breaks.push({ kind: b.broken.kind, where: b.name, detail: b.broken.detail });
  const sound = backups.filter((b) => !b.broken);
  // Backups: each full starts a base (a package holds a full one); an incremental extends the base whose LSN it starts at.
  const ordered = [...sound].sort((a, b) => (a.createdAt?.getTime() ?? 0) - (b.createdAt?.getTime() ?? 0));
  const bases: Array<{ chain: ChainBackup[] }> = [];
  for (const b of ordered) {
    if (b.kind === 'full') {
      bases.push({ chain: [b] });
      continue;
    }
    const base = bases.find((x) => x.chain.at(-1)!.lsn?.to === b.lsn?.from);
    if (!base) {
      breaks.push({
        kind: 'incremental-without-base',
        where: b.name,
        detail: `it starts at LSN ${b.lsn?.from}; no full backup or incremental in the location ends there`,
      });
      continue;
    }
    // an incremental of the newest link makes a new restorable point; keep the shorter chain as its own base too
    bases.push({ chain: [...base.chain, b] });
  }
  if (!sound.some((b) => b.kind === 'full'))
    breaks.push({ kind: 'no-full-backup', where: '(location)', detail: 'no full backup: nothing can be restored' });
  const newest = ordered.at(-1);
  if (opts.maxAgeMs !== undefined && newest?.createdAt && opts.now - newest.createdAt.getTime() > opts.maxAgeMs)
    breaks.push({
      kind: 'backup-too-old',
      where: newest.name,
      detail: `the newest backup was taken ${iso(newest.createdAt)}, ${Math.round((opts.now - newest.createdAt.getTime()) / 3600_000)} h ago`,
    });
  const shrunk = opts.minSizeRatio !== undefined ? shrunkBackup(ordered, opts.minSizeRatio) : undefined;
  if (shrunk) breaks.push(shrunk);
  const lastFile = files.at(-1);
  const lastEvent = lastFile?.headers.lastTime;
  if (opts.maxAgeMs !== undefined && lastEvent && opts.now - lastEvent.getTime() > opts.maxAgeMs)
    breaks.push({
      kind: 'archive-stopped',
      where: lastFile!.name,
      detail: `the archive's last event was written ${iso(lastEvent)}, ${Math.round((opts.now - lastEvent.getTime()) / 60_000)} min ago`,
    });

  const windows: RecoveryWindow[] = bases.map(({ chain }) => {
    const top = chain.at(-1)!;
    const w: RecoveryWindow = {
      backups: chain.map((b) => b.name),
      from: { time: iso(top.createdAt), gtid: top.gtid },
      to: { time: iso(top.createdAt), gtid: top.gtid },
      binlogs: [],
      gtids: [],
    };
    if (!top.gtid) return w;
    const seg = segments.find((s) => {
      const start = s[0]!.headers.startState;
      const end = endState(g, s.at(-1)!.headers);
      return (!start || g.contains(top.gtid!, start)) && !!end && g.contains(end, top.gtid!);
    });
    if (!seg) return w;
    const after = seg.flatMap((f) => f.headers.gtids.map((x) => ({ x, f }))).filter(({ x }) => !g.contains(top.gtid!, x));
    if (!after.length) return w;
    const lastF = after.at(-1)!.f;
    w.binlogs = [...new Set(after.map((a) => a.f.name))];
    w.binlogFolder = lastF.folder;
    w.gtids = after.map((a) => a.x);
    w.to = { time: iso(lastF.headers.lastTime), gtid: after.at(-1)!.x };
    return w;
  });
  const newestPoint = windows.map((w) => (w.to.time ? Date.parse(w.to.time) : NaN)).filter((t) => !Number.isNaN(t));
  return {
    family,
    backups: backups.length,
    binlogFiles: files.length,
    windows,
    breaks,
    ...(newestPoint.length ? { newestPointAgeMs: opts.now - Math.max(...newestPoint) } : {}),
  };
}
