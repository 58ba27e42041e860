import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from './main.js';

/** Runs the CLI in-process and returns its exit code and what it printed. */
async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => {
    out += String(s);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => {
    err += String(s);
    return true;
  });
  const code = await main(argv);
  vi.restoreAllMocks();
  return { code, out, err };
}
afterEach(() => vi.restoreAllMocks());

describe('firedrill --version and help <command>', () => {
  it('--version prints the package version and the commit', async () => {
    const r = await run(['--version']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^firedrill \d+\.\d+\.\d+( \([0-9a-f]{12}(, modified)?\))?\n$/);
  });

  it("help <command> is the command's own --help; an unknown command is one line and exit 2", async () => {
    const h = await run(['help', 'suite']);
    expect(h.code).toBe(0);
    expect(h.out).toContain('--shard i/n');
    expect((await run(['suite', '--help'])).out).toBe(h.out);
    expect((await run(['help', 'report'])).out).toContain('--redact');
    const bad = await run(['help', 'nope']);
    expect(bad.code).toBe(2);
    expect(bad.err.trim().split('\n')).toHaveLength(1);
  });
});
