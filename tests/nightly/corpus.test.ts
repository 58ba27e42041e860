import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FlavorId } from '../../harness/core/index.js';
import { reportsDir } from '../../harness/runtime/index.js';
import type { Corpus } from '../../harness/sql/corpus/index.js';
import { corpusArb, corpusFor } from '../../harness/workload/corpus/index.js';
import {
  corpusToJson,
  physicalBackup,
  pluginsConfigFile,
  replicationPath,
  restoreTest,
  teamServer,
  unnamed,
  wholeServerDump,
  writeDump,
} from '../docker/corpus-kit.js';
import { diffsOf, unexplained } from '../docker/corpus-known-findings.js';

/**
 * The corpus with a fresh seed (printed; FIREDRILL_CORPUS_SEED replays one) through replication and the restore-test
 * of the physical backup and of a whole-server dump, on each flavor (FIREDRILL_CORPUS_FLAVORS, default all four),
 * within FIREDRILL_CORPUS_BUDGET_MIN minutes in all (default 60), shared equally by the flavors. A corpus that
 * shows a false alarm or a blind spot no open finding explains shrinks (fast-check) to a minimal schema, written to
 * reports/corpus/<flavor>-<seed>.json as a regression case to add to fixtures/corpus/regressions.json.
 *
 * The budget is a deadline checked before each corpus (and each shrink candidate) starts: past it, the rest are
 * not judged (the count of judged corpora is printed; none judged is a skipped test), never reported as held. A corpus already under way runs to its end, so a flavor may overrun its share by one corpus
 * (a few minutes). fast-check's own `interruptAfterTimeLimit` is not used: it abandons the corpus under way (its
 * containers and its Docker work go on beside the next flavor's) and reports a run interrupted before any corpus ended
 * as a failure without a counterexample.
 */
const FLAVORS = (process.env['FIREDRILL_CORPUS_FLAVORS'] ?? 'mariadb-10.5,mariadb-10.11,mariadb-11.8,mysql-9.7').split(',') as FlavorId[];
const budgetMs = Number(process.env['FIREDRILL_CORPUS_BUDGET_MIN'] ?? 60) * 60_000;
const seed = Number(process.env['FIREDRILL_CORPUS_SEED'] ?? Date.now() % 2 ** 31);

/** What a draw past the budget is: no corpus (tables empty), never judged. */
const PAST_BUDGET: Corpus = Object.freeze({ ...corpusFor('mariadb-10.11', 0, { rows: 0 }), tables: [] });

/** What one corpus shows on one flavor: the problems no open finding explains (empty: it holds). */
async function problems(flavor: FlavorId, c: Corpus): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), 'fd-corpus-nightly-'));
  try {
    const file = await writeDump(c, dir);
    const rep = await replicationPath(flavor, file, c);
    const out = [
      ...unexplained(diffsOf(rep.equal), c).map((d) => `replication false alarm: ${JSON.stringify(d)}`),
      ...unnamed(
        rep.muts,
        rep.mutated.filter((x) => !x.valid),
      ).map((m) => `replication blind spot: ${m.kind} ${m.names}`),
    ];
    const team = await teamServer(flavor, file, c);
    try {
      const state = join(dir, 'state.json');
      await team.snapshot(state);
      for (const [path, artifact] of [
        ['physical backup', await physicalBackup(team, dir, 'full')],
        ['whole-server dump', await wholeServerDump(team, dir, 'all.sql')],
      ] as const) {
        const r = await restoreTest(flavor, artifact, state, await pluginsConfigFile(c, dir));
        if (!r.result) out.push(`${path}: restore-test could not run: ${r.stderr.slice(-500)}`);
        else out.push(...unexplained(diffsOf(r.result.checks), c).map((d) => `${path}: false alarm: ${JSON.stringify(d)}`));
      }
    } finally {
      await team.run.teardown();
    }
    return out;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The problems, where a path that throws (could not run) is a problem of this corpus too, shrunk like the others. */
const problemsOrError = (flavor: FlavorId, c: Corpus) =>
  problems(flavor, c).catch((e: unknown) => [`a path could not run: ${e instanceof Error ? e.message : String(e)}`]);

describe('the generated corpus, fresh seed, shrinking', () => {
  for (const flavor of FLAVORS) {
    it(`${flavor}: no false alarm and no blind spot on random corpora (seed ${seed})`, async (ctx) => {
      console.log(`corpus nightly: seed ${seed} on ${flavor} (FIREDRILL_CORPUS_SEED=${seed} replays it)`);
      const deadline = Date.now() + budgetMs / FLAVORS.length;
      let judged = 0;
      let failing = 0;
      // Past the budget the draws are a stand-in, never judged and cheap to make: fast-check still goes through its
      // numRuns (a precondition would make it draw up to numRuns × maxSkipsPerRun generated corpora, then report the
      // check failed without a counterexample, F38). Before the budget the corpora are exactly corpusArb's for the seed.
      const drawn = fc.constant(null).chain(() => (Date.now() < deadline ? corpusArb(flavor) : fc.constant(PAST_BUDGET)));
      const r = await fc.check(
        fc.asyncProperty(drawn, async (c) => {
          if (c === PAST_BUDGET || Date.now() >= deadline) return true; // not judged: the count below says how many were
          const t0 = Date.now();
          const found = await problemsOrError(flavor, c);
          judged++;
          if (found.length) failing++;
          console.log(
            `corpus nightly: ${flavor}: corpus ${judged} (${c.tables.length} tables) in ${Math.round((Date.now() - t0) / 1000)} s: ${found.length ? `${found.length} problems: ${found.join(' | ').slice(0, 600)}` : 'holds'}`,
          );
          return found.length === 0;
        }),
        { seed, numRuns: 1000, endOnFailure: false },
      );
      console.log(
        `corpus nightly: ${flavor}: ${judged} corpora judged (${failing} failing, ${r.numShrinks} shrinks)${Date.now() >= deadline ? ' (budget reached)' : ''}`,
      );
      if (judged === 0 && !r.failed)
        ctx.skip(`no corpus was judged within the budget (${budgetMs / FLAVORS.length / 60_000} min for ${flavor})`);
      if (r.failed && !r.counterexample)
        expect.fail(`seed ${seed}: the check failed without a counterexample: ${r.errorInstance ?? 'no error'}`);
      if (r.failed) {
        const [minimal] = r.counterexample as [Corpus];
        const out = join(reportsDir, 'corpus', `${flavor}-${seed}.json`);
        await mkdir(join(reportsDir, 'corpus'), { recursive: true });
        const entry = {
          id: `${flavor}-${seed}`,
          flavor,
          note: (await problemsOrError(flavor, minimal)).join('\n'),
          corpus: JSON.parse(corpusToJson(minimal)),
        };
        await writeFile(out, `${JSON.stringify(entry, null, 2)}\n`);
        expect.fail(
          `seed ${seed}: a corpus shrunk to ${minimal.tables.map((t) => t.kind).join(' ')} fails; the regression case is in ${out}:\n${entry.note}`,
        );
      }
    });
  }
});
