import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, stat, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { artifactPath, copyPackage, DATA_DIR, dataOffset, FS_SNAPSHOT, partialPath, type Manifest, logicalBackup, packArtifact, PackageRejectedError, physicalMethodFor, resealSidecar, unpackArtifact } from '../backup/index.js';
import { ArtifactRejectedError, restoreAndCatchUp, restoreLogical, verifyArtifact } from '../restore/index.js';
import { listByLabel } from '../runtime/docker.js';
import { LABEL_RUN } from '../runtime/run-context.js';
import { waitUntil } from '../exec/index.js';
import { supervisedRestarts, withFault, type Fault, type FaultRecord } from '../faults/index.js';
import { restorePhysical } from '../restore/index.js';
import { gtidExecuted, gtidReplicaPos, gtidWritten, replicaStates, waitCaughtUp } from '../runtime/replication.js';
import { attachToSources, withFlavor } from '../runtime/topology.js';
import type { FlavorId } from '../runtime/flavors.js';
import { check, compareData, compareServers, coversEvery, wroteNothingAs, databasesInScope, compareSnapshots, errantTransactions, gtidPositionsEqual, ledgerCheck, noErrantTransactions, presentLedgerIds, takeSnapshot } from '../verify/index.js';
import { crashSql, workloadSql, type RowRef } from '../sql/index.js';
import type { Difference } from '../verify/index.js';
import type { DrillContext, Step } from './types.js';

/** A named runbook line. */
export const step = (name: string, run: (ctx: DrillContext) => Promise<void>): Step => ({ name, run });

/** Waits until the workload has had `acked` more writes acknowledged, so what follows happens under load. */
export const ackedTotal = (ctx: DrillContext) => [...ctx.workloads.values()].reduce((s, w) => s + w.ledger.summary().acked, 0);

export const underLoad = (acked = 200, timeoutS = 120): Step => step(`wait for ${acked} more acknowledged writes`, async (ctx) => {
  const base = ackedTotal(ctx);
  await waitUntil(async () => ackedTotal(ctx) - base, (n) => n >= acked,
    { what: `${acked} more acknowledged writes from the workload`, timeoutMs: timeoutS * 1000, intervalMs: 100 });
});

/** Injects a fault and heals it (heal always runs); the record goes into the result. */
export const inject = (fault: Fault): Step => step(`inject ${fault.kind} on ${fault.target}`, async (ctx) => {
  const { record } = await withFault(ctx.faultEnv, fault);
  ctx.faults.push(record);
});

/** Waits (server-side) until the node has everything each of its sources has now. */
async function catchUpAll(ctx: DrillContext, node: string, timeoutS: number): Promise<Array<{ source: string; gtid: string; waitedMs: number }>> {
  const n = ctx.topo.get(node);
  const out = [];
  for (const l of ctx.topo.sourcesOf(node)) out.push({ source: l.source.name, ...(await waitCaughtUp(n, l.source, timeoutS)) });
  return out;
}

/** The node's replication threads run without error and it reaches its sources' positions (server-side wait). */
export const expectReplicating = (node: string, timeoutS = 120): Step => step(`${node} resumes replication`, async (ctx) => {
  const n = ctx.topo.get(node);
  const before = await gtidReplicaPos(n);
  const primaryAt = await gtidExecuted(ctx.topo.primary);
  const caught = await catchUpAll(ctx, node, timeoutS).then((r) => ({ ok: true as const, sources: r }), (e: Error) => ({ ok: false as const, error: e.message }));
  // Just after START REPLICA the IO thread may still be "Connecting" though nothing is missing: poll, then judge.
  const running = (st: Awaited<ReturnType<typeof replicaStates>>) => st.length > 0 && st.every((s) => s.ioRunning === 'Yes' && s.sqlRunning === 'Yes');
  const states = await waitUntil(() => replicaStates(n), running, { what: `${node}'s replication threads to run`, timeoutMs: 30_000, intervalMs: 200 })
    .catch(() => replicaStates(n));
  const diffs = states.flatMap((s) => [
    ...(s.ioRunning !== 'Yes' ? [{ database: '*', object: node, kind: 'io-thread-not-running', actual: s.ioRunning, where: s.lastIoError }] : []),
    ...(s.sqlRunning !== 'Yes' ? [{ database: '*', object: node, kind: 'sql-thread-not-running', actual: s.sqlRunning, where: s.lastSqlError }] : []),
  ]);
  if (!caught.ok) diffs.push({ database: '*', object: node, kind: 'did-not-catch-up', actual: caught.error, where: '' });
  ctx.checks.push(check(`${node}-resumes-replication`, diffs, { positionAfterRestart: before, primaryPosition: primaryAt, catchUp: caught }));
});

/**
 * Physical backup on a (backup) replica with the flavor's method (mariabackup, clone), or with `fs-snapshot`
 * (FLUSH TABLES WITH READ LOCK + frozen copy of the datadir); the artifact lands in the store.
 */
export const physicalBackup = (from: string, how: 'native' | 'fs-snapshot' = 'native'): Step => step(`${how === 'native' ? 'physical backup' : 'filesystem snapshot'} of ${from}`, async (ctx) => {
  const n = ctx.topo.get(from);
  const method = how === 'native' ? physicalMethodFor(n.adapter) : FS_SNAPSHOT;
  const id = `${method.name}-${from}-${ctx.artifacts.length + 1}`;
  const manifest = await backupWithOptionalFault(ctx, from, id, (aid) => method.backup(n, ctx.store, aid, ctx.progress));
  ctx.artifacts.push({ dir: artifactPath(ctx.store, id), manifest });
  ctx.observations[`backup ${id}`] = { gtid: manifest.position.gtid, totalBytes: manifest.totalBytes, files: manifest.files.length, timings: manifest.timings };
  ctx.checks.push(gtidPositionsEqual(n.adapter.gtid, manifest.position.snapshotGtid, manifest.position.gtid, 'backup-point-equals-snapshot-point'));
  ctx.progress(`artifact ${id}: ${(manifest.totalBytes / 1048576).toFixed(1)} MiB, ${manifest.files.length} files, GTID ${manifest.position.gtid}`);
});

/**
 * Runs a backup; with --fault-during-backup, first runs it once more and SIGKILLs the backup node as soon as the
 * copy has begun: that attempt must fail loudly and leave nothing a restore would accept; the node is restarted
 * (the fault's heal) and the real backup is the retry.
 */
export async function backupWithOptionalFault(ctx: DrillContext, from: string, id: string, take: (id: string) => Promise<Manifest>): Promise<Manifest> {
  if (!ctx.options.faultDuringBackup) return take(id);
  const n = ctx.topo.get(from);
  const doomed = `${id}-faulted`;
  const record: FaultRecord = { fault: { kind: 'kill', target: from, during: 'backup' }, description: `SIGKILL ${from} in the middle of backup ${doomed}`, injectedAt: 0 };
  const copyStarted = waitUntil(async () => existsSync(join(partialPath(ctx.store, doomed), DATA_DIR)), Boolean,
    { what: `backup ${doomed} to start copying`, timeoutMs: 300_000, intervalMs: 20 })
    .then(async () => { record.injectedAt = Date.now(); await n.kill('KILL'); });
  const attempt = await take(doomed).then(() => ({ failed: false, error: '' }), (e: Error) => ({ failed: true, error: e.message.split('\n')[0]! }));
  await copyStarted.catch(() => undefined);
  await n.restart();
  record.healedAt = Date.now();
  record.heal = { restarted: from };
  ctx.faults.push(record);
  const accepted = await verifyArtifact(artifactPath(ctx.store, doomed)).then(() => true, () => false);
  const leftovers = [artifactPath(ctx.store, doomed), partialPath(ctx.store, doomed)].filter((p) => existsSync(p));
  ctx.checks.push(check('backup-fault-fails-loudly', attempt.failed && record.injectedAt > 0 ? [] : [{ database: '*', object: from, kind: 'backup-did-not-fail', actual: attempt }], { error: attempt.error }));
  ctx.checks.push(check('backup-fault-leaves-no-restorable-artifact', !accepted && leftovers.length === 0 ? [] : [{ database: '*', object: doomed, kind: 'half-artifact-left', actual: { accepted, leftovers } }]));
  const m = await take(id);
  ctx.checks.push(check('backup-retry-succeeds', [], { artifact: m.id, gtid: m.position.gtid }));
  return m;
}

/** The newest artifact taken in this drill. */
export const latest = (ctx: DrillContext) => {
  const a = ctx.artifacts[ctx.artifacts.length - 1];
  if (!a) throw new Error('no backup artifact has been taken in this drill');
  return a;
};

/** Logical dump of a replica with the flavor's dump tool; the artifact lands in the store. */
export const logicalBackupOf = (from: string): Step => step(`logical dump of ${from}`, async (ctx) => {
  const n = ctx.topo.get(from);
  const id = `logical-${from}-${ctx.artifacts.length + 1}`;
  const manifest = await backupWithOptionalFault(ctx, from, id, (aid) => logicalBackup(n, ctx.store, aid, ctx.progress));
  ctx.artifacts.push({ dir: artifactPath(ctx.store, id), manifest });
  ctx.observations[`backup ${id}`] = { gtid: manifest.position.gtid, totalBytes: manifest.totalBytes, timings: manifest.timings };
});

/** Restores the latest artifact (physical or logical) into a brand-new node with a new server id (checksums verified first). */
export const restoreLatest = (as: string): Step => step(`restore latest artifact as ${as}`, async (ctx) => {
  const a = latest(ctx);
  const serverId = 100 + ctx.topo.nextServerId();
  const restore = a.manifest.method === 'logical' ? restoreLogical : restorePhysical;
  const r = await restore(ctx.tctx, a.dir, { name: as, serverId, readOnly: true });
  ctx.topo.add(r.node);
  ctx.observations[`restore ${as}`] = { artifact: a.manifest.id, serverId, timings: r.timings };
});

/** The restored node equals the pre-backup snapshot: CHECK TABLE clean, CHECKSUM TABLE and objects equal, GTID equal. */
export const verifyAgainstSnapshot = (node: string): Step => step(`verify ${node} against the pre-backup snapshot`, async (ctx) => {
  const { manifest } = latest(ctx);
  const n = ctx.topo.get(node);
  const snap = await takeSnapshot(n, manifest.snapshot.databases);
  for (const c of compareSnapshots(manifest.snapshot, snap)) ctx.checks.push({ ...c, name: `${node}-${c.name}` });
  ctx.checks.push(gtidPositionsEqual(n.adapter.gtid, manifest.position.gtid, await gtidReplicaPos(n), `${node}-gtid-equals-manifest`));
});

/** Attaches the node to each of its sources by GTID and waits (server-side) until it has everything they have. */
export const catchUpFromSources = (node: string, timeoutS = 300): Step => step(`${node} catches up from its sources`, async (ctx) => {
  await attachToSources(ctx.topo, ctx.topo.get(node));
  ctx.observations[`catch-up ${node}`] = await catchUpAll(ctx, node, timeoutS);
});

/** Stops every write workload; the ledgers are final from here. */
export const stopWorkload = (): Step => step('stop the write workload', async (ctx) => {
  for (const [name, w] of ctx.workloads) {
    await w.stop();
    ctx.observations[ctx.workloads.size > 1 ? `workload ${name}` : 'workload'] = w.ledger.summary();
  }
});

/** Every named node reaches its sources' final positions. */
export const converge = (nodes: readonly string[], timeoutS = 300): Step => step(`${nodes.join(', ')} converge`, async (ctx) => {
  for (const name of nodes) await catchUpAll(ctx, name, timeoutS);
});

/**
 * The node equals its source(s): every schema object and every row (checksums, chunked fingerprints). With
 * several sources, each is compared over its own databases: the node must hold the union of its sources.
 */
export const equalsPrimary = (node: string): Step => step(`${node} equals its source(s)`, async (ctx) => {
  const links = ctx.topo.sourcesOf(node);
  for (const l of links) {
    const databases = links.length > 1 ? await databasesInScope(l.source) : undefined;
    const suffix = links.length > 1 ? l.source.name : 'primary';
    for (const c of await compareServers(l.source, ctx.topo.get(node), { databases })) ctx.checks.push({ ...c, name: `${node}-${c.name}-equals-${suffix}` });
  }
});

/** Every acknowledged write of every source's ledger is on the node, and nothing the clients did not write. */
export const ledgerHolds = (node: string): Step => step(`ledger holds on ${node}`, async (ctx) => {
  for (const [name, w] of ctx.workloads) {
    const label = ctx.workloads.size > 1 ? `${node}-ledger-${name}` : `${node}-ledger`;
    ctx.checks.push(ledgerCheck(label, w.ledger, await presentLedgerIds(ctx.topo.get(node), w.db)));
  }
});

/** The node's GTID position covers everything each source has written. */
export const gtidCoversSources = (node: string): Step => step(`${node}'s GTID position covers every source`, async (ctx) => {
  const n = ctx.topo.get(node);
  const pos = await gtidReplicaPos(n);
  const diffs = [];
  for (const l of ctx.topo.sourcesOf(node)) {
    const s = await gtidExecuted(l.source);
    if (!n.adapter.gtid.contains(pos, s)) diffs.push({ database: '*', object: node, kind: 'gtid-not-covered', where: l.source.name, expected: s, actual: pos });
  }
  ctx.checks.push(check(`${node}-gtid-covers-every-source`, diffs, { position: pos }));
});

/** Injects a fault, runs the steps while it holds, then heals it (the heal runs whatever the steps do). */
export const whileFaulted = (fault: Fault, steps: readonly Step[]): Step => step(`while ${fault.kind} on ${fault.target}: ${steps.map((s) => s.name).join('; ')}`, async (ctx) => {
  const { record } = await withFault(ctx.faultEnv, fault, async () => { for (const s of steps) await s.run(ctx); });
  ctx.faults.push(record);
});

/**
 * The fault really cut replication: polled over the node's local socket (it may be unreachable over the
 * network) until its IO thread is no longer running, or the timeout. Records what was seen and when.
 */
export const replicationInterrupted = (node: string, timeoutS = 60): Step => step(`${node}'s replication notices the fault`, async (ctx) => {
  const n = ctx.topo.get(node);
  const t0 = Date.now();
  const seen = await waitUntil(async () => (await n.localQuery(n.adapter.dialect.replicaStatus())).map(n.adapter.replicaState),
    (st) => st.length > 0 && st.every((s) => s.ioRunning !== 'Yes'),
    { what: `${node}'s IO thread to stop running`, timeoutMs: timeoutS * 1000, intervalMs: 250 }).then((v) => ({ ok: true, v }), (e: Error) => ({ ok: false, v: e.message }));
  ctx.checks.push(check(`${node}-replication-interrupted-by-fault`, seen.ok ? [] : [{ database: '*', object: node, kind: 'fault-had-no-effect', actual: seen.v }],
    { afterMs: Date.now() - t0, state: seen.v }));
});

/** Someone switches read_only off on a replica and an application writes there (seed "ten rules": never write to a replica). */
export const errantWriteOn = (node: string): Step => step(`errant write on ${node}`, async (ctx) => {
  const n = ctx.topo.get(node);
  const d = n.adapter.dialect;
  await n.query(d.setReadOnly(false));
  try { await n.query(workloadSql.errantWrite()); } finally { await n.query(d.setReadOnly(true)); }
});

/** GTID comparison finds the replica's own transactions and names them. */
export const detectErrant = (node: string): Step => step(`detect errant transactions on ${node}`, async (ctx) => {
  const n = ctx.topo.get(node);
  const e = await errantTransactions(n, ctx.topo.primary);
  const [me] = await n.query<{ w: string }>(n.adapter.dialect.gtidWriterIdentity());
  const ours = e.writers.length > 0 && e.writers.every((w) => w === String(me?.w));
  ctx.observations[`errant ${node}`] = e;
  ctx.checks.push(check(`${node}-errant-transaction-detected`, ours ? [] : [{ database: '*', object: node, kind: 'errant-transaction-not-detected', actual: e }], { errantGtids: e.errant, writers: e.writers }));
});

/** The replica holds no transaction the primary lacks. */
export const noErrant = (node: string): Step => step(`${node} has no errant transactions`, async (ctx) => {
  ctx.checks.push(await noErrantTransactions(ctx.topo.get(node), ctx.topo.primary));
});

/** Rebuilds a lost or diverged replica from the latest artifact (under its old name) and catches it up by GTID. */
export const rebuildFromBackup = (node: string): Step => step(`rebuild ${node} from the latest backup`, async (ctx) => {
  if (ctx.topo.all().some((n) => n.name === node)) {
    await ctx.topo.get(node).destroy();
    ctx.topo.remove(node);
  }
  await restoreLatest(node).run(ctx);
  await catchUpFromSources(node).run(ctx);
});

/** Starts a stopped node again and waits until it answers (e.g. a wiped Galera node, which then needs an SST). */
export const startNode = (node: string): Step => step(`start ${node}`, async (ctx) => {
  const t0 = Date.now();
  await ctx.topo.get(node).restart();
  ctx.observations[`start ${node}`] = { untilAnsweringMs: Date.now() - t0 };
});

/** Only the primary is left. */
export const primaryStandsAlone = (): Step => step('the primary stands alone', async (ctx) => {
  const left = ctx.topo.all().map((n) => n.name);
  ctx.checks.push(check('primary-stands-alone', left.length === 1 && left[0] === 'primary' ? [] : [{ database: '*', object: 'topology', kind: 'nodes-left', actual: left }]));
  ctx.observations['nodes after the failures'] = left;
});

/** Runs a DELETE on the primary so that replicas fire their own triggers applying it; remembers its GTID. */
export const poisonDelete = (row: RowRef): Step => step(`DELETE the poison row ${row.db}.${row.table} ${row.key}=${row.id} on the primary`, async (ctx) => {
  const p = ctx.topo.primary;
  const { statements, gtid } = p.adapter.dialect.poisonDelete(crashSql.deleteRow(row));
  for (const s of statements) await p.query(s);
  const [g] = await p.query<{ gtid: string }>(gtid);
  ctx.vars.set('poison', String(g?.gtid));
  ctx.observations['poison transaction'] = { gtid: String(g?.gtid), row };
});

const poisonGtid = (ctx: DrillContext) => {
  const g = ctx.vars.get('poison');
  if (typeof g !== 'string') throw new Error('no poison transaction has run in this drill');
  return g;
};

/** The supervisor restarts the server again and again: waits for `min` restarts and records the count and lag. */
export const observeCrashLoop = (node: string, min = 3, timeoutS = 120): Step => step(`${node} crash-loops`, async (ctx) => {
  const n = ctx.topo.get(node);
  const t0 = Date.now();
  const seen = await waitUntil(() => supervisedRestarts(n), (c) => c >= min, { what: `${node} to be restarted ${min} times by its supervisor`, timeoutMs: timeoutS * 1000, intervalMs: 250 })
    .then((c) => ({ ok: true, restarts: c }), (e: Error) => ({ ok: false, restarts: 0, error: e.message }));
  const primaryAt = await gtidExecuted(ctx.topo.primary);
  ctx.observations[`crash loop ${node}`] = { ...seen, seconds: (Date.now() - t0) / 1000, primaryPosition: primaryAt, acknowledgedWrites: ctx.workload.ledger.summary().acked };
  ctx.checks.push(check(`${node}-crash-loops`, seen.ok ? [] : [{ database: '*', object: node, kind: 'no-crash-loop', actual: seen }], { restarts: seen.restarts }));
});

/** After the loop is broken: the replica stopped just before the poison transaction, while the primary went on. */
export const stuckBeforePoison = (node: string): Step => step(`${node} is stuck just before the poison transaction`, async (ctx) => {
  const n = ctx.topo.get(node);
  const poison = poisonGtid(ctx);
  const pos = await gtidReplicaPos(n);
  const primaryAt = await gtidExecuted(ctx.topo.primary);
  const restarts = await supervisedRestarts(n);
  const lacks = !n.adapter.gtid.contains(pos, poison);
  ctx.observations[`stuck ${node}`] = { replicaPosition: pos, poison, primaryPosition: primaryAt, restarts };
  ctx.checks.push(check(`${node}-stuck-before-poison`, lacks ? [] : [{ database: '*', object: node, kind: 'poison-applied', actual: pos, expected: `without ${poison}` }],
    { replicaPosition: pos, poisonGtid: poison, primaryPosition: primaryAt, restarts }));
});

/** Recovery (a): skip the poison transaction on the stopped replica and restart replication. */
export const skipPoison = (node: string): Step => step(`skip the poison transaction on ${node}`, async (ctx) => {
  const n = ctx.topo.get(node);
  const poison = poisonGtid(ctx);
  const d = n.adapter.dialect;
  await n.query(d.stopReplica());
  const newPos = n.adapter.gtid.advance(await gtidReplicaPos(n), poison);
  for (const s of d.skipTransaction(poison, newPos)) await n.query(s);
  await n.query(d.startReplica());
  await waitCaughtUp(n, ctx.topo.primary, 300);
});

/** After a skip, the replica differs from the primary by exactly the skipped transaction's row, and verify names it. */
export const divergesExactlyBy = (node: string, row: RowRef): Step => step(`${node} diverges exactly by the skipped row`, async (ctx) => {
  // The poison's own database: the workload keeps writing elsewhere (the ledger checks that part).
  const data = await compareData(ctx.topo.primary, ctx.topo.get(node), { databases: [row.db] });
  const diffs = (data.details['differences'] as Difference[]) ?? [];
  const rows = diffs.filter((d) => d.kind.startsWith('row-'));
  const exact = rows.length === 1 && rows[0]!.kind === 'row-unexpected' && rows[0]!.where === `${row.key}=${row.id}`
    && diffs.every((d) => d.database === row.db && d.object === row.table);
  ctx.observations[`divergence after skip ${node}`] = { rowsDiffering: rows.length, differences: diffs };
  ctx.checks.push(check(`${node}-diverges-exactly-by-skipped-transaction`, exact ? [] : [{ database: row.db, object: row.table, kind: 'unexpected-divergence', actual: diffs }],
    { namedByVerify: rows }));
});

/** The repair after a skip: apply the skipped DELETE by hand on the replica, outside the binary log. */
export const repairSkipped = (node: string, row: RowRef): Step => step(`apply the skipped DELETE on ${node} by hand`, async (ctx) => {
  for (const s of crashSql.deleteLocally(row)) await ctx.topo.get(node).query(s);
});

/** Records where the primary stands before it is lost (its last GTID and when). */
export const notePrimaryPosition = (): Step => step('note the primary\'s last position', async (ctx) => {
  ctx.vars.set('primary-final', { gtid: await gtidExecuted(ctx.topo.primary), at: Date.now() });
});

/**
 * The real RPO of restoring the backup alone, measured two ways that must agree: the acknowledged writes the
 * restored node lacks (ledger), and the transactions the primary committed after the backup's GTID point.
 */
export const rpoOfBackupAlone = (node: string): Step => step(`RPO of the backup alone on ${node}`, async (ctx) => {
  const n = ctx.topo.get(node);
  const { manifest } = latest(ctx);
  const final = ctx.vars.get('primary-final') as { gtid: string; at: number } | undefined;
  if (!final) throw new Error('the primary\'s final position was not noted');
  const present = new Set(await presentLedgerIds(n, ctx.workload.db));
  const acked = ctx.workload.ledger.byOutcome('acked');
  const lost = acked.filter((e) => !present.has(e.id));
  const afterPoint = n.adapter.gtid.transactionsBetween(manifest.position.gtid, final.gtid);
  const newestKept = acked.reduce((m, e) => (present.has(e.id) ? Math.max(m, e.doneAt) : m), 0);
  const rpo = {
    lostAcknowledgedWrites: lost.length, firstLostId: lost[0]?.id, lastLostId: lost[lost.length - 1]?.id,
    transactionsAfterBackupPoint: afterPoint, backupGtid: manifest.position.gtid, primaryFinalGtid: final.gtid,
    secondsFromBackupPointToFailure: newestKept ? (final.at - newestKept) / 1000 : null,
  };
  ctx.observations['rpo of the backup alone'] = rpo;
  ctx.checks.push(check('rpo-equals-transactions-after-backup-point', lost.length === afterPoint ? [] : [{
    database: '*', object: node, kind: 'rpo-mismatch', expected: afterPoint, actual: lost.length }], rpo));
});

/** Packs the latest artifact (zstd + AES-256-GCM, key generated for this drill, kept in memory) and uploads it. */
export const packageAndUpload = (): Step => step('package the latest artifact and upload it to the store', async (ctx) => {
  const a = latest(ctx);
  const key = randomBytes(32);
  const outgoing = join(ctx.store.hostDir, 'outgoing');
  const remote = join(ctx.store.hostDir, 'remote');
  await mkdir(outgoing, { recursive: true });
  await mkdir(remote, { recursive: true });
  const info = await packArtifact(a.dir, outgoing, key);
  const uploaded = await copyPackage(join(outgoing, info.file), remote);
  ctx.vars.set('package', { file: uploaded, key });
  ctx.observations['package'] = { ...info, artifactBytes: a.manifest.totalBytes, ratio: +(info.bytes / a.manifest.totalBytes).toFixed(3) };
});

const packaged = (ctx: DrillContext) => {
  const p = ctx.vars.get('package') as { file: string; key: Buffer } | undefined;
  if (!p) throw new Error('no package has been uploaded in this drill');
  return p;
};

/** Downloads the package, unpacks it (checks first), and restores it into a brand-new node. */
async function restoreFromPackage(ctx: DrillContext, file: string, key: Buffer, as: string): Promise<void> {
  const staging = await mkdtemp(join(ctx.store.hostDir, 'download-'));
  const local = await copyPackage(file, staging);
  const dir = await unpackArtifact(local, key, join(staging, 'artifact'));
  const r = await restorePhysical(ctx.tctx, dir, { name: as, serverId: 100 + ctx.topo.nextServerId(), readOnly: true });
  ctx.topo.add(r.node);
}

/**
 * flip-byte, truncate: caught by the authenticated sidecar's sha256 and size; wrong-key: by the key fingerprint;
 * flip-ciphertext-resealed: a ciphertext byte flipped before the sidecar was made (its sha256, size and MAC
 * recomputed with the key): only the AES-GCM tags can catch it, and the check requires that they did.
 */
export type Tamper = 'flip-byte' | 'truncate' | 'wrong-key' | 'flip-ciphertext-resealed';

/** A bad copy of the package is refused with a clear error, before any container or volume is created. */
export const refuseTampered = (kind: Tamper): Step => step(`refuse a package with ${kind}`, async (ctx) => {
  const { file, key } = packaged(ctx);
  const bad = await mkdtemp(join(ctx.store.hostDir, `tamper-${kind}-`));
  const copy = await copyPackage(file, bad);
  if (kind === 'flip-byte') { const b = await readFile(copy); b[Math.floor(b.length / 2)]! ^= 0x10; await writeFile(copy, b); }
  if (kind === 'truncate') { const s = (await stat(copy)).size; await truncate(copy, Math.floor(s * 0.9)); }
  if (kind === 'flip-ciphertext-resealed') {
    const b = await readFile(copy);
    const at = (await dataOffset(copy)) + Math.floor((b.length - (await dataOffset(copy))) / 2);
    b[at]! ^= 0x10;
    await writeFile(copy, b);
    await resealSidecar(copy, key);
  }
  const as = `tampered-${kind}`;
  const outcome = await restoreFromPackage(ctx, copy, kind === 'wrong-key' ? randomBytes(32) : key, as)
    .then(() => ({ refused: false, error: 'restore went ahead' }), (e: Error) => ({
      refused: (e instanceof PackageRejectedError || e instanceof ArtifactRejectedError)
        && (kind !== 'flip-ciphertext-resealed' || /authentication failed/.test(e.message)), // refused by GCM, nothing else
      error: e.message,
    }));
  const touched = [...await listByLabel('container', `${LABEL_RUN}=${ctx.run.runId}`), ...await listByLabel('volume', `${LABEL_RUN}=${ctx.run.runId}`)]
    .filter((n) => n.startsWith(ctx.run.name(as)));
  ctx.checks.push(check(`tamper-${kind}-refused-before-any-server`, outcome.refused && touched.length === 0 ? [] : [{
    database: '*', object: as, kind: 'tampered-package-not-refused', actual: { ...outcome, createdObjects: touched } }], { error: outcome.error }));
});

/** The intact package downloads, unpacks and restores into a new node. */
export const restorePackaged = (as: string): Step => step(`restore the uploaded package as ${as}`, async (ctx) => {
  const { file, key } = packaged(ctx);
  await restoreFromPackage(ctx, file, key, as);
});

/**
 * Pre-upgrade validation: restores the latest artifact onto another flavor (a newer server), runs its upgrade,
 * and verifies. Data (CHECK TABLE, CHECKSUM TABLE) must be unchanged; objects must all be there; definitions the
 * upgrade rewrote are reported apart (observation "upgrade changed"), not as data loss.
 */
export const restoreOnto = (as: string, flavorId: FlavorId): Step => step(`restore the latest artifact onto ${flavorId} as ${as}, upgrade, verify`, async (ctx) => {
  const a = latest(ctx);
  const target = await withFlavor(ctx.tctx, flavorId);
  const restore = a.manifest.method === 'logical' ? restoreLogical : restorePhysical;
  const r = await restore(target, a.dir, { name: as, serverId: 100 + ctx.topo.nextServerId(), readOnly: true });
  ctx.topo.add(r.node);
  const t0 = Date.now();
  const upgrade = r.node.adapter.upgrade.length ? (await r.node.exec(r.node.adapter.upgrade, { timeoutMs: 30 * 60_000 })).stdout.trim().split('\n').slice(-3) : ['(upgrades itself at start)'];
  const snap = await takeSnapshot(r.node, a.manifest.snapshot.databases);
  const [health, checksums, objects] = compareSnapshots(a.manifest.snapshot, snap);
  ctx.checks.push({ ...health!, name: `${as}-check-table` }, { ...checksums!, name: `${as}-checksum-table` });
  const diffs = (objects!.details['differences'] as Difference[]) ?? [];
  const rewritten = diffs.filter((d) => d.kind.endsWith('-definition-differs'));
  ctx.checks.push(check(`${as}-schema-objects-all-present`, diffs.filter((d) => !d.kind.endsWith('-definition-differs')), { objectsCompared: objects!.details['objectsCompared'] }));
  ctx.checks.push(gtidPositionsEqual(r.node.adapter.gtid, a.manifest.position.gtid, await gtidReplicaPos(r.node), `${as}-gtid-equals-manifest`));
  const [ver] = await r.node.query<{ v: string }>(r.node.adapter.dialect.version());
  ctx.observations[`upgrade changed (${as})`] = {
    from: a.manifest.serverVersion, to: ver?.v, method: a.manifest.method, upgradeMs: Date.now() - t0, upgradeOutput: upgrade,
    definitionsRewritten: rewritten.map((d) => ({ object: `${d.database}.${d.object}`, kind: d.kind, where: d.where, before: d.expected, after: d.actual })),
  };
});

/**
 * The seed's catch-up (mysqlbackup.py): rebuild a lost node from the latest artifact under a temporary server id,
 * catch up from each reachable peer (default: each of its sources, on its channel) in turn until less than one second behind it, stop, and start the ready datadir
 * as the node it was (its own server id). Checks that nothing was written under the temporary identity and that
 * the node holds everything every peer has.
 */
export const rebuildWithCatchUp = (node: string, peers?: readonly string[]): Step => step(`rebuild ${node} from the latest backup with a temporary server id, catching up from ${peers?.join(', ') ?? 'each of its sources'}`, async (ctx) => {
  const a = latest(ctx);
  const temporaryServerId = 4000 + ctx.topo.nextServerId();
  // Named peers, one after the other on the default channel; or the node's own sources, each on its channel.
  const list = peers ? peers.map((p) => ({ node: ctx.topo.get(p) })) : ctx.topo.sourcesOf(node).map((l) => ({ node: l.source, channel: l.channel }));
  const r = await restoreAndCatchUp(ctx.tctx, a.dir, ctx.topo.specOf(node), list, ctx.tctx.creds, temporaryServerId);
  ctx.topo.add(r.node);
  ctx.observations[`catch-up rebuild ${node}`] = { artifact: a.manifest.id, backupGtid: a.manifest.position.gtid, ...r, node: undefined };
  ctx.checks.push(wroteNothingAs(r.node.adapter.gtid, node, await gtidWritten(r.node), r.temporaryIdentity));
  // The ready datadir, restarted as itself, still holds what each peer had when its catch-up ended (the peers may
  // have written on since: the node follows its sources again afterwards).
  ctx.checks.push(coversEvery(r.node.adapter.gtid, node, r.finalGtid, r.peers.map((p) => ({ name: p.peer, gtid: p.reachedGtid }))));
});

/** A DBA points the node at its source(s) again by GTID (e.g. after the primary was rebuilt) and it catches up. */
export const reattachToSources = (node: string): Step => step(`${node} follows its source(s) again`, async (ctx) => {
  await attachToSources(ctx.topo, ctx.topo.get(node));
});

/** The application writes again, to whatever node now has each primary's name (e.g. a rebuilt primary). */
export const resumeWorkload = (): Step => step('resume the write workload', async (ctx) => {
  for (const [name, w] of ctx.workloads) { w.moveTo(ctx.topo.get(name)); w.start(); }
});
