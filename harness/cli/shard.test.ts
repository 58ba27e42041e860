import { describe, expect, it } from 'vitest';
import { loadScenarios } from '../scenario/index.js';
import { parseShard, shardOf } from './shard.js';

describe('suite --shard i/n', () => {
  it('the shards partition the real matrix: every drill x flavor in exactly one shard, sizes within one', async () => {
    const matrix = (await loadScenarios()).flatMap((s) => s.flavors.map((flavor) => ({ scenario: s.id, flavor })));
    expect(matrix.length).toBeGreaterThan(20);
    const key = (x: { scenario: string; flavor: string }) => `${x.scenario}@${x.flavor}`;
    for (let n = 1; n <= 9; n++) {
      // each shard computed from a differently ordered copy: the split must not depend on the catalog's order
      const shards = Array.from({ length: n }, (_, i) =>
        shardOf(i % 2 ? [...matrix].reverse() : matrix, { index: i + 1, count: n }).map(key),
      );
      const all = shards.flat();
      expect(new Set(all).size).toBe(all.length); // no item twice
      expect(new Set(all)).toEqual(new Set(matrix.map(key))); // none missing
      const sizes = shards.map((s) => s.length);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    }
  });

  it('refuses a malformed shard with one clear line', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    for (const bad of ['0/4', '5/4', '1/0', '1-4', 'a/b']) expect(() => parseShard(bad)).toThrow(/bad --shard/);
  });
});
