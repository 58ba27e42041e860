/**
 * Allure results for a drill: the drill is one test (history id per drill x flavor, so Allure's history and trend
 * follow it across nights), its phases and their steps are steps with their own start and stop, faults are steps
 * spanning their window, every check and every objective is a step with its details as parameters, and the summary,
 * the drill log, the result and a ledger excerpt are attached. Written with allure-js-commons' file writer.
 */
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ContentType, Stage, Status, type Attachment, type StepResult, type TestResult } from 'allure-js-commons';
import { FileSystemWriter } from 'allure-js-commons/sdk/reporter';
import type { LedgerEntry } from '../workload/index.js';
import { judgementsOf, objectiveReportOf, type EvidenceResult, type Judgement } from './evidence.js';

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

// JSON.stringify(undefined) is undefined: such a value is shown as the word.
const param = (name: string, value: unknown) => ({
  name,
  value: typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value)),
});

function judgementStep(j: Judgement, at: number): StepResult {
  const details =
    j.details && typeof j.details === 'object' && !Array.isArray(j.details) ? Object.entries(j.details as Record<string, unknown>) : [];
  return {
    name: `${j.name}: ${j.message}`.slice(0, 300),
    // skipped or not applicable: Allure's own "skipped", never a pass
    status: j.skip ? Status.SKIPPED : j.ok ? Status.PASSED : j.error ? Status.BROKEN : Status.FAILED,
    stage: Stage.FINISHED,
    statusDetails:
      j.ok && !j.skip ? {} : { message: j.message, trace: j.details === undefined ? undefined : JSON.stringify(j.details, null, 2) },
    steps: [],
    attachments: [],
    start: j.startMs ?? at,
    stop: j.endMs ?? at,
    parameters: details
      .filter(([k]) => k !== 'steps')
      .slice(0, 20)
      .map(([k, v]) => param(k, v))
      .map((p) => ({ ...p, value: p.value.slice(0, 500) })),
  };
}

/** What the drill leaves for a reader of the Allure report besides the steps. */
export interface AllureAttachments {
  summary?: string;
  log?: string;
  ledger?: readonly LedgerEntry[];
}

/** A ledger excerpt: every write that was lost, failed or indeterminate, and the first and last few acknowledged. */
function ledgerExcerpt(entries: readonly LedgerEntry[], lostIds: readonly number[] = []): Record<string, unknown> {
  const lost = new Set(lostIds);
  const acked = entries.filter((e) => e.outcome === 'acked');
  return {
    total: entries.length,
    acked: acked.length,
    notAcked: entries.filter((e) => e.outcome !== 'acked').slice(0, 200),
    lost: entries.filter((e) => lost.has(e.id)).slice(0, 200),
    firstAcked: acked.slice(0, 20),
    lastAcked: acked.slice(-20),
  };
}

/** Writes the drill's Allure result (and attachments) into dir; returns the result file's uuid. */
export function writeAllureResult(r: EvidenceResult, dir: string, att: AllureAttachments = {}): string {
  mkdirSync(dir, { recursive: true });
  const w = new FileSystemWriter({ resultsDir: dir });
  const start = Date.parse(r.startedAt);
  const stop = r.endedAt ? Date.parse(r.endedAt) : start + r.durationMs;
  const js = judgementsOf(r);
  const attachments: Attachment[] = [];
  const attach = (name: string, body: string, type: string, ext: string) => {
    const source = `${randomUUID()}-attachment.${ext}`;
    w.writeAttachment(source, Buffer.from(body, 'utf8'));
    attachments.push({ name, source, type });
  };
  if (att.summary) attach('summary.md', att.summary, 'text/markdown', 'md');
  if (att.log) attach('drill.log', att.log, ContentType.TEXT, 'log');
  if (att.ledger) {
    const lostIds = (r.checks.find((c) => c.name === `${r.rpo.node}-ledger`)?.details['lostIds'] as number[] | undefined) ?? [];
    attach('ledger excerpt', JSON.stringify(ledgerExcerpt(att.ledger, lostIds), null, 2), ContentType.JSON, 'json');
  }
  attach('result.json', JSON.stringify(r, null, 2), ContentType.JSON, 'json');

  const phaseSteps: StepResult[] = r.phases.map((p) => {
    const j = js.find((x) => x.name === `phase ${p.name}`)!;
    return {
      name: `phase ${p.name}${p.recovery ? ' (recovery)' : ''}`,
      status: j.ok ? Status.PASSED : Status.BROKEN,
      stage: Stage.FINISHED,
      statusDetails: j.ok ? {} : { message: j.message },
      attachments: [],
      parameters: [param('duration', `${(p.durationMs / 1000).toFixed(2)} s`)],
      start: p.startMs,
      stop: p.endMs,
      steps: p.steps.map((s) => ({
        name: s.name,
        status: s.error ? Status.BROKEN : Status.PASSED,
        stage: Stage.FINISHED,
        statusDetails: s.error ? { message: s.error } : {},
        steps: [],
        attachments: [],
        parameters: [],
        start: s.startMs,
        stop: s.endMs,
      })),
    };
  });
  const faultSteps: StepResult[] = r.faults.map((f) => ({
    name: `fault: ${f.description}`,
    status: f.error ? Status.BROKEN : Status.PASSED,
    stage: Stage.FINISHED,
    statusDetails: f.error ? { message: f.error } : {},
    steps: [],
    attachments: [],
    start: f.injectedAt,
    stop: f.healedAt ?? f.injectedAt,
    parameters: [
      param('kind', f.fault.kind),
      param('target', f.fault.target),
      param('effect', f.effect ?? null),
      param('heal', f.heal ?? (f.healedAt ? 'healed' : 'never healed')),
    ].map((p) => ({ ...p, value: p.value.slice(0, 500) })),
  }));
  const group = (name: string, items: Judgement[]): StepResult => ({
    name,
    status: items.every((j) => j.ok) ? (items.some((j) => j.skip) ? Status.SKIPPED : Status.PASSED) : Status.FAILED,
    stage: Stage.FINISHED,
    statusDetails: {},
    attachments: [],
    parameters: [],
    start: stop,
    stop,
    steps: items.map((j) => judgementStep(j, stop)),
  });
  const failing = js.filter((j) => !j.ok);
  const broken = !!r.error;
  const obj = objectiveReportOf(r);
  const id = `firedrill.${r.scenario}.${r.flavor}`;
  const result: TestResult = {
    uuid: randomUUID(),
    historyId: md5(id),
    testCaseId: md5(id),
    fullName: id,
    name: `${r.scenario} on ${r.flavor}`,
    titlePath: ['firedrill', r.scenario],
    description: r.description,
    status: r.verdict === 'pass' ? Status.PASSED : broken ? Status.BROKEN : Status.FAILED,
    stage: Stage.FINISHED,
    statusDetails:
      r.verdict === 'pass'
        ? {}
        : {
            message:
              failing
                .filter((j) => j.name !== 'verdict')
                .map((j) => `${j.name}: ${j.message}`)
                .join('\n') || `verdict ${r.verdict}`,
            trace: [r.cause ? `cause: ${r.cause.kind}: ${r.cause.message}` : '', r.error ?? ''].filter(Boolean).join('\n') || undefined,
          },
    start,
    stop,
    labels: [
      { name: 'parentSuite', value: 'firedrill drills' },
      { name: 'suite', value: r.scenario },
      { name: 'subSuite', value: r.flavor },
      { name: 'feature', value: 'restore drill' },
      { name: 'tag', value: r.flavor },
      { name: 'framework', value: 'firedrill' },
      { name: 'host', value: r.provenance?.host.name ?? 'unknown' },
      { name: 'severity', value: 'critical' },
    ],
    links: [],
    parameters: [
      param('flavor', r.flavor),
      ...Object.entries(r.params).map(([k, v]) => ({ ...param(k, v), excluded: true })),
      { name: 'run id', value: r.runId, excluded: true },
      {
        name: 'RTO',
        value:
          r.rto.ms === null ? 'not measured' : `${(r.rto.ms / 1000).toFixed(2)} s (objective ${obj.objectives.rtoSeconds ?? 'none'} s)`,
        excluded: true,
      },
      {
        name: 'RPO',
        value: `${r.rpo.lostAcknowledgedWrites ?? 'not measured'} writes, ${r.rpo.seconds ?? 'n/a'} s (objective ${obj.objectives.rpoWrites ?? 'none'} writes, ${obj.objectives.rpoSeconds ?? 'none'} s)`,
        excluded: true,
      },
    ],
    steps: [
      ...phaseSteps,
      ...faultSteps,
      group(
        'checks',
        js.filter((j) => j.group === 'check' || j.name === 'checks ran'),
      ),
      group(
        'objectives',
        js.filter((j) => j.group === 'objective'),
      ),
    ],
    attachments,
  };
  w.writeResult(result);
  if (r.provenance) {
    const p = r.provenance;
    const env: Record<string, string> = {
      firedrill: `${p.firedrill.version} (${p.firedrill.commit?.slice(0, 12) ?? 'no commit'}${p.firedrill.dirty ? ', modified' : ''})`,
      engine: p.engine.version ?? 'unknown',
      host: p.host.name,
      node: p.firedrill.node,
      [`image ${r.flavor}`]: `${p.image?.ref ?? ''} ${p.image?.id?.slice(0, 19) ?? ''}`.trim(),
    };
    w.writeEnvironmentInfo(env);
  }
  return result.uuid;
}

/** Reads a file if it exists (attachments are optional). */
export function readIfExists(path: string): string | undefined {
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
}

export const allureDirOf = (reportDir: string) => join(reportDir, 'allure-results');
