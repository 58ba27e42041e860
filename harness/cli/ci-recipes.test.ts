// The CI examples are valid YAML (checked with a small parser of the block-YAML subset CI files use: no new
// dependency) and name only scripts and firedrill commands that exist; the nightly script they call runs in a dry mode.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../runtime/paths.js';
import { main } from './main.js';

type Y = string | number | boolean | null | Y[] | { [k: string]: Y };

/**
 * Parses block YAML (mappings, sequences, `|`/`>` block scalars, quoted and plain scalars, simple flow collections).
 * Throws on what a YAML parser refuses: tabs in indentation, a line indented where nothing opened, a duplicate key,
 * a plain scalar holding ": ", an unterminated quote.
 */
function parseYaml(text: string): Y {
  const lines: Array<{ n: number; indent: number; text: string }> = [];
  text.split('\n').forEach((raw, i) => {
    if (/^\t| \t/.test(raw.replace(/^( *)\S.*$/, '$1'))) throw new Error(`line ${i + 1}: tab in indentation`);
    const noComment = stripComment(raw, i + 1);
    if (!noComment.trim()) return;
    lines.push({ n: i + 1, indent: noComment.length - noComment.trimStart().length, text: noComment.trim() });
  });
  let pos = 0;
  const block = (indent: number): Y => {
    const l = lines[pos]!;
    if (l.indent !== indent) throw new Error(`line ${l.n}: bad indentation`);
    return l.text === '-' || l.text.startsWith('- ') ? seq(indent) : map(indent);
  };
  const seq = (indent: number): Y[] => {
    const out: Y[] = [];
    while (pos < lines.length && lines[pos]!.indent === indent && (lines[pos]!.text === '-' || lines[pos]!.text.startsWith('- '))) {
      const l = lines[pos]!;
      const rest = l.text.slice(1).trimStart();
      if (!rest) {
        pos++;
        out.push(pos < lines.length && lines[pos]!.indent > indent ? block(lines[pos]!.indent) : null);
        continue;
      }
      if (/^("[^"]*"|'[^']*'|[^\s"'{[][^:]*?):( |$)/.test(rest)) {
        // "- key: value": a mapping whose first line sits two columns further in
        lines[pos] = { n: l.n, indent: indent + 2 + (l.text.length - 1 - rest.length - 1), text: rest };
        out.push(map(lines[pos]!.indent));
      } else {
        pos++;
        out.push(scalar(rest, l.n));
      }
    }
    if (pos < lines.length && lines[pos]!.indent > indent) throw new Error(`line ${lines[pos]!.n}: bad indentation`);
    return out;
  };
  const map = (indent: number): { [k: string]: Y } => {
    const out: { [k: string]: Y } = {};
    while (pos < lines.length && lines[pos]!.indent === indent) {
      const l = lines[pos]!;
      if (l.text.startsWith('- ')) throw new Error(`line ${l.n}: a sequence item where a key was expected`);
      const m = /^("(?:[^"\\]|\\.)*"|'[^']*'|[^\s"'#][^:]*?):(?: +(.*))?$/.exec(l.text);
      if (!m) throw new Error(`line ${l.n}: not a "key: value" line: ${l.text}`);
      const key = m[1]!.replace(/^["']|["']$/g, '');
      if (key in out) throw new Error(`line ${l.n}: duplicate key '${key}'`);
      const v = (m[2] ?? '').trim();
      pos++;
      if (/^[|>][-+]?$/.test(v)) {
        const body: string[] = [];
        while (pos < lines.length && lines[pos]!.indent > indent) body.push(lines[pos++]!.text);
        out[key] = body.join(v.startsWith('|') ? '\n' : ' ');
      } else if (v) out[key] = scalar(v, l.n);
      else if (pos < lines.length && (lines[pos]!.indent > indent || (lines[pos]!.indent === indent && lines[pos]!.text.startsWith('- '))))
        out[key] = block(lines[pos]!.indent);
      else out[key] = null;
    }
    if (pos < lines.length && lines[pos]!.indent > indent) throw new Error(`line ${lines[pos]!.n}: bad indentation`);
    return out;
  };
  const doc = lines.length ? block(lines[0]!.indent) : null;
  if (pos < lines.length) throw new Error(`line ${lines[pos]!.n}: bad indentation`);
  return doc;
}

function stripComment(raw: string, n: number): string {
  let q: string | null = null;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (q) {
      if (c === q && raw[i - 1] !== '\\') q = null;
      continue;
    }
    if ((c === '"' || c === "'") && (i === 0 || /[\s:[{,-]/.test(raw[i - 1]!))) q = c;
    else if (c === '#' && (i === 0 || /\s/.test(raw[i - 1]!))) return raw.slice(0, i).trimEnd();
  }
  if (q) throw new Error(`line ${n}: unterminated quote`);
  return raw.trimEnd();
}

function scalar(v: string, n: number): Y {
  if (/^".*"$/.test(v)) return JSON.parse(v) as string;
  if (/^'.*'$/.test(v)) return v.slice(1, -1).replace(/''/g, "'");
  if (/^["']/.test(v)) throw new Error(`line ${n}: unterminated quote`);
  if (v.startsWith('[')) {
    if (!v.endsWith(']')) throw new Error(`line ${n}: unterminated flow sequence`);
    const s = v.slice(1, -1).trim();
    return s ? s.split(',').map((x) => scalar(x.trim(), n)) : [];
  }
  if (v.startsWith('{')) {
    if (v !== '{}') throw new Error(`line ${n}: flow mappings other than {} are not used here`);
    return {};
  }
  if (/: |:$/.test(v)) throw new Error(`line ${n}: mapping values are not allowed in a plain scalar: ${v}`);
  if (v === 'true' || v === 'false') return v === 'true';
  if (v === 'null' || v === '~') return null;
  if (/^-?\d+(\.\d+)?$/.test(v)) return Number(v);
  return v;
}

const read = (p: string) => readFileSync(join(projectRoot, p), 'utf8');
const obj = (y: Y): { [k: string]: Y } => {
  if (!y || typeof y !== 'object' || Array.isArray(y)) throw new Error(`not a mapping: ${JSON.stringify(y)}`);
  return y;
};

/** Every shell line of the recipe, and the scripts and firedrill commands it names. */
function named(scripts: string[]): { files: string[]; firedrill: string[]; nightlyModes: string[] } {
  const text = scripts.join('\n');
  return {
    files: [...text.matchAll(/\b(scripts\/[\w.-]+)/g)].map((m) => m[1]!),
    firedrill: [...text.matchAll(/(?:bin\/firedrill\.mjs|npx firedrill)\s+([\w-]+)/g)].map((m) => m[1]!),
    nightlyModes: [...text.matchAll(/scripts\/nightly\.sh\s+(\S+)/g)].map((m) => m[1]!),
  };
}

async function expectExists(n: ReturnType<typeof named>): Promise<void> {
  for (const f of n.files) expect(existsSync(join(projectRoot, f)), `${f} exists`).toBe(true);
  for (const mode of n.nightlyModes) expect(['run', 'report', 'tests']).toContain(mode);
  for (const c of n.firedrill) expect(await main(['help', c]), `firedrill ${c} exists`).toBe(0);
}

describe('CI recipes', () => {
  it('the YAML check refuses what a YAML parser refuses', () => {
    expect(parseYaml('a: 1\nb:\n  - x\n  - k: v\n    j: [1, 2]\nc: |\n  echo a: b\n  echo c\n')).toEqual({
      a: 1,
      b: ['x', { k: 'v', j: [1, 2] }],
      c: 'echo a: b\necho c',
    });
    for (const bad of ['a: 1\n   b: 2\n', 'a: 1\na: 2\n', 'a: b: c\n', 'a:\n\t- x\n', 'a: "x\n', 'a:\n  - x\n  y: 1\n'])
      expect(() => parseYaml(bad), bad).toThrow();
  });

  it('GitHub Actions: valid YAML, scheduled, sharded 4 ways, history kept in the cache, reports published; names only what exists', async () => {
    const y = obj(parseYaml(read('.github/workflows/nightly.yml')));
    const on = obj(y['on']!);
    expect(String(obj((on['schedule'] as Y[])[0]!)['cron'])).toMatch(/^(\S+ ){4}\S+$/);
    const jobs = obj(y['jobs']!);
    const drills = obj(jobs['drills']!);
    expect(obj(obj(drills['strategy']!)['matrix']!)['shard']).toEqual([1, 2, 3, 4]);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression, not a template
    expect(obj(drills['env']!)['FIREDRILL_SHARD']).toBe('${{ matrix.shard }}/4');
    const runs: string[] = [];
    const uses: string[] = [];
    for (const job of Object.values(jobs)) {
      for (const s of obj(job)['steps'] as Y[]) {
        const step = obj(s);
        expect('run' in step || 'uses' in step).toBe(true);
        if (step['run']) runs.push(String(step['run']));
        if (step['uses']) uses.push(String(step['uses']));
      }
    }
    expect(runs).toEqual(
      expect.arrayContaining(['bash scripts/nightly.sh run', 'bash scripts/nightly.sh report', 'bash scripts/nightly.sh tests']),
    );
    expect(uses).toEqual(
      expect.arrayContaining([
        'actions/cache/restore@v4',
        'actions/cache/save@v4',
        'actions/upload-artifact@v4',
        'actions/download-artifact@v4',
      ]),
    );
    await expectExists(named(runs));
  });

  it('GitLab CI: valid YAML, parallel shards, scheduled, history in the cache, Pages; names only what exists', async () => {
    const y = obj(parseYaml(read('.gitlab-ci.yml')));
    const stages = y['stages'] as string[];
    const scripts: string[] = [];
    for (const [name, j] of Object.entries(y)) {
      if (name === 'stages' || name === 'variables') continue;
      const job = obj(j);
      expect(stages).toContain(job['stage']);
      scripts.push(...(job['script'] as string[]));
    }
    expect(obj(y['drills']!)['parallel']).toBe(4);
    // GitLab refuses a job-level `when` beside `rules` (it belongs inside each rule)
    for (const [name, j] of Object.entries(y))
      if (typeof j === 'object' && j && !Array.isArray(j) && 'rules' in j) expect('when' in j, `${name}: when beside rules`).toBe(false);
    expect(JSON.stringify(obj(y['drills']!)['rules'])).toContain('schedule');
    expect(obj(obj(y['report']!)['cache']!)['paths']).toEqual(['history/']);
    expect(scripts).toEqual(expect.arrayContaining(['bash scripts/nightly.sh run', 'bash scripts/nightly.sh report']));
    await expectExists(named(scripts));
  });

  it('scripts/nightly.sh (what both recipes call) runs in a dry mode: the shard, the report, the Allure report', () => {
    const run = spawnSync('bash', ['scripts/nightly.sh', 'run', '--dry-run'], {
      cwd: projectRoot,
      encoding: 'utf8',
      env: { ...process.env, FIREDRILL_SUITE: 'matrix', FIREDRILL_SHARD: '', CI_NODE_INDEX: '2', CI_NODE_TOTAL: '4' },
    });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('+ node bin/firedrill.mjs suite matrix --shard 2/4');
    expect(run.stdout).toMatch(/\+ node bin\/firedrill\.mjs report --out reports\/report\.html reports/);
    expect(run.stdout).toContain('npx allure generate');
    const merge = spawnSync('bash', ['scripts/nightly.sh', 'report', '--dry-run'], { cwd: projectRoot, encoding: 'utf8' });
    expect(merge.status, merge.stderr).toBe(0);
    expect(merge.stdout).toMatch(/report --strict .*--save-history/);
    expect(spawnSync('bash', ['scripts/nightly.sh', 'nonsense'], { cwd: projectRoot }).status).toBe(2);
  }, 180_000); // it starts firedrill a few times to check the commands it names
});
