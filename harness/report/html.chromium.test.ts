// The HTML report in a real browser: Debian's chromium (installed by the set-up) opens the page headless; the test
// asserts on the DOM it parsed and on the pixels it painted (the trend, the throughput/latency plot with its fault
// window, objectives met and missed), prints it to PDF, and keeps the screenshot in the report folder.
// The page is built from recorded results of real runs (fixtures/reports: three runs of replica-kill-restore, one of
// which missed its RTO objective); the nightly suite builds it after three fresh runs of the default suite.
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chromium, decodePng } from '../../tests/browser.js';
import { projectRoot, reportsDir } from '../runtime/paths.js';
import { buildReport } from './build.js';

const FIXTURE = join(projectRoot, 'fixtures', 'reports');

describe('the HTML report in headless Chromium', () => {
  it('renders the trend, the throughput/latency plot with its fault window, objectives met and missed; prints to PDF; keeps a screenshot', () => {
    const dir = join(reportsDir, 'report-browser-test');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const page = join(dir, 'report.html');
    const built = buildReport({ paths: [join(FIXTURE, 'runs')], historyFiles: [join(FIXTURE, 'history.jsonl')], out: page });
    expect(built.runs.length).toBeGreaterThanOrEqual(3);
    const url = `file://${page}`;

    // What Chromium parsed: the drills, the charts (inline SVG, with their text), the objective states.
    const dom = chromium(['--dump-dom', url]).stdout;
    const body = /<body[^>]*data-drills="(\d+)" data-failed="(\d+)"/.exec(dom);
    expect(Number(body?.[1])).toBe(built.runs.length);
    expect(Number(body?.[2])).toBeGreaterThanOrEqual(1);
    const trend = /<div class="trend" data-trend="replica-kill-restore on mariadb-10.11">([\s\S]*?)<\/div>\s*<p/.exec(dom)?.[1] ?? '';
    expect(trend).toContain('<svg');
    expect(trend).toMatch(/RTO objective [\d.]+ s/);
    expect((trend.match(/<path d="M/g) ?? []).length).toBeGreaterThan(3);
    const plots = [...dom.matchAll(/<div class="chart" data-chart="throughput-latency">([\s\S]*?)<\/svg>/g)].map((m) => m[1]!);
    expect(plots.length).toBe(built.runs.length);
    for (const p of plots) {
      expect(p).toContain('fault: send SIGKILL to replica-1');
      expect(p).toContain('write throughput');
      expect(p).toContain('write latency');
    }
    expect(dom).toMatch(/data-objective="rto" data-state="met"/);
    expect(dom).toMatch(/data-objective="rto" data-state="missed"/);
    expect(dom).not.toMatch(/<script/);

    // What Chromium painted: a screenshot kept in the report folder, with the badges' colours and the fault shading.
    const shot = join(dir, 'report.png');
    chromium([`--screenshot=${shot}`, '--window-size=1280,5200', url]);
    expect(existsSync(shot)).toBe(true);
    const png = decodePng(readFileSync(shot));
    expect(png.width).toBe(1280);
    const count = (pred: (c: [number, number, number]) => boolean) => {
      let n = 0;
      for (let y = 0; y < png.height; y += 2) for (let x = 0; x < png.width; x += 2) if (pred(png.px(x, y))) n++;
      return n;
    };
    const near = (c: [number, number, number], t: [number, number, number], d = 6) =>
      Math.abs(c[0] - t[0]) <= d && Math.abs(c[1] - t[1]) <= d && Math.abs(c[2] - t[2]) <= d;
    expect(
      count((c) => near(c, [0x15, 0x80, 0x3d])),
      'green PASS/MET badges',
    ).toBeGreaterThan(200);
    expect(
      count((c) => near(c, [0xb9, 0x1c, 0x1c])),
      'red FAIL/MISSED badges',
    ).toBeGreaterThan(100);
    // the fault window: rgb(220,38,38) at 22% over the light phase shading
    expect(
      count((c) => c[0] > 200 && c[1] > 150 && c[1] < 215 && c[2] > 150 && c[2] < 215 && c[0] - c[1] > 25),
      'fault window shading',
    ).toBeGreaterThan(200);
    // the throughput line (#2563eb) was drawn
    expect(
      count((c) => near(c, [0x25, 0x63, 0xeb], 30)),
      'throughput line',
    ).toBeGreaterThan(100);

    // It prints: a PDF of several pages.
    const pdf = join(dir, 'report.pdf');
    chromium([`--print-to-pdf=${pdf}`, '--no-pdf-header-footer', url]);
    const bytes = readFileSync(pdf);
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect((bytes.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length).toBeGreaterThanOrEqual(2);
  }, 300_000);
});
