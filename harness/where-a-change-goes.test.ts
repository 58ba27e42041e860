import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SHAPES } from './chaos/model.js';
import { FLAVORS, flavorOfSeries } from './core/index.js';
import { faultHandlers } from './faults/index.js';
import { projectRoot } from './runtime/paths.js';
import { loadScenarios } from './scenario/index.js';

// Keeps docs/where-a-change-goes.md true where a test can: what a new fault, flavor or drill needs is in its one place.
describe('where a change goes', () => {
  it('every fault has a summary and a chart band of its own, and is reachable from chaos or says why not', () => {
    const fills = new Set<string>();
    for (const h of faultHandlers()) {
      expect(h.summary.length, h.kind).toBeGreaterThan(15);
      expect(fills.has(h.band.fill), `${h.kind} shares its chart band`).toBe(false);
      fills.add(h.band.fill);
      if (!h.chaos) {
        expect(h.notDrawn, `${h.kind}: not drawn by chaos and no reason given`).toMatch(/\w{10}/);
        continue;
      }
      expect(h.chaos.topologies.length, h.kind).toBeGreaterThan(0);
      for (const t of h.chaos.topologies) expect(SHAPES[t].kinds, `${h.kind} on ${t}`).toContain(h.chaos.command);
    }
  });

  it('every flavor has all its fields, an image recipe folder, and a family and series of its own', () => {
    for (const f of Object.values(FLAVORS)) {
      expect(['mariadb', 'mysql'], f.id).toContain(f.family);
      expect(f.series, f.id).toMatch(/^\d+\.\d+$/);
      expect(f.suite, f.id).toMatch(/^[a-z]+$/);
      expect(f.packages.length, f.id).toBeGreaterThan(0);
      expect(existsSync(join(projectRoot, 'docker', f.dockerDir, 'Dockerfile')), `docker/${f.dockerDir}/Dockerfile`).toBe(true);
      expect(flavorOfSeries(f.family, f.series)?.id, `${f.family} ${f.series} is defined twice`).toBe(f.id);
    }
  });

  it('every drill file under scenarios/ is in the catalog firedrill list prints', { timeout: 120_000 }, async () => {
    const files = readdirSync(join(projectRoot, 'scenarios')).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
    const ids = new Set((await loadScenarios()).map((s) => s.id));
    // a drill file's id is its file name (the catalog refuses two drills with one id)
    for (const f of files) expect(ids, f).toContain(f.replace(/\.ts$/, ''));
  });

  it('every file the table names exists', () => {
    const doc = readFileSync(join(projectRoot, 'docs', 'where-a-change-goes.md'), 'utf8');
    const paths = [...doc.matchAll(/`((?:harness|scenarios|docker|scripts)\/[^`\s]+)`/g)].map((m) => m[1]!).filter((p) => !p.includes('<'));
    expect(paths.length).toBeGreaterThan(5);
    for (const p of paths) expect(existsSync(join(projectRoot, p)), p).toBe(true);
  });
});
