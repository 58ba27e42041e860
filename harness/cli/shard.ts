import { UsageError } from '../core/index.js';

export interface Shard {
  index: number;
  count: number;
}

/** Parses "i/n" (1-based, as CI's parallel jobs number them: GitHub matrix, GitLab CI_NODE_INDEX/CI_NODE_TOTAL). */
export function parseShard(s: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(s.trim());
  if (!m) throw new UsageError(`bad --shard '${s}' (expected i/n, e.g. 2/4)`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || index < 1 || index > count) throw new UsageError(`bad --shard '${s}': i must be between 1 and n`);
  return { index, count };
}

/**
 * The items of one shard. Items are ordered by scenario then flavor (so every shard, on every machine, sees the same
 * order whatever order the catalog was read in), then dealt round-robin: every item is in exactly one shard, shard
 * sizes differ by at most one, and one scenario's flavors land on different shards (its cost is spread).
 */
export function shardOf<T extends { scenario: string; flavor: string }>(items: readonly T[], shard: Shard): T[] {
  const ordered = [...items].sort((a, b) => a.scenario.localeCompare(b.scenario) || a.flavor.localeCompare(b.flavor));
  return ordered.filter((_, k) => k % shard.count === shard.index - 1);
}
