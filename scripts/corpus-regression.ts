// Writes a corpus regression case (fixtures/corpus/regressions.json format) for a few named case kinds on one flavor:
//   npx tsx scripts/corpus-regression.ts <id> <flavor> <seed> <finding> <kind,kind,...> "<note>"
// The corpus holds only those kinds (plus the two definer accounts every corpus has), 2 rows per table.
import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ACCOUNT_KINDS, OBJECT_KINDS, corpusFor, tableKindsOf } from '../harness/workload/corpus/corpus.js';
import { corpusToJson } from '../tests/docker/corpus-kit.js';
import type { FlavorId } from '../harness/core/index.js';

const [id, flavor, seed, finding, kinds, note] = process.argv.slice(2) as [string, FlavorId, string, string, string, string];
const keep = new Set(kinds.split(','));
const all: string[] = [...tableKindsOf(flavor), ...OBJECT_KINDS, ...ACCOUNT_KINDS];
const corpus = corpusFor(flavor, Number(seed), { cover: true, rows: 2, without: all.filter((k) => !keep.has(k)) });
const file = resolve(import.meta.dirname, '..', 'fixtures/corpus/regressions.json');
const list = JSON.parse(await readFile(file, 'utf8')) as Array<{ id: string }>;
const entry = { id, flavor, finding, note, corpus: JSON.parse(corpusToJson(corpus)) };
await writeFile(file, `${JSON.stringify([...list.filter((r) => r.id !== id), entry], null, 2)}\n`);
console.log(
  `${id}: ${corpus.tables.map((t) => t.kind).join(' ')} | ${corpus.objects.map((o) => o.kind).join(' ')} | ${corpus.accounts.map((a) => a.kind).join(' ')}`,
);
