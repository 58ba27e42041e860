// Each ratio the bench judges: what the harness step is, the physical work (or the tool a DBA would use) it is timed
// against, and its target. bench/size.ts measures a missed pair once more; bench/bench.ts writes the table.
import type { Target } from './pair.js';
import type { PairKey } from './types.js';

export interface RatioTarget extends Target {
  key: PairKey;
  what: string;
  baseline: string;
}

export const RATIOS: readonly RatioTarget[] = [
  { key: 'copyBack', what: 'copy-back', baseline: 'cp -a, same artifact, same disk', max: 1.5 },
  { key: 'verify', what: 'artifact verification', baseline: 'sha256sum of the same files', max: 1.2 },
  {
    key: 'compare',
    what: 'data comparison of two equal servers',
    baseline: 'CHECKSUM TABLE of the same tables on both',
    max: 1.5,
  },
  {
    key: 'dumpLoad',
    what: '--dataset dump.sql: plan (one read of the dump) + load into a fresh server',
    baseline: 'the client < the same dump.sql into a fresh server of the same image',
    max: 1.0,
  },
  {
    key: 'dumpLoadZst',
    what: '--dataset dump.sql.zst: plan + load into a fresh server',
    baseline: 'zstd -dc dump.sql.zst piped into the client, into a fresh server of the same image',
    max: 1.0,
  },
  ...(['Spread', 'Clustered'] as const).flatMap((how): RatioTarget[] => [
    {
      key: `diffRows${how}`,
      what: `verify of a replica pair, ${how === 'Spread' ? '20 spread differing rows' : '40 differing rows (20 spread, 20 neighbours)'}: names every one`,
      baseline: 'pt-table-checksum of the same tables on the same pair',
      max: 1.0,
    },
    {
      key: `diffChecksum${how}`,
      what: `the same verify (${how === 'Spread' ? '20 spread rows' : '40 rows'}): the path that names differing rows`,
      baseline: 'CHECKSUM TABLE of the same tables on both servers at once',
      max: 1.5,
    },
  ]),
  {
    key: 'instant',
    what: 'instant check (server on the artifact, read-only)',
    baseline: 'full restore + the same checks',
    max: 1.0,
    strict: true,
  },
];

/** The target of a pair, by key (undefined: reported without one). */
export const targetOf = (key: PairKey): RatioTarget | undefined => RATIOS.find((t) => t.key === key);
