import { createHash } from 'node:crypto';
import { grantTablesSql } from '../sql/index.js';
import type { Queryable } from './check.js';

/**
 * An account as its server stores it in the grant tables, for the accounts SHOW GRANTS cannot show: a server running
 * with skip_name_resolve ignores every account whose host is a name, though its grant tables hold it byte for byte.
 * Comparing those rows (minus when and by whom a grant was made; secrets by digest) compares the account itself.
 */

/** A host part that names a host (web1.example.com, %.example.com), as opposed to an IP address, a mask or a wildcard. */
export function hostIsName(host: string): boolean {
  if (host === '' || host.toLowerCase() === 'localhost') return false;
  if (/^[0-9.%_/]+$/.test(host)) return false; // IPv4, a mask, wildcards
  if (host.includes(':')) return false; // IPv6 (a host name has no colon)
  return /[a-z]/i.test(host);
}

/** Whether the server ignores accounts whose host is a name (skip_name_resolve ON). */
export async function ignoresHostNames(q: Queryable): Promise<boolean> {
  const [r] = await q.query<{ v: unknown }>(grantTablesSql.skipNameResolve());
  return Number(r?.v) === 1 || String(r?.v).toUpperCase() === 'ON';
}

const digest = (s: string) => `<auth sha256:${createHash('sha256').update(s).digest('hex').slice(0, 16)}>`;

function plain(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (Buffer.isBuffer(v)) return `0x${v.toString('hex')}`;
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'bigint') return v.toString();
  return v;
}

/** A JSON value with volatile keys left out, secrets replaced by digests and keys sorted (MariaDB's Priv column). */
function canonicalJson(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonicalJson);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) {
      const x = (v as Record<string, unknown>)[k];
      if (grantTablesSql.VOLATILE_PRIV_KEYS.has(k.toLowerCase())) continue;
      if (x === '' && grantTablesSql.EMPTY_MEANS_ABSENT_PRIV_KEYS.has(k.toLowerCase())) continue;
      out[k] = grantTablesSql.SECRET_COLUMNS.has(k.toLowerCase()) && typeof x === 'string' && x !== '' ? digest(x) : canonicalJson(x);
    }
    return out;
  }
  return v;
}

function canonicalRow(row: Record<string, unknown>): string {
  const out: Record<string, unknown> = {};
  for (const col of Object.keys(row).sort()) {
    const lc = col.toLowerCase();
    if (grantTablesSql.VOLATILE_COLUMNS.has(lc)) continue;
    let v = plain(row[col]);
    if (lc === 'priv' && typeof v === 'string') {
      try {
        v = canonicalJson(JSON.parse(v));
      } catch {
        // not JSON: kept as text
      }
    } else if (lc === 'priv' && v && typeof v === 'object') v = canonicalJson(v); // the driver parsed the JSON else if (grantTablesSql.SECRET_COLUMNS.has(lc) && typeof v === 'string' && v !== '') v = digest(v);
    out[col] = v;
  }
  return JSON.stringify(out);
}

/**
 * The account as stored: one line per grant-table row that belongs to it (`table {columns}`), sorted; volatile
 * columns (Timestamp, Grantor, password_last_changed) left out; authentication strings as digests. Empty when no
 * grant table holds the account.
 */
export async function storedAccount(q: Queryable, user: string, host: string): Promise<string> {
  const tables = (await q.query<{ name: string }>(grantTablesSql.grantTablesPresent())).map((r) => String(r.name));
  const lines: string[] = [];
  for (const t of tables) {
    for (const row of await q.query<Record<string, unknown>>(grantTablesSql.accountRows(t, user, host)))
      lines.push(`${t} ${canonicalRow(row)}`);
  }
  return lines.sort().join('\n');
}
