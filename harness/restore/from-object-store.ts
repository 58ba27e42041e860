import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { digestOfSidecar } from '../backup/object-checksum.js';
import { BadObjectError, isS3Url, type ObjectStore, parseS3Url } from '../backup/object-store.js';
import { downloadObject, listObjects, readObjectHead, SUMS_FILE, type Downloaded } from '../backup/object-transfer.js';
import { PACKAGE_SUFFIX, sidecarOf } from '../backup/package.js';
import { check } from '../verify/index.js';
import type { RestoreTestOutcome } from './restore-test.js';
import type { RunContext } from '../runtime/run-context.js';

/** Objects of a folder read at once. */
const FETCH_CONCURRENCY = 4;

/** A backup read out of object storage into a private local folder: where it is, and what each object was checked with. */
interface StagedFromStore {
  url: string;
  /** The local file or folder holding the backup. */
  path: string;
  objects: Downloaded[];
  bytes: number;
  ms: number;
}

/**
 * Reads a backup out of object storage: `s3://bucket/name` one object (a dump, an mbstream, a package; checked with its
 * `.sha256`/`.sha1`/`.md5` sidecar or its ETag), or `s3://bucket/prefix/` every object under a prefix (a mariabackup
 * folder, a chain, a binlog archive, a firedrill artifact; checked with the folder's SHA256SUMS when it has one, else
 * each object's ETag). Streamed into a folder of its own under `scratch` (0700), never held in memory.
 * Throws BadObjectError (exit 1) for a missing backup, a missing listed file, a checksum mismatch; StoreUnavailableError
 * (exit 2) when the store cannot be used.
 */
async function stageFromStore(store: ObjectStore, url: string, scratch: string, progress: (m: string) => void): Promise<StagedFromStore> {
  const at = parseS3Url(url);
  const t0 = Date.now();
  const dir = await mkdtemp(join(scratch, 'from-store-'));
  await chmod(dir, 0o700);
  const name = at.key.replace(/\/+$/, '').split('/').pop() || at.bucket;
  const listed = await listObjects(store, { bucket: at.bucket, key: at.key.replace(/\/+$/, '') });
  const single = !at.key.endsWith('/') ? listed.find((o) => o.key === at.key) : undefined;
  const objects: Downloaded[] = [];
  let bytes = 0;
  const report = every(256 * 1024 * 1024, (n) => progress(`${url}: ${Math.round(n / 1024 / 1024)} MiB read`));
  if (single) {
    const d = await downloadObject(store, at, join(dir, name), {
      siblings: listed,
      onBytes: (n) => {
        bytes += n;
        report(bytes);
      },
    });
    progress(`${url}: ${d.bytes} bytes, checked with ${d.verified}`);
    objects.push(d);
    // a firedrill package travels with its sidecar (its MAC is checked when it is unpacked; without it, it is refused)
    const side = at.key.endsWith(PACKAGE_SUFFIX) ? sidecarOf(at.key) : undefined;
    if (side && (await listObjects(store, { bucket: at.bucket, key: side })).some((o) => o.key === side))
      objects.push(await downloadObject(store, { bucket: at.bucket, key: side }, join(dir, sidecarOf(name))));
    return { url, path: join(dir, name), objects, bytes, ms: Date.now() - t0 };
  }
  const prefix = at.key === '' ? '' : at.key.replace(/\/?$/, '/');
  const under = listed.filter((o) => o.key.startsWith(prefix));
  if (under.length === 0)
    throw new BadObjectError('backup-missing', url, `${url}: no backup there (no object ${at.key.replace(/\/+$/, '')} and none under it)`);
  const sums = new Map<string, string>();
  const sumsObject = under.find((o) => o.key === `${prefix}${SUMS_FILE}`);
  if (sumsObject) {
    const text = (await readObjectHead(store, { bucket: at.bucket, key: sumsObject.key }, sumsObject.size + 1)).toString('utf8');
    for (const line of text.split('\n')) {
      const m = /^([0-9a-f]{64}) [ *](.+)$/.exec(line.trim());
      if (m) sums.set(m[2]!, m[1]!);
    }
    const missing = [...sums.keys()].filter((rel) => !under.some((o) => o.key === `${prefix}${rel}`));
    if (missing.length)
      throw new BadObjectError(
        'backup-missing',
        url,
        `${url}: ${SUMS_FILE} lists ${missing.length} file(s) the store does not hold: ${missing.slice(0, 5).join(', ')}`,
      );
  }
  const folder = join(dir, name);
  const todo = under.filter((o) => {
    const rel = o.key.slice(prefix.length);
    return rel !== SUMS_FILE && !rel.endsWith('/');
  });
  // `name/` objects are folders (an empty one is kept that way: a MySQL datadir needs its empty mysql/)
  for (const o of under.filter((x) => x.key.endsWith('/') && x.key.length > prefix.length))
    await mkdir(join(folder, ...o.key.slice(prefix.length).split('/').filter(Boolean)), { recursive: true, mode: 0o700 });
  // FETCH_CONCURRENCY objects at once (a folder is many small files: one at a time, the round trips dominate); the
  // first failure stops the others from starting and is thrown once the ones under way ended
  let next = 0;
  let stop = false;
  const worker = async () => {
    for (let i = next++; i < todo.length && !stop; i = next++) {
      const o = todo[i]!;
      const rel = o.key.slice(prefix.length);
      const sum = sums.get(rel);
      const expected = sum ? digestOfSidecar(sum, 'sha256', `${SUMS_FILE}`) : undefined;
      try {
        const d = await downloadObject(store, { bucket: at.bucket, key: o.key }, join(folder, ...rel.split('/')), {
          ...(expected ? { expected } : {}),
          siblings: under,
          onBytes: (n) => {
            bytes += n;
            report(bytes);
          },
        });
        objects.push(d);
      } catch (e) {
        stop = true;
        throw e;
      }
    }
  };
  const ended = await Promise.allSettled(Array.from({ length: Math.min(FETCH_CONCURRENCY, todo.length) }, worker));
  const failure = ended.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure) throw failure.reason;
  progress(
    `${url}: ${objects.length} object(s), ${bytes} bytes, ${sumsObject ? `checked with ${SUMS_FILE}` : 'checked with their ETags where the store gives an MD5'}`,
  );
  return { url, path: folder, objects, bytes, ms: Date.now() - t0 };
}

/** Calls `fn` each time a running total passes another multiple of `step`. */
function every(step: number, fn: (total: number) => void): (total: number) => void {
  let next = step;
  return (total) => {
    if (total < next) return;
    next = (Math.floor(total / step) + 1) * step;
    fn(total);
  };
}

/** The outcome of a restore-test whose backup could not be read out of the store because it is broken (exit 1). */
function storeFailureOutcome(e: BadObjectError): RestoreTestOutcome {
  return {
    artifact: { kind: 'in-object-store', path: e.url, description: `a backup in object storage (${e.url})` },
    checks: [check('backup-in-store', [{ database: '*', object: e.url, kind: e.kind, actual: e.message }])],
    phases: [],
    observations: {},
    error: e.message,
  };
}

interface Locations {
  artifact: string;
  incrementals: string[];
  binlogs?: string | undefined;
}

/**
 * Reads every `s3://` location of a restore-test out of the store into a private scratch folder (removed at the run's
 * teardown), and gives back local paths; a phase `fetch` (part of the restore time: a restore from the store begins
 * with it) and what was checked. A broken backup in the store (missing, damaged) is a failed outcome (exit 1).
 */
export async function fromStore(
  store: ObjectStore | undefined,
  at: Locations,
  run: RunContext,
  progress: (m: string) => void,
): Promise<
  | { failed: RestoreTestOutcome }
  | (Locations & { fetch?: { phase: RestoreTestOutcome['phases'][number]; observation: Record<string, unknown> } })
> {
  if (!store) return at;
  const scratch = await mkdtemp(join(tmpdir(), 'fd-from-store-'));
  await chmod(scratch, 0o700);
  run.onTeardown('remove the backup read out of the object store', () => rm(scratch, { recursive: true, force: true }));
  const startMs = Date.now();
  progress('phase fetch');
  const staged: StagedFromStore[] = [];
  const local = async (v: string) => {
    if (!isS3Url(v)) return v;
    const s = await stageFromStore(store, v, scratch, progress);
    staged.push(s);
    return s.path;
  };
  let out: Locations;
  try {
    out = {
      artifact: await local(at.artifact),
      incrementals: await Promise.all(at.incrementals.map(local)),
      ...(at.binlogs ? { binlogs: await local(at.binlogs) } : {}),
    };
  } catch (e) {
    if (e instanceof BadObjectError) return { failed: storeFailureOutcome(e) };
    throw e;
  }
  const endMs = Date.now();
  const bytes = staged.reduce((s, x) => s + x.bytes, 0);
  return {
    ...out,
    fetch: {
      phase: { name: 'fetch', recovery: true, startMs, endMs, durationMs: endMs - startMs, steps: [] },
      observation: {
        endpoint: store.endpoint,
        pathStyle: store.pathStyle,
        serverSideEncryption: store.sse.description,
        bytes,
        mibPerSecond: Math.round((bytes / 1024 / 1024 / Math.max(0.001, (endMs - startMs) / 1000)) * 10) / 10,
        locations: staged.map((s) => ({
          url: s.url,
          objects: s.objects.length,
          bytes: s.bytes,
          ms: s.ms,
          checked: [...new Set(s.objects.map((o) => o.verified))],
          storeChecksums: s.objects.filter((o) => o.storeChecksum).length,
        })),
      },
    },
  };
}
