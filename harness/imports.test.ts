// The house rules: harness folders import only downwards (the order in LAYERS; the ground floor, harness/core,
// imports nothing else) and no import circle between harness files (type-only imports count: a circle of types is
// still two modules that cannot be understood apart).
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = dirname(fileURLToPath(import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [p] : [];
  });
}

/** Relative imports and re-exports of a file, resolved to .ts paths (`./x.js` is the source `./x.ts`). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [
    ...text.matchAll(/^\s*(?:import|export)\b[^'"]*?\bfrom\s+'(\.[^']+)'/gm),
    ...text.matchAll(/^\s*import\s+'(\.[^']+)'/gm),
  ].map((m) => m[1]!);
  return specs.map((s) => resolve(dirname(file), s.replace(/\.js$/, '.ts')));
}

/** Every import circle, each as the list of files around it (found by depth-first search, each reported once). */
function findCircles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const circles: string[][] = [];
  const visit = (f: string) => {
    state.set(f, 'open');
    stack.push(f);
    for (const g of graph.get(f) ?? []) {
      if (state.get(g) === 'open') circles.push([...stack.slice(stack.indexOf(g)), g]);
      else if (!state.has(g)) visit(g);
    }
    stack.pop();
    state.set(f, 'done');
  };
  for (const f of [...graph.keys()].sort()) if (!state.has(f)) visit(f);
  return circles;
}

const graph = new Map(sources(root).map((f) => [f, importsOf(f)]));
const rel = (f: string) => relative(root, f);
/** The harness folders, lowest first (README, Architecture): each may import only the ones before it. */
const LAYERS = [
  'core',
  'exec',
  'sql',
  'runtime',
  'workload',
  'verify',
  'faults',
  'backup',
  'restore',
  'report',
  'scenario',
  'chaos',
  'cli',
  'index.ts',
];
// harness/index.ts, the package's public API (package.json "exports"), sits on top: it re-exports what drill files use.

describe('harness import graph', () => {
  it('finds a circle when there is one (the walk itself can fail)', () => {
    expect(
      findCircles(
        new Map([
          ['a', ['b']],
          ['b', ['c']],
          ['c', ['a']],
          ['d', ['a']],
        ]),
      ),
    ).toEqual([['a', 'b', 'c', 'a']]);
    expect(
      findCircles(
        new Map([
          ['a', ['b']],
          ['b', []],
        ]),
      ),
    ).toEqual([]);
  });

  it('has no import circle between harness files', () => {
    expect(graph.size).toBeGreaterThan(50);
    expect(findCircles(graph).map((c) => c.map(rel).join(' -> '))).toEqual([]);
  });

  it(`imports folders only downwards: ${LAYERS.join(', ')}`, () => {
    const folder = (f: string) => rel(f).split('/')[0]!;
    const against = [...graph].flatMap(([f, deps]) =>
      deps
        .filter((d) => folder(d) !== folder(f) && !(LAYERS.indexOf(folder(d)) < LAYERS.indexOf(folder(f)) && LAYERS.includes(folder(d))))
        .map((d) => `${rel(f)} -> ${rel(d)}`),
    );
    expect(against).toEqual([]);
  });

  it('lets scenario files import only harness/scenario (a drill is a runbook: no SQL, no docker calls)', () => {
    const dir = join(root, '..', 'scenarios');
    const files = readdirSync(dir)
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
      .map((f) => join(dir, f));
    expect(files.length).toBeGreaterThan(0);
    const scenarioIndex = join(root, 'scenario', 'index.ts');
    const specs = (f: string) =>
      [...readFileSync(f, 'utf8').matchAll(/\bfrom\s+'([^']+)'|^\s*import\s+'([^']+)'/gm)].map((m) => m[1] ?? m[2]!);
    const wrong = files.flatMap((f) =>
      specs(f)
        .filter((spec) => !spec.startsWith('.') || resolve(dirname(f), spec.replace(/\.js$/, '.ts')) !== scenarioIndex)
        .map((spec) => `${relative(dir, f)} -> ${spec}`),
    );
    expect(wrong).toEqual([]);
  });
});
