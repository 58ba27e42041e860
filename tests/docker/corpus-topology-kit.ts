import type { FlavorId } from '../../harness/core/index.js';
import { waitUntil } from '../../harness/exec/index.js';
import {
  galeraState,
  openTopologyContext,
  RunContext,
  startTopology,
  waitCaughtUp,
  type StartedNode,
} from '../../harness/runtime/index.js';
import {
  accountMutation,
  definitionMutation,
  grantMutation,
  rowMutation,
  type Corpus,
  type Mutation,
} from '../../harness/sql/corpus/index.js';
import { datasetSource, loadDataset, planDataset } from '../../harness/workload/index.js';
import {
  compareAccounts,
  compareServers,
  databasesInScope,
  describePathLimits,
  galeraPathLimits,
  judgeNotCarried,
  type CheckResult,
  type PathLimit,
} from '../../harness/verify/index.js';
import { applyMutations, mutationsOf, withCorpusPlugins } from './corpus-kit.js';
import type { Diff } from './corpus-known-findings.js';
import { quiet } from './helpers.js';

/**
 * The corpus through the topologies beside plain replication: a multi-source fan-in (two sources, each with its own
 * corpus; the fan-in replica must equal their union) and a 3-node Galera cluster (the corpus loaded on one member;
 * what Galera does not replicate is named before the comparison and judged as "not carried").
 */

const load = async (node: StartedNode, file: string) => loadDataset(node, await planDataset(datasetSource(file)));
export interface FanInResult {
  /** Per source: the fan-in compared with it on its own databases and accounts. */
  equal: Array<{ source: string; checks: CheckResult[] }>;
  /** Databases of the fan-in that neither source has (the union must be exact). */
  strayDatabases: string[];
  /** After source a's four mutations applied on the fan-in alone. */
  mutated: Array<{ source: string; checks: CheckResult[] }>;
  muts: Mutation[];
}

/**
 * Fan-in: corpus `a` loaded on primary-a, corpus `b` on primary-b, both replicated into one fan-in replica (its own
 * GTID domain each on MariaDB, a channel each on MySQL). The fan-in is compared with each source on that source's
 * databases, its accounts with the union of both sources' (what it must hold); then a's mutations, made on the fan-in
 * alone, must be named against a; the databases of b stay equal.
 */
export async function fanInPath(
  flavor: FlavorId,
  a: { file: string; corpus: Corpus },
  b: { file: string; corpus: Corpus },
): Promise<FanInResult> {
  const run = new RunContext();
  try {
    // both sources' accounts' plugins loaded on every node
    const both = { ...a.corpus, accounts: [...a.corpus.accounts, ...b.corpus.accounts] };
    const ctx = withCorpusPlugins(await openTopologyContext(run, flavor, quiet), both);
    const topo = await startTopology(ctx, {
      kind: 'multi-source',
      sources: [
        { name: 'primary-a', ledgerDb: 'fd_a', gtidDomainId: 1 },
        { name: 'primary-b', ledgerDb: 'fd_b', gtidDomainId: 2 },
      ],
      replicas: [{ name: 'fanin' }],
    });
    const [pa, pb] = [topo.get('primary-a'), topo.get('primary-b')];
    const fanin = topo.get('fanin');
    await Promise.all([load(pa, a.file), load(pb, b.file)]);
    await waitCaughtUp(fanin, pa);
    await waitCaughtUp(fanin, pb);
    const own = [ctx.creds.admin, ctx.creds.repl];
    const halves = [
      { source: 'primary-a', node: pa, corpus: a.corpus, other: pb },
      { source: 'primary-b', node: pb, corpus: b.corpus, other: pa },
    ];
    // as the multi-source drills' equalsPrimary compares: each source on its own databases, its accounts united with
    // the other source's (F20)
    const compare = () =>
      Promise.all(
        halves.map(async (h) => ({
          source: h.source,
          checks: [
            ...(await compareServers(h.node, fanin, { databases: h.corpus.databases, excludeAccounts: own, accounts: false })),
            await compareAccounts([h.node, h.other], fanin, own),
          ],
        })),
      );
    const equal = await compare();
    const union = new Set([...a.corpus.databases, ...b.corpus.databases]);
    const strayDatabases = (await databasesInScope(fanin)).filter((d) => !union.has(d));
    const muts = mutationsOf(a.corpus);
    await fanin.query({ sql: 'SET SESSION sql_log_bin = 0' });
    await applyMutations(fanin, muts);
    return { equal, strayDatabases, mutated: await compare(), muts };
  } finally {
    await run.teardown();
  }
}

/**
 * What the Galera path found (docs/corpus-findings.md): F22, a PROXY grant made on the loading member is missing on
 * the others (their appliers refuse it: a server behaviour, explained by the rule proxy-grant-not-applied-by-galera-peer,
 * a warning). Each finding's test fails while the difference is reported unexplained.
 */
export const GALERA_FINDINGS = [
  {
    id: 'F22',
    title: 'a GRANT PROXY made on one Galera member is missing on the others (the account itself is there)',
    shows: (d: Diff) =>
      d.kind === 'grants-differ' &&
      Array.isArray(d.expected) &&
      d.expected.length > 0 &&
      d.expected.every((g) => /^GRANT PROXY ON /.test(String(g))) &&
      Array.isArray(d.actual) &&
      d.actual.length === 0,
  },
];

/**
 * What the fan-in path found: F23 (MySQL 9.7), a routine whose name is not ASCII reads on the fan-in under another name
 * (its UTF-8 bytes read as latin1 once more: MySQL Bug #59124, any MySQL replica, explained by the rule
 * routine-name-binlogged-in-utf8-under-client-charset, a warning): missing under its name, unexpected under the other.
 */
export const FANIN_FINDINGS = [
  {
    id: 'F23',
    title: "a routine with a non-ASCII name reads on the fan-in with its name's bytes read as latin1 (MySQL 9.7)",
    shows: (d: Diff) => /^(function|procedure)-(missing|unexpected)$/.test(String(d.kind)) && /[^ -~]/.test(String(d.object)),
  },
];

export interface GaleraResult {
  /** What the path does not carry, said before the comparison (the lines a user reads, and the tables). */
  said: string[];
  limits: PathLimit[];
  /** Per other member: the comparison with the loading member, judged without the rows not carried. */
  equal: Array<{ member: string; checks: CheckResult[] }>;
  /** After one changed row of an InnoDB table, a view, an account and a grant on galera-3 alone (wsrep off). */
  mutated: CheckResult[];
  muts: Mutation[];
}

/** The mutations of a Galera member: the row one on an InnoDB table (whose rows Galera carries). */
const galeraMutationsOf = (c: Corpus): Mutation[] =>
  [
    rowMutation({ ...c, tables: c.tables.filter((t) => t.engine === 'InnoDB') }),
    definitionMutation(c),
    accountMutation(c),
    grantMutation(c),
  ].filter((m): m is Mutation => m !== null);

/**
 * Galera: the dump loaded on galera-1 of a 3-node cluster (rsync SST); once every member has committed the same
 * seqno, the limits of the path are read from galera-1 (engines, wsrep_mode) and said; galera-2 and galera-3 are
 * compared with galera-1, judged without those tables' rows. Then the four mutations, on galera-3 alone, must each be named.
 */
export async function galeraPath(flavor: FlavorId, file: string, corpus: Corpus): Promise<GaleraResult> {
  const run = new RunContext();
  try {
    const ctx = withCorpusPlugins(await openTopologyContext(run, flavor, quiet, { fixedSubnet: true }), corpus);
    const members = ['galera-1', 'galera-2', 'galera-3'];
    const topo = await startTopology(ctx, { kind: 'galera', members, writeNode: 'galera-1', sst: 'rsync' });
    const [g1, ...rest] = members.map((m) => topo.get(m));
    await load(g1!, file);
    await waitUntil(
      () => Promise.all(topo.members.map(async (n) => (await galeraState(n)).lastCommitted)),
      (seqs) => seqs.every((s) => s === seqs[0]),
      { what: 'every member to reach the same wsrep_last_committed', timeoutMs: 120_000, intervalMs: 250 },
    );
    const limits = await galeraPathLimits(g1!);
    const said = describePathLimits(limits);
    // members of one cluster are peers: the rules that hold between peers apply (F22's PROXY grant)
    const exclude = { excludeAccounts: [ctx.creds.admin, ctx.creds.repl], peers: true };
    const equal = [];
    for (const n of rest) equal.push({ member: n.name, checks: judgeNotCarried(await compareServers(g1!, n, exclude), limits) });
    const g3 = topo.get('galera-3');
    const muts = galeraMutationsOf(corpus);
    await g3.query({ sql: 'SET SESSION wsrep_on = OFF' });
    await applyMutations(g3, muts);
    const mutated = judgeNotCarried(await compareServers(g1!, g3, exclude), limits);
    return { said, limits, equal, mutated, muts };
  } finally {
    await run.teardown();
  }
}
