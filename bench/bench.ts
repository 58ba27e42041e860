// firedrill's speed and memory targets, as ratios against the physical work each step stands for, measured in one
// run on the same data (absolute times on a shared machine say little; a ratio measured back to back does).
// Usage: npm run bench [-- --4gb] [--sizes 100,1000] [--flavor mariadb-10.11] [--reps 3] [--no-suite] [--only s3,…]
// Exits 1 when a target is missed (or a drill fails), 2 on bad input. Writes reports/bench-<time>.json,
// bench/latest.json, and the table between the bench:latest markers of docs/speed.md (the speed page).
import { spawn } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { FLAVORS } from '../harness/core/index.js';
import { run as exec } from '../harness/exec/index.js';
import { projectRoot, reportsDir } from '../harness/runtime/index.js';
import type { SizeResult } from './types.js';
import { ratioOf, meets } from './pair.js';
import { suiteTimes, type SuiteTimes } from './suite.js';
import { PART_BLOCKS, replaceBlock, tableOf, type Row } from './page.js';
import { RATIOS } from './targets.js';

let values: { sizes: string; '4gb': boolean; flavor: string; reps: string; 'no-suite': boolean; only?: string; help: boolean };
try {
  ({ values } = parseArgs({
    options: {
      sizes: { type: 'string', default: '100,1000' },
      '4gb': { type: 'boolean', default: false },
      flavor: { type: 'string', default: 'mariadb-10.11' },
      reps: { type: 'string', default: '3' },
      'no-suite': { type: 'boolean', default: false },
      // some parts only (bench/size.ts's --only): the latest table of docs/speed.md is then left as it is
      only: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  }));
} catch (e) {
  console.error(`bench: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(2);
}
if (values.help) {
  console.log('usage: npm run bench [-- --4gb] [--sizes 100,1000] [--flavor F] [--reps N] [--no-suite] [--only s3,verify,…]');
  process.exit(0);
}
const sizes = [...new Set([...values.sizes.split(',').map(Number), ...(values['4gb'] ? [4000] : [])])].sort((a, b) => a - b);
if (!sizes.length || sizes.some((s) => !Number.isInteger(s) || s < 1)) {
  console.error(`bench: bad --sizes '${values.sizes}'`);
  process.exit(2);
}
if (!(values.flavor in FLAVORS)) {
  console.error(`bench: unknown flavor '${values.flavor}' (known: ${Object.keys(FLAVORS).join(', ')})`);
  process.exit(2);
}

/** Runs bench/size.ts for one size in a child process (its own peak RSS); its progress goes to our stderr. */
function measureSize(mb: number): Promise<SizeResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        ...process.execArgv,
        join(projectRoot, 'bench', 'size.ts'),
        '--mb',
        String(mb),
        '--flavor',
        values.flavor,
        '--reps',
        values.reps,
        ...(values.only ? ['--only', values.only] : []),
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString('utf8');
    });
    const forward = (sig: NodeJS.Signals) => () => child.kill(sig);
    const onInt = forward('SIGINT');
    const onTerm = forward('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
    child.on('close', (code) => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      const line = out.trim().split('\n').pop() ?? '';
      if (code === 0 && line.startsWith('{')) resolve(JSON.parse(line) as SizeResult);
      else reject(new Error(`bench at ${mb} MB ended with exit code ${code}${line ? `: ${line.slice(0, 300)}` : ''}`));
    });
  });
}

const rows: Row[] = [];
const loadOf = (p: { loadavg?: number[] }) => (p.loadavg?.length ? `${p.loadavg[0]!.toFixed(1)}→${p.loadavg.at(-1)!.toFixed(1)}` : '');
const fmtMs = (ms: number) => (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`);

const only = values.only ? new Set(values.only.split(',')) : undefined;
const started = new Date();
const loadAtStart = loadavg()
  .map((x) => x.toFixed(2))
  .join(' / ');
const results: SizeResult[] = [];
let failed = false;
for (const mb of sizes) {
  try {
    results.push(await measureSize(mb));
  } catch (e) {
    console.error(`bench: ${e instanceof Error ? e.message : String(e)}`);
    failed = true;
  }
}

for (const r of results) {
  const size = `${r.mb} MB`;
  if (r.drill) {
    rows.push({
      what: `drill replica-kill-restore (${r.drill.verdict})`,
      size,
      harness: fmtMs(r.drill.durationMs),
      baseline: '',
      ratio: null,
      target: 'pass',
      ok: r.drill.verdict === 'pass',
      note: r.drill.error,
    });
  }
  for (const t of RATIOS) {
    if (
      only &&
      !only.has(t.key) &&
      !(t.key === 'dumpLoadZst' && only.has('dumpLoad')) &&
      !(t.key.startsWith('diff') && only.has('diffRows'))
    )
      continue;
    const p = r.pairs[t.key];
    if (!p) {
      rows.push({ what: t.what, size, harness: 'not measured', baseline: '', ratio: null, target: `≤ ${t.max}`, ok: false });
      continue;
    }
    rows.push({
      what: t.what,
      size,
      key: t.key,
      load: loadOf(p),
      harness: fmtMs(p.harnessMs),
      baseline: `${fmtMs(p.baselineMs)} (${t.baseline})`,
      ratio: ratioOf(p),
      target: t.strict ? `< ${t.max}` : `≤ ${t.max}`,
      ok: meets(p, t),
      note: p.note,
    });
  }
  const gen = r.pairs.load;
  if (gen)
    rows.push({
      what: "firedrill's own bulk data generated in the server (the old 'dataset load' row: no dump is read)",
      size,
      key: 'load',
      load: loadOf(gen),
      harness: fmtMs(gen.harnessMs),
      baseline: `${fmtMs(gen.baselineMs)} (the client < a dump of the same data)`,
      ratio: ratioOf(gen),
      target: 'report',
      ok: null,
      note: gen.note,
    });
}

// restore-test from S3 against the same from a local path: the times, and the bandwidth the fetch used (in the note).
const s3Rows = results.flatMap((r): Row[] => {
  const p = r.pairs.s3Restore;
  if (!p) return [];
  return [
    {
      what: 'restore-test from S3 (the local store), whole command',
      size: `${r.mb} MB`,
      harness: fmtMs(p.harnessMs),
      baseline: `${fmtMs(p.baselineMs)} (restore-test of the same backup from a local path)`,
      ratio: p.harnessMs / Math.max(1, p.baselineMs),
      target: 'report',
      ok: null,
      note: p.note,
    },
  ];
});
rows.push(...s3Rows);

// Linear cost: the marginal drill time per GB between consecutive sizes (fixed costs cancel out), flat within 25 %.
const drilled = results.filter((r) => r.drill);
const slopes = drilled.slice(1).map((r, i) => {
  const prev = drilled[i]!;
  return { from: prev.mb, to: r.mb, msPerGB: (r.drill!.durationMs - prev.drill!.durationMs) / ((r.mb - prev.mb) / 1000) };
});
for (const s of slopes) {
  rows.push({
    what: 'marginal drill time per GB',
    size: `${s.from}→${s.to} MB`,
    harness: `${(s.msPerGB / 1000).toFixed(1)} s/GB`,
    baseline: '',
    ratio: null,
    target: '',
    ok: null,
  });
}
if (slopes.length >= 2) {
  const v = slopes.map((s) => s.msPerGB);
  const spread = Math.max(...v) / Math.max(1, Math.min(...v));
  rows.push({
    what: 'linear cost: max/min marginal time per GB',
    size: sizes.join(', '),
    harness: '',
    baseline: '',
    ratio: spread,
    target: '≤ 1.25',
    ok: Math.min(...v) > 0 && spread <= 1.25,
  });
} else if (!only) {
  rows.push({
    what: 'linear cost: max/min marginal time per GB',
    size: sizes.join(', '),
    harness: 'needs three sizes (add --4gb)',
    baseline: '',
    ratio: null,
    target: '≤ 1.25',
    ok: null,
  });
}
// Harness memory: the peak RSS of the process that ran the drill and the measurements, flat with size.
if (results.length >= 2) {
  const first = results[0]!;
  const last = results[results.length - 1]!;
  const ratio = last.rssMiB.peak / Math.max(1, first.rssMiB.peak);
  rows.push({
    what: 'harness peak RSS, largest / smallest size',
    size: `${first.mb}→${last.mb} MB`,
    harness: `${last.rssMiB.peak} MiB`,
    baseline: `${first.rssMiB.peak} MiB`,
    ratio,
    target: '≤ 1.25',
    ok: ratio <= 1.25,
  });
}

let suite: SuiteTimes | undefined;
if (!values['no-suite']) {
  try {
    suite = await suiteTimes((m) => process.stderr.write(`[bench suite] ${m}\n`));
    for (const s of suite.runs) {
      rows.push({
        what: `suite of ${suite.drills.length} drills, --parallel ${s.parallel} (${s.exitCode === 0 ? 'pass' : `exit ${s.exitCode}`})`,
        size: suite.size,
        harness: fmtMs(s.wallMs),
        baseline: '',
        ratio: null,
        target: '',
        ok: s.exitCode === 0,
      });
    }
    const [one, two] = suite.runs;
    if (one && two)
      rows.push({
        what: 'suite wall time, --parallel 2 / --parallel 1',
        size: suite.size,
        harness: '',
        baseline: '',
        ratio: two.wallMs / one.wallMs,
        target: 'report',
        ok: null,
      });
  } catch (e) {
    console.error(`bench: suite: ${e instanceof Error ? e.message : String(e)}`);
    failed = true;
  }
}

const missed = rows.filter((r) => r.ok === false).length;
const table = tableOf(rows);
console.log(
  `\nbenchmark ${started.toISOString()} on ${values.flavor}, sizes ${sizes.join(', ')} MB, fastest of ${values.reps} runs per pair\n`,
);
console.log(table);
for (const r of rows.filter((x) => x.note)) console.log(`  ${r.what} (${r.size}): ${r.note}`);
console.log(`\n${missed ? `${missed} target(s) missed` : 'every target met'}${failed ? '; some measurements failed' : ''}`);

const doc = {
  startedAt: started.toISOString(),
  endedAt: new Date().toISOString(),
  flavor: values.flavor,
  sizes,
  reps: Number(values.reps),
  rows,
  slopes,
  results,
  suite,
  missed,
  failed,
};
await mkdir(reportsDir, { recursive: true });
const file = join(reportsDir, `bench-${started.toISOString().replace(/[:.]/g, '-')}.json`);
await writeFile(file, JSON.stringify(doc, null, 2) + '\n');
if (!only) await writeFile(join(projectRoot, 'bench', 'latest.json'), JSON.stringify(doc, null, 2) + '\n');
const speedPage = join(projectRoot, 'docs', 'speed.md');
const latest = `Benchmark of ${started.toISOString()} (${values.flavor}, sizes ${sizes.join(', ')} MB, fastest of ${values.reps} runs per pair; \`npm run bench\`):\n\n${table}\n`;
let page = await readFile(speedPage, 'utf8');
if (!only) page = replaceBlock(page, 'latest', latest);
const command = `npm run bench${only ? ` -- --only ${values.only} --sizes ${sizes.join(',')}` : ''}`;
for (const part of PART_BLOCKS) {
  const mine = rows.filter((r) => r.key && part.keys.includes(r.key));
  if (!mine.length) continue;
  const notes = mine.filter((r) => r.note).map((r) => `- ${r.what} (${r.size}): ${r.note}`);
  page = replaceBlock(
    page,
    part.name,
    [
      `Measured ${started.toISOString()} (${values.flavor}; \`${command}\`; fastest of ${values.reps} runs per pair up to 200 MB, one above), load average (1 min) at the start ${loadAtStart}:`,
      '',
      tableOf(mine),
      '',
      ...notes,
    ].join('\n'),
  );
}
if (s3Rows.length) {
  const s3Table = [
    `Measured ${started.toISOString()} (${values.flavor}; \`${command}\`), load average at the start ${loadAtStart}:`,
    '',
    '| size | from S3 | from a local path | S3 / local | what the time went to |',
    '|---|---|---|---|---|',
    ...s3Rows.map((r) => `| ${r.size} | ${r.harness} | ${r.baseline.replace(/ \(.*$/, '')} | ${r.ratio!.toFixed(2)} | ${r.note} |`),
  ].join('\n');
  page = replaceBlock(page, 's3', s3Table);
}
await writeFile(speedPage, page);
// its tables as the lint wants them (biome aligns markdown tables): a bench run never breaks npm run lint
await exec([join(projectRoot, 'node_modules', '.bin', 'biome'), 'format', '--write', speedPage], { timeoutMs: 60_000 }).catch((e) =>
  console.error(`bench: docs/speed.md left unformatted: ${e instanceof Error ? e.message : String(e)}`),
);
console.log(`figures: ${file}${only ? '' : ', bench/latest.json'}, docs/speed.md`);
process.exitCode = missed || failed ? 1 : 0;
