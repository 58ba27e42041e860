/**
 * Charts rendered at report time as static SVG with ECharts' server-side renderer (no DOM, no script in the page):
 * write throughput and latency across a drill from its ledger with the fault windows, the write-unavailability
 * windows and the phases shaded (Jepsen's picture), and the RTO/RPO trend of one drill x flavor across runs.
 */
import * as echarts from 'echarts';
import type { LedgerEntry } from '../workload/index.js';

interface Window {
  name: string;
  startMs: number;
  endMs: number;
}

export interface ThroughputInput {
  startMs: number;
  endMs: number;
  ledger: readonly LedgerEntry[];
  phases: ReadonlyArray<Window & { recovery?: boolean }>;
  faults: readonly Window[];
  /** Acknowledged writes the recovered node lacks (ids): drawn as red marks. */
  lostIds?: readonly number[];
  /**
   * Write-unavailability windows the drill measured (a failover, a switchover): from the last write acknowledged
   * before to the first after, drawn as a band labelled with its length.
   */
  unavailable?: readonly Window[];
}

export interface Bucketed {
  bucketMs: number;
  /** Seconds since the drill's start, one per bucket (its start). */
  t: number[];
  acked: number[];
  failed: number[];
  indeterminate: number[];
  /** Latency of acknowledged writes sent in the bucket, ms (null: none sent). */
  p50: Array<number | null>;
  p99: Array<number | null>;
  max: Array<number | null>;
}

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/**
 * Buckets the ledger: throughput by the time each outcome was learned (writes/s), latency by the time each write was
 * sent (as Jepsen plots it, so a stall shows where it began). At most ~600 buckets, at least 1 s each.
 */
export function bucketLedger(ledger: readonly LedgerEntry[], startMs: number, endMs: number): Bucketed {
  const span = Math.max(1, endMs - startMs);
  const bucketMs = Math.max(1000, Math.ceil(span / 600 / 1000) * 1000);
  const n = Math.ceil(span / bucketMs);
  const z = () => new Array<number>(n).fill(0);
  const acked = z();
  const failed = z();
  const indeterminate = z();
  const lat: number[][] = Array.from({ length: n }, () => []);
  const idx = (ms: number) => Math.min(n - 1, Math.max(0, Math.floor((ms - startMs) / bucketMs)));
  for (const e of ledger) {
    const i = idx(e.doneAt);
    if (e.outcome === 'acked') {
      acked[i]!++;
      lat[idx(e.sentAt)]!.push(e.doneAt - e.sentAt);
    } else if (e.outcome === 'failed') failed[i]!++;
    else indeterminate[i]!++;
  }
  const per = 1000 / bucketMs;
  const stat = (q: number) =>
    lat.map((l) =>
      l.length
        ? quantile(
            l.sort((a, b) => a - b),
            q,
          )
        : null,
    );
  return {
    bucketMs,
    t: Array.from({ length: n }, (_, i) => (i * bucketMs) / 1000),
    acked: acked.map((v) => v * per),
    failed: failed.map((v) => v * per),
    indeterminate: indeterminate.map((v) => v * per),
    p50: stat(0.5),
    p99: stat(0.99),
    max: stat(1),
  };
}

function render(width: number, height: number, option: echarts.EChartsCoreOption): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption({ animation: false, textStyle: { fontFamily: 'DejaVu Sans, Liberation Sans, Arial, sans-serif' }, ...option });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

const PHASE_FILL = ['rgba(90,110,140,0.07)', 'rgba(90,110,140,0.15)'];
const RECOVERY_FILL = 'rgba(46,160,67,0.14)';
const FAULT_FILL = 'rgba(220,38,38,0.22)';
const UNAVAILABLE_FILL = 'rgba(234,179,8,0.45)';

/** Throughput (top) and latency (bottom) across the drill, phases and fault windows shaded, lost writes marked. */
export function throughputLatencySvg(inp: ThroughputInput, width = 1000, height = 460): string {
  const b = bucketLedger(inp.ledger, inp.startMs, inp.endMs);
  const sec = (ms: number) => +((ms - inp.startMs) / 1000).toFixed(3);
  const xMax = sec(inp.endMs);
  const phaseAreas = inp.phases.map((p, i) => [
    {
      xAxis: sec(p.startMs),
      name: p.name,
      itemStyle: { color: p.recovery ? RECOVERY_FILL : PHASE_FILL[i % 2] },
      label: { position: 'insideTop', color: '#445', fontSize: 10, rotate: 0 },
    },
    { xAxis: sec(p.endMs) },
  ]);
  const faultAreas = inp.faults.map((f) => [
    {
      xAxis: sec(f.startMs),
      name: `fault: ${f.name}`,
      itemStyle: { color: FAULT_FILL },
      label: { position: 'insideBottom', color: '#991b1b', fontSize: 10 },
    },
    { xAxis: sec(Math.max(f.endMs, f.startMs + 50)) },
  ]);
  // A window of a few milliseconds (a planned switchover) is drawn at least 0.2 s wide so it can be seen; its label says how long it was.
  const unavailableAreas = (inp.unavailable ?? []).map((w) => [
    {
      xAxis: sec(w.startMs),
      name: `writes unavailable (${w.name}): ${((w.endMs - w.startMs) / 1000).toFixed(2)} s`,
      itemStyle: { color: UNAVAILABLE_FILL },
      label: { position: 'insideTopLeft', color: '#854d0e', fontSize: 10, offset: [0, 14] },
    },
    { xAxis: sec(Math.max(w.endMs, w.startMs + 200)) },
  ]);
  const byId = new Map(inp.ledger.map((e) => [e.id, e]));
  const lost = (inp.lostIds ?? [])
    .map((id) => byId.get(id))
    .filter((e): e is LedgerEntry => !!e)
    .map((e) => [sec(e.sentAt), 0]);
  const pts = (ys: ReadonlyArray<number | null>) => b.t.map((t, i) => [t + b.bucketMs / 2000, ys[i]]);
  return render(width, height, {
    backgroundColor: '#fff',
    title: [
      { text: 'write throughput (per second, by outcome time)', left: 110, top: 4, textStyle: { fontSize: 12, fontWeight: 'normal' } },
      {
        text: 'write latency (ms, acknowledged writes, by send time)',
        left: 110,
        top: 238,
        textStyle: { fontSize: 12, fontWeight: 'normal' },
      },
    ],
    legend: [
      {
        top: 4,
        right: 10,
        itemWidth: 14,
        textStyle: { fontSize: 10 },
        data: ['acknowledged', 'failed', 'indeterminate', ...(lost.length ? ['lost acknowledged'] : [])],
      },
      { top: 238, right: 10, itemWidth: 14, textStyle: { fontSize: 10 }, data: ['p50', 'p99', 'max'] },
    ],
    grid: [
      { left: 60, right: 20, top: 40, height: 170 },
      { left: 60, right: 20, top: 272, height: 150 },
    ],
    xAxis: [
      { type: 'value', gridIndex: 0, min: 0, max: xMax, axisLabel: { show: false } },
      {
        type: 'value',
        gridIndex: 1,
        min: 0,
        max: xMax,
        name: 'seconds since the drill started',
        nameLocation: 'middle',
        nameGap: 24,
        axisLabel: { fontSize: 10 },
      },
    ],
    yAxis: [
      { type: 'value', gridIndex: 0, name: 'writes/s', nameTextStyle: { fontSize: 10 }, axisLabel: { fontSize: 10 }, min: 0 },
      { type: 'log', gridIndex: 1, name: 'ms', nameTextStyle: { fontSize: 10 }, axisLabel: { fontSize: 10 }, min: 1 },
    ],
    series: [
      {
        name: 'acknowledged',
        type: 'line',
        xAxisIndex: 0,
        yAxisIndex: 0,
        showSymbol: false,
        step: 'middle',
        lineStyle: { width: 1.2, color: '#2563eb' },
        itemStyle: { color: '#2563eb' },
        data: pts(b.acked),
        markArea: { silent: true, data: [...phaseAreas, ...faultAreas, ...unavailableAreas] },
      },
      {
        name: 'failed',
        type: 'line',
        xAxisIndex: 0,
        yAxisIndex: 0,
        showSymbol: false,
        step: 'middle',
        lineStyle: { width: 1, color: '#d97706' },
        itemStyle: { color: '#d97706' },
        data: pts(b.failed),
      },
      {
        name: 'indeterminate',
        type: 'line',
        xAxisIndex: 0,
        yAxisIndex: 0,
        showSymbol: false,
        step: 'middle',
        lineStyle: { width: 1, color: '#7c3aed' },
        itemStyle: { color: '#7c3aed' },
        data: pts(b.indeterminate),
      },
      ...(lost.length
        ? [
            {
              name: 'lost acknowledged',
              type: 'scatter',
              xAxisIndex: 0,
              yAxisIndex: 0,
              symbol: 'triangle',
              symbolSize: 7,
              itemStyle: { color: '#dc2626' },
              data: lost.slice(0, 2000),
            },
          ]
        : []),
      {
        name: 'p50',
        type: 'line',
        xAxisIndex: 1,
        yAxisIndex: 1,
        showSymbol: false,
        connectNulls: false,
        lineStyle: { width: 1, color: '#0f766e' },
        itemStyle: { color: '#0f766e' },
        data: pts(b.p50.map((v) => (v === null ? null : Math.max(1, v)))),
        markArea: {
          silent: true,
          data: [...phaseAreas.map(([a, z]) => [{ ...a, name: '' }, z]), ...faultAreas.map(([a, z]) => [{ ...a, name: '' }, z])],
        },
      },
      {
        name: 'p99',
        type: 'line',
        xAxisIndex: 1,
        yAxisIndex: 1,
        showSymbol: false,
        lineStyle: { width: 1, color: '#ea580c' },
        itemStyle: { color: '#ea580c' },
        data: pts(b.p99.map((v) => (v === null ? null : Math.max(1, v)))),
      },
      {
        name: 'max',
        type: 'line',
        xAxisIndex: 1,
        yAxisIndex: 1,
        showSymbol: false,
        lineStyle: { width: 0.8, color: '#9ca3af', type: 'dashed' },
        itemStyle: { color: '#9ca3af' },
        data: pts(b.max.map((v) => (v === null ? null : Math.max(1, v)))),
      },
    ],
  });
}

export interface TrendPoint {
  at: number;
  runId: string;
  rtoSeconds: number | null;
  rpoWrites: number | null;
  verdict: string;
}

/** RTO (s, left) and acknowledged writes lost (right) of one drill x flavor across runs; the RTO objective as a line. */
export function trendSvg(title: string, points: readonly TrendPoint[], rtoObjective: number | null, width = 480, height = 220): string {
  const sorted = [...points].sort((a, b) => a.at - b.at);
  const labels = sorted.map((p) => new Date(p.at).toISOString().slice(0, 16).replace('T', ' '));
  const measuredMax = Math.max(0, ...sorted.map((p) => p.rtoSeconds ?? 0));
  // An objective far above every measurement would flatten the line: it is then named in the title instead.
  const showObjective = rtoObjective !== null && (measuredMax === 0 || rtoObjective <= 3 * measuredMax);
  const rtoMax = Math.max(measuredMax, showObjective ? rtoObjective! : 0);
  return render(width, height, {
    backgroundColor: '#fff',
    title: {
      text: title,
      subtext: rtoObjective !== null && !showObjective ? `RTO objective ${rtoObjective} s, off scale` : '',
      left: 8,
      top: 4,
      itemGap: 4,
      textStyle: { fontSize: 12, fontWeight: 'bold' },
      subtextStyle: { fontSize: 10, color: '#b91c1c' },
    },
    legend: { top: 24, right: 8, itemWidth: 12, textStyle: { fontSize: 10 }, data: ['RTO (s)', 'RPO (writes lost)'] },
    grid: { left: 48, right: 48, top: 52, bottom: 52 },
    xAxis: { type: 'category', data: labels, axisLabel: { fontSize: 9, rotate: 20 } },
    yAxis: [
      {
        type: 'value',
        min: 0,
        max: rtoMax > 0 ? (showObjective ? Math.ceil(rtoMax * 1.15) : undefined) : 1,
        axisLabel: { fontSize: 10 },
        nameTextStyle: { fontSize: 10 },
      },
      {
        type: 'value',
        min: 0,
        minInterval: 1,
        axisLabel: { fontSize: 10 },
        nameTextStyle: { fontSize: 10 },
        splitLine: { show: false },
      },
    ],
    series: [
      {
        name: 'RTO (s)',
        type: 'line',
        yAxisIndex: 0,
        symbolSize: 7,
        lineStyle: { color: '#2563eb' },
        itemStyle: { color: '#2563eb' },
        data: sorted.map((p) => ({ value: p.rtoSeconds, itemStyle: { color: p.verdict === 'pass' ? '#2563eb' : '#dc2626' } })),
        ...(showObjective
          ? {
              markLine: {
                silent: true,
                symbol: 'none',
                lineStyle: { color: '#dc2626', type: 'dashed' },
                label: { formatter: `RTO objective ${rtoObjective} s`, fontSize: 9, position: 'insideEndTop' },
                data: [{ yAxis: rtoObjective }],
              },
            }
          : {}),
      },
      {
        name: 'RPO (writes lost)',
        type: 'bar',
        yAxisIndex: 1,
        barMaxWidth: 10,
        itemStyle: { color: '#f59e0b' },
        data: sorted.map((p) => p.rpoWrites),
      },
    ],
  });
}
