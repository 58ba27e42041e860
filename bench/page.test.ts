import { describe, expect, it } from 'vitest';
import { replaceBlock, tableOf } from './page.js';

describe("the bench's tables on the speed page", () => {
  it('replaces only the text between its own markers, and leaves a page without them as it was', () => {
    const page = 'intro\n<!-- bench:a -->\nold a\n<!-- /bench:a -->\n<!-- bench:b -->\nold b\n<!-- /bench:b -->\n';
    expect(replaceBlock(page, 'a', 'new a')).toBe(
      'intro\n<!-- bench:a -->\nnew a\n<!-- /bench:a -->\n<!-- bench:b -->\nold b\n<!-- /bench:b -->\n',
    );
    expect(replaceBlock(page, 'c', 'x')).toBe(page);
  });

  it("escapes a '|' inside a cell, so a row keeps its columns", () => {
    const t = tableOf([
      { what: 'zst', size: '100 MB', harness: '1 s', baseline: 'zstd -dc f | client', ratio: 1.234, target: '≤ 1', ok: false },
    ]);
    const row = t.split('\n')[2]!;
    expect(row.split(/(?<!\\)\|/).length - 2).toBe(8);
    expect(row).toContain('zstd -dc f \\| client');
    expect(row).toContain('| 1.23 | ≤ 1 | MISS |');
  });
});
