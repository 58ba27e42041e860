// Three real runs of the default suite, then `firedrill report`: headless Chromium renders the trend of every drill
// (three points each), the throughput/latency plot of every run with its fault windows (the replica kill, the binlog
// streamer kill), and the objectives (met, and missed where a run was given a tighter objective). The page, its
// screenshot and its PDF stay in the reports folder.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chromium, decodePng } from '../browser.js';
import { projectRoot as root } from '../../harness/runtime/paths.js';
import { cli } from '../docker/helpers.js';

describe('the drill report after three runs of the default suite', () => {
  it(
    'shows the trend, the throughput/latency with fault windows and the objectives in a real browser',
    async () => {
      const dir = join(root, 'reports', 'nightly-report-test');
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      const history = join(dir, 'history.jsonl');
      const loose = join(dir, 'loose.json');
      const strict = join(dir, 'strict.json');
      writeFileSync(loose, JSON.stringify({ objectives: { default: { rtoSeconds: 900 } } }));
      // the third night a manager asks for a 1-second RTO on replica-kill-restore: that run must miss it (and fail)
      writeFileSync(strict, JSON.stringify({ objectives: { default: { rtoSeconds: 900 }, 'replica-kill-restore': { rtoSeconds: 1 } } }));
      const codes: Array<number | null> = [];
      for (const cfg of [loose, loose, strict]) {
        const r = await cli(['suite', 'default'], {
          env: { FIREDRILL_REPORTS_DIR: join(dir, 'runs'), FIREDRILL_HISTORY: history, FIREDRILL_CONFIG: cfg },
        });
        codes.push(r.code);
      }
      expect(codes).toEqual([0, 0, 1]);
      const lines = readFileSync(history, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { scenario: string; verdict: string; objectives: { met: boolean } });
      expect(lines).toHaveLength(6);
      expect(lines.filter((l) => !l.objectives.met).map((l) => l.scenario)).toEqual(['replica-kill-restore']);

      const page = join(dir, 'report.html');
      const rep = await cli(['report', '--out', page, '--history', history, join(dir, 'runs')]);
      expect(rep.code, rep.stderr).toBe(0);
      const url = `file://${page}`;
      const dom = chromium(['--dump-dom', url]).stdout;
      for (const drill of ['replica-kill-restore', 'pitr-accidental-drop']) {
        const trend = new RegExp(`data-trend="${drill} on mariadb-10.11">([\\s\\S]*?)</div>\\s*<p class="mute">(\\d+) run`).exec(dom);
        expect(trend?.[2], drill).toBe('3');
        expect(trend?.[1]).toContain('<svg');
      }
      const plots = [...dom.matchAll(/data-chart="throughput-latency">([\s\S]*?)<\/svg>/g)].map((m) => m[1]!);
      expect(plots).toHaveLength(6);
      expect(plots.filter((p) => p.includes('fault: send SIGKILL to replica-1'))).toHaveLength(3);
      expect(plots.filter((p) => p.includes('fault: SIGKILL the binlog streamer'))).toHaveLength(3);
      expect(dom).toMatch(/data-objective="rto" data-state="missed"/);
      expect((dom.match(/data-objective="rto" data-state="met"/g) ?? []).length).toBeGreaterThanOrEqual(5);

      const shot = join(dir, 'report.png');
      chromium([`--screenshot=${shot}`, '--window-size=1280,6000', url]);
      const png = decodePng(readFileSync(shot));
      let red = 0;
      for (let y = 0; y < png.height; y += 2)
        for (let x = 0; x < png.width; x += 2) {
          const [r, g, b] = png.px(x, y);
          if (Math.abs(r - 0xb9) < 7 && Math.abs(g - 0x1c) < 7 && Math.abs(b - 0x1c) < 7) red++;
        }
      expect(red, 'a red FAIL/MISSED badge was painted').toBeGreaterThan(50);
      chromium([`--print-to-pdf=${join(dir, 'report.pdf')}`, '--no-pdf-header-footer', url]);
      expect(readFileSync(join(dir, 'report.pdf')).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    },
    90 * 60_000,
  );
});
