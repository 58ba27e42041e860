/**
 * Provenance: what was tested with what. Every figure is read from the thing itself (package.json, git, the engine,
 * the image, each server's VERSION()), never assumed; what could not be read says why.
 */
import { readFileSync } from 'node:fs';
import { arch, cpus, hostname, platform, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { run } from '../exec/index.js';
import { docker, engineVersion } from '../runtime/docker.js';
import { projectRoot } from '../runtime/paths.js';
import type { Statement } from '../sql/index.js';
import { reportSql } from '../sql/index.js';

export interface Provenance {
  firedrill: { version: string; commit: string | null; dirty: boolean | null; node: string };
  host: {
    name: string;
    platform: string;
    release: string;
    arch: string;
    cpus: number;
    memoryBytes: number;
    timezone: string;
    ci?: Record<string, string>;
  };
  engine: { version: string | null };
  image: { ref: string; id: string | null; created: string | null } | null;
  /** Each server's own word: VERSION() and @@version_comment, by node name, read at the end of the drill. */
  /** Each node's own word (VERSION(), @@version_comment) and the image its container ran (reference and id). */
  servers: Record<string, ({ version: string; comment?: string } | { error: string }) & { image?: string; imageId?: string }>;
  dataset: {
    name: string;
    databases: Array<{ db: string; tables: number; estRows: number; bytes: number }>;
    bytes: number;
    measuredOn: string | null;
    detail?: Record<string, unknown>;
  };
  params: Record<string, number | string>;
  seed: number | null;
  /** The firedrill command line of this run (options only: firedrill never takes a password on argv). */
  command: string;
}

export function firedrillVersion(): string {
  try {
    return String((JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { version?: string }).version ?? 'unknown');
  } catch {
    return 'unknown';
  }
}

/** The commit firedrill runs from: git if there is a work tree, else what CI says (GITHUB_SHA, CI_COMMIT_SHA). */
export async function firedrillCommit(): Promise<{ commit: string | null; dirty: boolean | null }> {
  try {
    const head = (await run(['git', '-C', projectRoot, 'rev-parse', 'HEAD'], { timeoutMs: 5000 })).stdout.trim();
    const status = (
      await run(['git', '-C', projectRoot, 'status', '--porcelain', '--untracked-files=no'], { timeoutMs: 10_000 })
    ).stdout.trim();
    return { commit: head, dirty: status.length > 0 };
  } catch {
    const env = process.env.GITHUB_SHA ?? process.env.CI_COMMIT_SHA ?? null;
    return { commit: env, dirty: null };
  }
}

const CI_VARS = [
  'GITHUB_RUN_ID',
  'GITHUB_RUN_ATTEMPT',
  'GITHUB_REPOSITORY',
  'GITHUB_WORKFLOW',
  'GITHUB_JOB',
  'CI_PIPELINE_ID',
  'CI_JOB_ID',
  'CI_PROJECT_PATH',
  'CI_JOB_URL',
  'FIREDRILL_SHARD',
];

function hostProvenance(): Provenance['host'] {
  const ci: Record<string, string> = {};
  for (const v of CI_VARS) if (process.env[v]) ci[v] = process.env[v]!;
  return {
    name: hostname(),
    platform: platform(),
    release: release(),
    arch: arch(),
    cpus: cpus().length,
    memoryBytes: totalmem(),
    timezone: Intl.DateTimeFormat().resolvedOptions().timeZone,
    ...(Object.keys(ci).length ? { ci } : {}),
  };
}

export async function imageProvenance(ref: string): Promise<Provenance['image']> {
  try {
    const r = await docker(['image', 'inspect', '--format', '{{.Id}} {{.Created}}', ref], { timeoutMs: 15_000 });
    const [id, created] = r.stdout.trim().split(' ');
    return { ref, id: id ?? null, created: created ?? null };
  } catch {
    return { ref, id: null, created: null };
  }
}

interface Queryable {
  name: string;
  query<T>(s: Statement): Promise<T[]>;
  /** The node's container, when it has one: its image is recorded too (an upgrade drill runs two). */
  container?: { name: string };
}

/** VERSION() and @@version_comment of every node that still answers; a node that does not says why. */
export async function serverVersions(nodes: readonly Queryable[]): Promise<Provenance['servers']> {
  const out: Provenance['servers'] = {};
  for (const n of nodes) {
    try {
      const [row] = await n.query<{ version: string; comment: string }>(reportSql.versionAndServer());
      out[n.name] = { version: String(row?.version ?? ''), comment: row?.comment ? String(row.comment) : undefined };
    } catch (e) {
      out[n.name] = { error: (e instanceof Error ? e.message : String(e)).split('\n')[0]!.slice(0, 200) };
    }
    if (n.container) {
      try {
        const [image, imageId] = (
          await docker(['container', 'inspect', '--format', '{{.Config.Image}} {{.Image}}', n.container.name], { timeoutMs: 15_000 })
        ).stdout
          .trim()
          .split(' ');
        out[n.name] = { ...out[n.name]!, image, imageId };
      } catch {
        /* a container already removed: its VERSION() (or why not) is what is known */
      }
    }
  }
  return out;
}

/** The user databases on a node with their size as the server reports it (measured after loading, before faults). */
export async function datasetSize(node: Queryable): Promise<Pick<Provenance['dataset'], 'databases' | 'bytes' | 'measuredOn'>> {
  const rows = await node.query<{ db: string; tables: number | string; estRows: number | string; bytes: number | string }>(
    reportSql.databaseSizes(),
  );
  const databases = rows.map((r) => ({ db: String(r.db), tables: Number(r.tables), estRows: Number(r.estRows), bytes: Number(r.bytes) }));
  return { databases, bytes: databases.reduce((s, d) => s + d.bytes, 0), measuredOn: node.name };
}

/** Start of a provenance record with what is known before any container exists. */
export async function baseProvenance(
  command: readonly string[],
): Promise<Omit<Provenance, 'image' | 'servers' | 'dataset' | 'params' | 'seed'>> {
  const git = await firedrillCommit();
  let engine: string | null = null;
  try {
    engine = await engineVersion();
  } catch {
    engine = null;
  }
  return {
    firedrill: { version: firedrillVersion(), ...git, node: process.version },
    host: hostProvenance(),
    engine: { version: engine },
    command: redactArgv(command).join(' '),
  };
}

const SECRET_OPTION = /^(--?[\w-]*(pass(word)?|pwd|secret|token|key)[\w-]*)(=(.*))?$/i;
const SECRET_ASSIGN = /^([\w.-]*(pass(word)?|pwd|secret|token|key)[\w.-]*)=(.+)$/i;

/**
 * Redacts whatever looks like a secret on a command line: `--password=x` / `--password x` / `-px` / `-e
 * MYSQL_PWD=x` / `user:secret@host` in a URL. firedrill never puts a password on argv; this is a second line of defence
 * for logs and reports.
 */
export function redactArgv(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (/^-p(?![\d.:]+(\/\w+)?$)\S+$/.test(a)) {
      out.push('-p***');
      continue;
    }
    if (/^--?(key-?file|ssl-key|ssl-ca|ssl-cert|[\w-]*-key-file)(=|$)/i.test(a)) {
      out.push(a);
      continue;
    } // paths, not secrets
    const m = SECRET_OPTION.exec(a);
    if (m) {
      if (m[4] !== undefined) {
        out.push(`${m[1]}=***`);
        continue;
      }
      // "--password value": the next word is the value unless it is another option.
      out.push(a);
      if (i + 1 < argv.length && !argv[i + 1]!.startsWith('-') && /pass|pwd|secret|token/i.test(m[1]!)) {
        out.push('***');
        i++;
      }
      continue;
    }
    const s = SECRET_ASSIGN.exec(a);
    if (s) {
      out.push(`${s[1]}=***`);
      continue;
    }
    out.push(a.replace(/(\w+:\/\/[^:/@\s]+:)[^@\s]+@/g, '$1***@'));
  }
  return out;
}
