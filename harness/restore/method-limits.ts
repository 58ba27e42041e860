import type { RecordedState } from '../verify/index.js';
import type { DetectedArtifact } from './external.js';
import type { RestoreKind } from './outcome.js';

/**
 * What a backup method cannot carry, known from the method and the recorded state alone, so it is said before
 * anything is restored (and the comparison judges the rest): a physical copy of a datadir holds a MEMORY table's
 * definition but none of its rows (they live in the server's memory, and are gone at every restart too); the MySQL
 * clone plugin copies InnoDB data only, so every other engine's table comes back empty.
 */
export interface CarryLimit {
  /** db.table, as the state names it. */
  table: string;
  engine: string;
  /** What does not come back: the table's rows (its definition does). */
  notCarried: 'rows';
  reason: string;
}

const MEMORY_ROWS =
  "a MEMORY table's rows live in the server's memory: a physical copy of the datadir holds its definition only (and a restart empties it too)";
const CLONE_INNODB_ONLY = 'the clone plugin copies InnoDB data only: a table of another engine comes back with its definition and no rows';

/** The engine of each table of a recorded state, read from its recorded definition (SHOW CREATE TABLE). */
function enginesOf(state: Pick<RecordedState, 'tables' | 'objects'>): Map<string, string> {
  const out = new Map<string, string>();
  for (const key of Object.keys(state.tables)) {
    const engine = /\) ENGINE=(\w+)/.exec(state.objects[`TABLE ${key}`] ?? '')?.[1];
    if (engine) out.set(key, engine);
  }
  return out;
}

/** The tables whose rows this backup cannot carry, each with the reason; none for a dump (it reads the rows). */
export function carryLimits(
  artifact: { kind: DetectedArtifact['kind']; method?: string },
  restore: RestoreKind,
  state: Pick<RecordedState, 'tables' | 'objects'> | undefined,
): CarryLimit[] {
  if (!state || restore !== 'datadir') return [];
  const clone = artifact.kind === 'mysql-clone' || artifact.method === 'clone';
  const out: CarryLimit[] = [];
  for (const [table, engine] of enginesOf(state)) {
    const e = engine.toUpperCase();
    if (clone && e !== 'INNODB') out.push({ table, engine, notCarried: 'rows', reason: CLONE_INNODB_ONLY });
    else if (e === 'MEMORY') out.push({ table, engine, notCarried: 'rows', reason: MEMORY_ROWS });
  }
  return out.sort((a, b) => a.table.localeCompare(b.table));
}

/** One line per reason, for the progress output before the restore. */
export const describeLimits = (limits: readonly CarryLimit[]): string[] =>
  [...new Set(limits.map((l) => l.reason))].map(
    (r) =>
      `limit of the method: ${r}: ${limits
        .filter((l) => l.reason === r)
        .map((l) => `${l.table} (${l.engine})`)
        .join(', ')}; their rows are not compared, the rest is judged`,
  );
