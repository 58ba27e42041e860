// The bench's tables in docs/speed.md: each between its markers (`<!-- bench:NAME -->` … `<!-- /bench:NAME -->`),
// written by the bench, never by hand.

/** One line of a bench table. */
export interface Row {
  what: string;
  size: string;
  /** Which pair it judges (bench/targets.ts), for the parts' own tables. */
  key?: string;
  /** The 1-minute load average at the start and end of the measurement. */
  load?: string;
  harness: string;
  baseline: string;
  ratio: number | null;
  target: string;
  ok: boolean | null;
  note?: string;
}

/** A table cell's text: a '|' in it would end the cell. */
const cell = (s: string) => s.replace(/\|/g, '\\|');

/** The markdown table of rows: step, size, load average, both times, ratio, target, verdict. */
export function tableOf(rows: readonly Row[]): string {
  return [
    '| step | size | load avg | harness | physical work | ratio | target | |',
    '|---|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${cell(r.what)} | ${r.size} | ${r.load ?? ''} | ${cell(r.harness)} | ${cell(r.baseline)} | ${r.ratio === null ? '' : r.ratio.toFixed(2)} | ${r.target} | ${r.ok === null ? '' : r.ok ? 'ok' : 'MISS'} |`,
    ),
  ].join('\n');
}

/** The page with the text between a block's markers replaced (a page without the block is returned as it was). */
export function replaceBlock(page: string, name: string, text: string): string {
  const re = new RegExp(`(<!-- bench:${name} -->\\n)[\\s\\S]*?(<!-- /bench:${name} -->)`);
  return page.replace(re, (_m, open: string, close: string) => `${open}${text.endsWith('\n') ? text : `${text}\n`}${close}`);
}

/** The parts with a block of their own on the page (also written by `--only` runs), by the pairs they hold. */
export const PART_BLOCKS: ReadonlyArray<{ name: string; keys: readonly string[] }> = [
  { name: 'dump-load', keys: ['dumpLoad', 'dumpLoadZst', 'load'] },
  { name: 'diff-rows', keys: ['diffRowsSpread', 'diffChecksumSpread', 'diffRowsClustered', 'diffChecksumClustered'] },
];
