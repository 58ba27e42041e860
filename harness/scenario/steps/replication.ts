import { waitUntil } from '../../exec/index.js';
import { gtidExecuted, gtidReplicaPos, replicaStates } from '../../runtime/replication.js';
import { attachToSources } from '../../runtime/topology.js';
import { inspect, workloadSql } from '../../sql/index.js';
import {
  check,
  compareServers,
  databasesInScope,
  errantTransactions,
  ledgerCheck,
  noErrantTransactions,
  presentLedgerIds,
} from '../../verify/index.js';
import { checkName, observationName } from '../names.js';
import type { Step } from '../types.js';
import { catchUpAll, harnessAccounts, plantedDefect, step, withNodes } from './common.js';

/** The node's replication threads run without error and it reaches its sources' positions (server-side wait). */
export const expectReplicating = (node: string, timeoutS = 120): Step =>
  withNodes(
    { uses: [node] },
    step(`${node} resumes replication`, async (ctx) => {
      const n = ctx.topo.get(node);
      const before = await gtidReplicaPos(n);
      const primaryAt = await gtidExecuted(ctx.topo.primary);
      const caught = await catchUpAll(ctx, node, timeoutS).then(
        (r) => ({ ok: true as const, sources: r }),
        (e: Error) => ({ ok: false as const, error: e.message }),
      );
      // Just after START REPLICA the IO thread may still be "Connecting" though nothing is missing: poll, then judge.
      const running = (st: Awaited<ReturnType<typeof replicaStates>>) =>
        st.length > 0 && st.every((s) => s.ioRunning === 'Yes' && s.sqlRunning === 'Yes');
      const states = await waitUntil(() => replicaStates(n), running, {
        what: `${node}'s replication threads to run`,
        timeoutMs: 30_000,
        intervalMs: 200,
      }).catch(() => replicaStates(n));
      const diffs = states.flatMap((s) => [
        ...(s.ioRunning !== 'Yes'
          ? [{ database: '*', object: node, kind: 'io-thread-not-running', actual: s.ioRunning, where: s.lastIoError }]
          : []),
        ...(s.sqlRunning !== 'Yes'
          ? [{ database: '*', object: node, kind: 'sql-thread-not-running', actual: s.sqlRunning, where: s.lastSqlError }]
          : []),
      ]);
      if (!caught.ok) diffs.push({ database: '*', object: node, kind: 'did-not-catch-up', actual: caught.error, where: '' });
      ctx.checks.push(
        check(checkName.resumesReplication(node), diffs, { positionAfterRestart: before, primaryPosition: primaryAt, catchUp: caught }),
      );
    }),
  );

/** Attaches the node to each of its sources by GTID and waits (server-side) until it has everything they have. */
export const catchUpFromSources = (node: string, timeoutS = 300): Step =>
  withNodes(
    { uses: [node] },
    step(`${node} catches up from its sources`, async (ctx) => {
      if (plantedDefect('restore-skips-binlogs')) {
        // TEST-ONLY planted defect (chaos must find it): the restored node adopts the primary's position of now, so it
        // skips every transaction written between its backup and this moment (MariaDB; a no-op on MySQL).
        const n = ctx.topo.get(node);
        for (const s of n.adapter.dialect.adoptReplicaPosition(await gtidExecuted(ctx.topo.primary))) await n.query(s);
      }
      await attachToSources(ctx.topo, ctx.topo.get(node));
      ctx.observations[observationName.catchUp(node)] = await catchUpAll(ctx, node, timeoutS);
    }),
  );

/** A DBA points the node at its source(s) again by GTID (e.g. after the primary was rebuilt) and it catches up. */
export const reattachToSources = (node: string): Step =>
  withNodes(
    { uses: [node] },
    step(`${node} follows its source(s) again`, async (ctx) => {
      await attachToSources(ctx.topo, ctx.topo.get(node));
    }),
  );

/**
 * The node equals its source(s): every schema object and every row (checksums, chunked fingerprints). With
 * several sources, each is compared over its own databases: the node must hold the union of its sources.
 */
export const equalsPrimary = (node: string): Step =>
  withNodes(
    { uses: [node] },
    step(`${node} equals its source(s)`, async (ctx) => {
      const links = ctx.topo.sourcesOf(node);
      for (const l of links) {
        const databases = links.length > 1 ? await databasesInScope(l.source) : undefined;
        const source = links.length > 1 ? l.source.name : 'primary';
        // a fan-in holds every source's accounts: each source's united with the others' is expected (F20)
        const others = links.filter((o) => o !== l).map((o) => o.source);
        const opts = { databases, excludeAccounts: harnessAccounts(ctx), accountsAlsoFrom: others };
        for (const c of await compareServers(l.source, ctx.topo.get(node), opts))
          ctx.checks.push({ ...c, name: checkName.equalsSource(node, c.name, source) });
      }
    }),
  );

/** Every acknowledged write of every source's ledger is on the node, and nothing the clients did not write. */
export const ledgerHolds = (node: string): Step =>
  withNodes(
    { uses: [node] },
    step(`ledger holds on ${node}`, async (ctx) => {
      for (const [name, w] of ctx.workloads) {
        const label = ctx.workloads.size > 1 ? checkName.ledgerOf(node, name) : checkName.ledger(node);
        ctx.checks.push(ledgerCheck(label, w.ledger, await presentLedgerIds(ctx.topo.get(node), w.db)));
      }
    }),
  );

/** The node's GTID position covers everything each source has written. */
export const gtidCoversSources = (node: string): Step =>
  withNodes(
    { uses: [node] },
    step(`${node}'s GTID position covers every source`, async (ctx) => {
      const n = ctx.topo.get(node);
      const pos = await gtidReplicaPos(n);
      const diffs = [];
      for (const l of ctx.topo.sourcesOf(node)) {
        const s = await gtidExecuted(l.source);
        if (!n.adapter.gtid.contains(pos, s))
          diffs.push({ database: '*', object: node, kind: 'gtid-not-covered', where: l.source.name, expected: s, actual: pos });
      }
      ctx.checks.push(check(checkName.gtidCoversEverySource(node), diffs, { position: pos }));
    }),
  );

/**
 * The fault really cut replication: polled over the node's local socket (it may be unreachable over the
 * network) until its IO thread is no longer running, or the timeout. Records what was seen and when.
 */
export const replicationInterrupted = (node: string, timeoutS = 60): Step =>
  withNodes(
    { uses: [node] },
    step(`${node}'s replication notices the fault`, async (ctx) => {
      const n = ctx.topo.get(node);
      const t0 = Date.now();
      const seen = await waitUntil(
        async () => (await n.localQuery(n.adapter.dialect.replicaStatus())).map(n.adapter.replicaState),
        (st) => st.length > 0 && st.every((s) => s.ioRunning !== 'Yes'),
        { what: `${node}'s IO thread to stop running`, timeoutMs: timeoutS * 1000, intervalMs: 250 },
      ).then(
        (v) => ({ ok: true, v }),
        (e: Error) => ({ ok: false, v: e.message }),
      );
      ctx.checks.push(
        check(
          checkName.replicationInterruptedByFault(node),
          seen.ok ? [] : [{ database: '*', object: node, kind: 'fault-had-no-effect', actual: seen.v }],
          { afterMs: Date.now() - t0, state: seen.v },
        ),
      );
    }),
  );

/**
 * Someone switches read_only off on a replica and an application writes there (seed "ten rules": never write to a
 * replica). The write goes to the table the `errantTable` parameter names (`db.table`: its row with the highest
 * one-column primary key is deleted), or by default (`auto`) a row is added to firedrill's own target table.
 */
export const errantWriteOn = (node: string): Step =>
  withNodes(
    { uses: [node] },
    step(`errant write on ${node}`, async (ctx) => {
      const n = ctx.topo.get(node);
      const d = n.adapter.dialect;
      const target = String(ctx.params['errantTable'] ?? 'auto');
      let write = workloadSql.errantWrite(ctx.own.targets);
      if (target !== 'auto') {
        const [db, table] = target.split('.') as [string, string];
        const pk = (await n.query<{ name: string }>(inspect.primaryKeyColumns(db, table))).map((r) => r.name);
        if (pk.length !== 1)
          throw new Error(`errantTable ${target}: needs a one-column primary key (has ${pk.length ? pk.join(', ') : 'none'})`);
        write = workloadSql.errantDelete(db, table, pk[0]!);
      }
      await n.query(d.setReadOnly(false));
      try {
        await n.query(write);
      } finally {
        await n.query(d.setReadOnly(true));
      }
      ctx.observations[observationName.errantWrite(node)] = { statement: write.sql };
    }),
  );

/** GTID comparison finds the replica's own transactions and names them. */
export const detectErrant = (node: string): Step =>
  withNodes(
    { uses: [node] },
    step(`detect errant transactions on ${node}`, async (ctx) => {
      const n = ctx.topo.get(node);
      const e = await errantTransactions(n, ctx.topo.primary);
      const [me] = await n.query<{ w: string }>(n.adapter.dialect.gtidWriterIdentity());
      const ours = e.writers.length > 0 && e.writers.every((w) => w === String(me?.w));
      ctx.observations[observationName.errant(node)] = e;
      ctx.checks.push(
        check(
          checkName.errantTransactionDetected(node),
          ours ? [] : [{ database: '*', object: node, kind: 'errant-transaction-not-detected', actual: e }],
          { errantGtids: e.errant, writers: e.writers },
        ),
      );
    }),
  );

/** The replica holds no transaction the primary lacks. */
export const noErrant = (node: string): Step =>
  withNodes(
    { uses: [node] },
    step(`${node} has no errant transactions`, async (ctx) => {
      ctx.checks.push(await noErrantTransactions(ctx.topo.get(node), ctx.topo.primary));
    }),
  );

/** Only the primary is left. */
export const primaryStandsAlone = (): Step =>
  step('the primary stands alone', async (ctx) => {
    const left = ctx.topo.all().map((n) => n.name);
    ctx.checks.push(
      check(
        checkName.primaryStandsAlone,
        left.length === 1 && left[0] === 'primary' ? [] : [{ database: '*', object: 'topology', kind: 'nodes-left', actual: left }],
      ),
    );
    ctx.observations[observationName.nodesAfterTheFailures] = left;
  });
