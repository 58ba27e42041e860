// The README is for the DBA first: two set-up commands, then "test last night's backup" in under 40 lines; every
// link to docs/ resolves; no reference a reader cannot follow (an issue number, "the seed") and no package magic
// the code does not write.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const docs = readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md'));

/** The lines of the README section whose heading starts with `title`, up to the next `## ` heading. */
function section(title: string): string[] {
  const lines = readme.split('\n');
  const start = lines.findIndex((l) => l.startsWith(`## ${title}`));
  if (start < 0) throw new Error(`README has no section "## ${title}"`);
  const end = lines.findIndex((l, i) => i > start && l.startsWith('## '));
  return lines.slice(start, end < 0 ? undefined : end);
}

describe('README, for the DBA first', () => {
  it('starts with exactly the two set-up commands, then "Test last night\'s backup" as its first section', () => {
    const block = /^# firedrill\n\n```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    expect(
      block
        .trim()
        .split('\n')
        .map((l) => l.split(/\s+#/)[0]!.trim()),
    ).toEqual(['npm run setup-and-drill', 'npm run setup-and-test']);
    const first = readme.split('\n').find((l) => l.startsWith('## '));
    expect(first).toBe("## Test last night's backup");
  });

  it("says how to test last night's backup in under 40 lines, with npx firedrill and the exit codes", () => {
    const s = section("Test last night's backup");
    expect(s.length).toBeLessThan(40);
    const text = s.join('\n');
    expect(text).toMatch(/npx firedrill snapshot/);
    expect(text).toMatch(/npx firedrill restore-test/);
    expect(text).not.toMatch(/^firedrill /m); // the set-up puts no `firedrill` on PATH
    for (const code of ['0', '1', '2']) expect(text).toMatch(new RegExp(`^\\| ${code} `, 'm'));
  });

  it('links only to docs pages that exist, and every docs page is reachable from the README or another page', () => {
    const linked = new Set<string>();
    for (const file of ['README.md', ...docs.map((d) => `docs/${d}`)]) {
      const text = readFileSync(join(root, file), 'utf8');
      for (const m of text.matchAll(/\]\(((?:docs\/)?[\w.-]+\.md)(?:#[\w-]*)?\)/g)) {
        const target = m[1]!.startsWith('docs/') || file === 'README.md' ? m[1]! : `docs/${m[1]!}`;
        if (target === 'README.md' || target === '../README.md') continue;
        expect(existsSync(join(root, target)), `${file} links to ${target}`).toBe(true);
        linked.add(target);
      }
    }
    const unreachable = docs.map((d) => `docs/${d}`).filter((d) => !linked.has(d) && !readme.includes(d));
    expect(unreachable).toEqual([]);
  });

  it('has no reference a reader cannot follow, and names the package magic the code writes', () => {
    for (const file of ['README.md', ...docs.map((d) => `docs/${d}`)]) {
      const text = readFileSync(join(root, file), 'utf8');
      expect(text, file).not.toMatch(/\(issue \d+|seed 0\d\d|the seed's|README:\d+/);
    }
    const sources = readdirSync(join(root, 'harness', 'backup'), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
      .map((f) => readFileSync(join(root, 'harness', 'backup', f), 'utf8'));
    const magic = /'(FDPKG\d)\\n'/.exec(sources.join('\n'))?.[1];
    expect(magic).toBeDefined();
    for (const file of ['README.md', ...docs.map((d) => `docs/${d}`)]) {
      const named = readFileSync(join(root, file), 'utf8').match(/FDPKG\d/g) ?? [];
      for (const n of named) expect(n, file).toBe(magic);
    }
  });
});
