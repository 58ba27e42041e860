import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FLAVORS, UsageError, type FlavorId } from '../../harness/core/index.js';
import { refusePathLimits } from '../../harness/scenario/limits.js';
import { mangledName } from '../../harness/verify/equivalence.js';
import galeraDef from '../../scenarios/galera-partition.js';
import { datasetSource, planDataset } from '../../harness/workload/index.js';
import type { Corpus } from '../../harness/sql/corpus/index.js';
import { corpusFor } from '../../harness/workload/corpus/index.js';
import { expectEachMutationNamed, writeDump } from '../docker/corpus-kit.js';
import { diffsOf, unexplained, type Diff } from '../docker/corpus-known-findings.js';
import {
  FANIN_FINDINGS,
  fanInPath,
  GALERA_FINDINGS,
  galeraPath,
  type FanInResult,
  type GaleraResult,
} from '../docker/corpus-topology-kit.js';

/**
 * The generated corpus (fixed seeds, like corpus-paths) through a multi-source fan-in and a Galera cluster, the three
 * properties each: no false alarm on equal copies, one mutation caught and named, and what the path does not carry
 * named before the comparison (Galera: the rows of every table that is not InnoDB, with the default wsrep_mode), those
 * tables judged as not carried. Fan-in: source a holds seed A's corpus, source b seed B's (each its own databases
 * and accounts); the fan-in must equal their union (its accounts compared as the multi-source drills do: F20). Nightly: a few minutes a flavor.
 */
const SEED_A = 20261206;
const SEED_B = 20261207;

const failing = (checks: readonly { name: string; valid: boolean; details: Record<string, unknown> }[]) => diffsOf(checks);
/** What the comparison rules explained in these checks (rule id, expected, actual). */
const explainedBy = (checks: readonly { details: Record<string, unknown> }[], rule: string) =>
  checks
    .flatMap((c) => (c.details['explained'] as Array<{ rule: string; expected?: unknown; actual?: unknown }> | undefined) ?? [])
    .filter((e) => e.rule === rule);

describe.each(['mariadb-10.11', 'mariadb-11.8', 'mysql-9.7'] as FlavorId[])('the corpus through a fan-in on %s', (flavor) => {
  let dir: string;
  let r: FanInResult;
  let corpusA: Corpus;
  let corpusB: Corpus;
  /** Every difference the equal copies showed (for the findings' own tests). */
  const seen: Diff[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fd-fanin-'));
    // the regression cases stay out (they are corpus-paths'): each source holds its own corpus only
    [corpusA, corpusB] = [SEED_A, SEED_B].map((s) => corpusFor(flavor, s, { cover: true, rows: 4 })) as [Corpus, Corpus];
    // the two corpora must not share a database or an account: the fan-in would stop on the second one
    expect(corpusB.databases.filter((d) => corpusA.databases.includes(d))).toEqual([]);
    expect(corpusB.accounts.filter((b) => corpusA.accounts.some((a) => a.user === b.user))).toEqual([]);
    const a = { file: await writeDump(corpusA, dir, 'corpus-a.sql'), corpus: corpusA };
    r = await fanInPath(flavor, a, { file: await writeDump(corpusB, dir, 'corpus-b.sql'), corpus: corpusB });
  }, 15 * 60_000);
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("no false alarm: the fan-in equals each source on its own databases, holds the union of both sources' accounts and no other database", () => {
    for (const h of r.equal) {
      const d = failing(h.checks);
      seen.push(...d);
      const open = unexplained(d, h.source === 'primary-a' ? corpusA : corpusB).filter((x) => !FANIN_FINDINGS.some((f) => f.shows(x)));
      expect(open, h.source).toEqual([]);
    }
    expect(r.strayDatabases).toEqual([]);
  });

  it("no blind spot: source a's changed row, view, account and grant (on the fan-in alone) are each named; b's databases stay equal", () => {
    const [ma, mb] = r.mutated;
    expectEachMutationNamed({ muts: r.muts, mutated: ma!.checks });
    // the accounts are the union (a's changed account shows against b too); b's objects and rows are untouched
    const open = unexplained(failing(mb!.checks.filter((c) => c.name !== 'accounts')), corpusB);
    expect(open.filter((x) => !FANIN_FINDINGS.some((f) => f.shows(x)))).toEqual([]);
  });

  describe('findings of the fan-in path (docs/corpus-findings.md): each test fails while its finding is reported unexplained', () => {
    for (const f of FANIN_FINDINGS) {
      it(`${f.id}: ${f.title}`, () => {
        expect(seen.filter((d) => f.shows(d))).toEqual([]);
      });
    }
    it('F23: each routine the fan-in holds under a mangled name is explained as such (its name read as latin1 once more), nothing else', () => {
      const rule = explainedBy(
        r.equal.flatMap((h) => h.checks),
        'routine-name-binlogged-in-utf8-under-client-charset',
      );
      for (const e of rule) expect(e.actual).toBe(mangledName(String(e.expected), 'windows-1252'));
      // MariaDB replicates the name right: the rule never applies there
      if (flavor !== 'mysql-9.7') expect(rule).toEqual([]);
    });
  });
});

describe.each((['mariadb-10.11', 'mariadb-11.8'] as FlavorId[]).filter((f) => FLAVORS[f].galera))(
  'the corpus through Galera on %s',
  (flavor) => {
    let dir: string;
    let r: GaleraResult;
    let loaded: Corpus;
    /** Every difference the equal members showed (for the findings' own tests). */
    const seen: Diff[] = [];

    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'fd-galera-corpus-'));
      // F21: a sequence with a CACHE does not load into Galera (ERROR 1235 'CACHE without INCREMENT BY 0 in Galera
      // cluster'): the corpus's sequences (and the regression cases, R2 has one) stay out of this path
      const all = corpusFor(flavor, SEED_A, { cover: true, rows: 4 });
      loaded = { ...all, tables: all.tables.filter((t) => t.kind !== 'sequence') };
      r = await galeraPath(flavor, await writeDump(loaded, dir), loaded);
    }, 15 * 60_000);
    afterAll(async () => {
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it('limits named ahead: every table of the corpus that is not InnoDB is said, before the comparison, as not carried by Galera', () => {
      const notInnodb = loaded.tables.filter((t) => t.engine !== 'InnoDB').map((t) => `${t.db}.${t.name}`);
      expect(notInnodb.length).toBeGreaterThan(0);
      expect(r.limits.map((l) => l.table).sort()).toEqual([...notInnodb].sort());
      expect(r.said.join('\n')).toMatch(/^limit of the path: Galera replicates the rows of InnoDB tables only/);
    });

    it('no false alarm: galera-2 and galera-3 equal galera-1, the tables not carried listed as such (a warning, not a failure)', () => {
      for (const m of r.equal) {
        const d = failing(m.checks);
        seen.push(...d);
        expect(
          unexplained(d, loaded).filter((x) => !GALERA_FINDINGS.some((f) => f.shows(x))),
          m.member,
        ).toEqual([]);
        const data = m.checks.find((c) => c.name === 'data')!;
        expect((data.details['notCarried'] as unknown[]).length).toBe(r.limits.length);
      }
    });

    it('no blind spot: a changed row of an InnoDB table, a view, an account and a grant on galera-3 alone are each named', () => {
      expectEachMutationNamed(r);
    });

    describe('findings of the Galera path (docs/corpus-findings.md): each test fails while its finding is reported unexplained', () => {
      for (const f of GALERA_FINDINGS) {
        it(`${f.id}: ${f.title}`, () => {
          expect(seen.filter((d) => f.shows(d))).toEqual([]);
        });
      }
      it("F22: on each peer, exactly the corpus's PROXY grants are explained as not applied by the peer (a warning)", () => {
        const proxies = loaded.accounts.filter((a) => a.kind === 'proxy');
        for (const m of r.equal) {
          const e = explainedBy(m.checks, 'proxy-grant-not-applied-by-galera-peer');
          expect(e.map((x) => String(x.expected)).sort(), m.member).toEqual(
            proxies.map((a) => expect.stringMatching(new RegExp(`^GRANT PROXY ON .* TO [\`']${a.user}[\`']@`))),
          );
        }
      });
      it('F21, limits named ahead: a Galera drill planned on the whole corpus (its sequences included) is refused before anything starts, naming each sequence', async () => {
        const all = corpusFor(flavor, SEED_A, { cover: true, rows: 4 });
        const seqs = all.tables.filter((t) => t.kind === 'sequence').map((t) => `${t.db}.${t.name}`);
        expect(seqs.length).toBeGreaterThan(0);
        const dataset = await planDataset(datasetSource(await writeDump(all, dir, 'corpus-all.sql')));
        const refusal = (() => {
          try {
            refusePathLimits(galeraDef, dataset);
            return '';
          } catch (e) {
            return e instanceof UsageError ? e.message : `not a usage error: ${String(e)}`;
          }
        })();
        expect(refusal).toMatch(/Galera cluster refuses CREATE SEQUENCE with a CACHE/);
        for (const q of seqs) expect(refusal).toContain(`${q} (INCREMENT BY`);
      });
    });
  },
);
