/** `firedrill verify`: two live servers compared (schema, data, accounts, optionally GTID positions). */
import { familyOfVersion, UsageError } from '../core/index.js';
import { databasesOf, familyAdapter } from '../runtime/index.js';
import { inspect } from '../sql/index.js';
import { compareServers, gtidPositionsEqual, UnknownDatabaseError, type CheckResult, type Queryable } from '../verify/index.js';
import { connectDsn, dsnArg } from './connect.js';
import { err, JSON_OPTION, listOption, out, parseOptions, parseTimeout, printHelp } from './options.js';

export const HELP_VERIFY = `usage: firedrill verify --source DSN --target DSN [--databases a,b] [--gtid] [--full-rows] [--ignore-accounts u,v] [--timeout T] [--json]
  DSN: mysql://user:password@host:port[/database][?ssl-mode=DISABLED|PREFERRED|REQUIRED|VERIFY_CA|VERIFY_IDENTITY&ssl-ca=PATH]
       (default PREFERRED, as the mysql client; an unknown option is refused; a path means --databases database)

Compares every schema object with the settings that change its behaviour (sql_mode, character set, collation),
every table's data, sequences' state, system-versioned tables' history, and accounts, roles and grants (password
hashes compared by digest, never printed). Data: equal CHECKSUM TABLE values settle a table as equal; otherwise the
rows decide (chunked row fingerprints by primary key that name the differing rows; tables without one as multisets
of rows): a checksum never proves "different". --full-rows: the rows decide on every table. Floating-point values
are compared by exact value; rows of any size. --gtid also compares GTID positions. --ignore-accounts: user names
left out of the account comparison (e.g. a monitoring user that differs per server by design).
Default scope: every database except the system ones, on either side; --databases naming a database that exists on
neither side is an error. Exit 0 equal, 1 different, 2 error.
  --timeout T   deadline of the connection and of every query (default 60 s without an answer: exit 2, naming the
                query); T in seconds, or with ms / s / m
Tip: put passwords in the environment and refer to them as \${VAR} inside the DSN to keep them off argv.`;

/** Compares the GTID positions of two live servers in their own format (found from VERSION()). */
async function compareGtid(src: Queryable, dst: Queryable): Promise<CheckResult> {
  const family = async (q: Queryable) => familyOfVersion(String((await q.query<{ v: string }>(inspect.serverVersion()))[0]?.v ?? ''));
  const [fa, fb] = await Promise.all([family(src), family(dst)]);
  if (fa !== fb)
    return { name: 'gtid', valid: false, details: { error: `GTID formats differ: ${src.name} is ${fa}, ${dst.name} is ${fb}` } };
  const adapter = familyAdapter(fa);
  const stmt = adapter.dialect.gtidExecuted();
  const [[a], [b]] = await Promise.all([src.query<{ gtid: string }>(stmt), dst.query<{ gtid: string }>(stmt)]);
  return gtidPositionsEqual(adapter.gtid, String(a?.gtid ?? ''), String(b?.gtid ?? ''), 'gtid');
}

export async function cmdVerify(args: string[]): Promise<number> {
  const { values } = parseOptions(args, {
    source: { type: 'string' },
    target: { type: 'string' },
    databases: { type: 'string' },
    gtid: { type: 'boolean' },
    'full-rows': { type: 'boolean' },
    'ignore-accounts': { type: 'string' },
    timeout: { type: 'string' },
    ...JSON_OPTION,
  });
  if (values.help) return printHelp(HELP_VERIFY);
  if (!values.source || !values.target) throw new UsageError('verify needs --source and --target (mysql://user:password@host:port)');
  const timeoutMs = parseTimeout(values.timeout);
  const [srcDsn, dstDsn] = [dsnArg(values.source), dsnArg(values.target)];
  const databases = databasesOf(values.databases, srcDsn, dstDsn);
  const src = await connectDsn(srcDsn, timeoutMs);
  try {
    const dst = await connectDsn(dstDsn, timeoutMs);
    try {
      const excludeAccounts = listOption(values['ignore-accounts']);
      const checks: CheckResult[] = await compareServers(src, dst, {
        databases,
        excludeAccounts,
        rows: values['full-rows'] ? 'always' : 'checksum-fast-path',
        progress: values.json ? undefined : (m) => err(m),
      }).catch((e: unknown) => {
        if (e instanceof UnknownDatabaseError) throw new UsageError(`verify --databases: ${e.message}`);
        throw e;
      });
      if (values.gtid) checks.push(await compareGtid(src, dst));
      const equal = checks.every((c) => c.valid);
      if (values.json) out(JSON.stringify({ source: src.name, target: dst.name, equal, checks }, null, 2));
      else {
        for (const c of checks) {
          out(`${c.valid ? 'ok  ' : 'DIFF'} ${c.name}`);
          for (const d of (c.details['differences'] as Array<Record<string, unknown>> | undefined) ?? []) {
            out(
              `     ${d['database']}.${d['object']}: ${d['kind']}${d['where'] ? ` at ${d['where']}` : ''}${d['expected'] !== undefined ? ` (source ${JSON.stringify(d['expected'])}, target ${JSON.stringify(d['actual'])})` : ''}`,
            );
          }
        }
        out(equal ? `equal: ${src.name} and ${dst.name}` : `different: ${src.name} and ${dst.name}`);
      }
      return equal ? 0 : 1;
    } finally {
      await dst.close();
    }
  } finally {
    await src.close();
  }
}
