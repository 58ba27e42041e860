import { quoteId } from '../inspect.js';
import { capsOf } from './caps.js';
import type { Corpus } from './model.js';
import { createAccounts, grantAccounts } from './render-accounts.js';
import { renderObjects } from './render-objects.js';
import { renderOptionObjects } from './options.js';
import { createTable, insertRows } from './render-tables.js';

/**
 * The corpus as one dump file in mysqldump's layout: the session settings a dump sets (UTC, no foreign-key checks,
 * sql_mode NO_AUTO_VALUE_ON_ZERO), accounts, each database with its tables and rows, then views and programs, then
 * the grants. A first comment line lists the seed and the cases, so that a failing dump names its own origin.
 */
export function renderDump(c: Corpus): string {
  const caps = capsOf(c.flavor);
  const out: string[] = [
    `-- firedrill corpus: seed ${c.seed}, flavor ${c.flavor}; tables: ${c.tables.map((t) => (t.encryptionKeyId ? `${t.kind}:key${t.encryptionKeyId}` : t.kind)).join(' ')}; objects: ${c.objects.map((o) => o.kind).join(' ') || '-'}; accounts: ${c.accounts.map((a) => a.kind).join(' ') || '-'}${c.options ? `; options: ${JSON.stringify(c.options)}` : ''}\n`,
    '/*!40101 SET NAMES utf8mb4 */;\n',
    "/*!40103 SET @OLD_TIME_ZONE=@@TIME_ZONE */;\n/*!40103 SET TIME_ZONE='+00:00' */;\n",
    '/*!40014 SET @OLD_UNIQUE_CHECKS=@@UNIQUE_CHECKS, UNIQUE_CHECKS=0 */;\n',
    '/*!40014 SET @OLD_FOREIGN_KEY_CHECKS=@@FOREIGN_KEY_CHECKS, FOREIGN_KEY_CHECKS=0 */;\n',
    "/*!40101 SET @OLD_SQL_MODE=@@SQL_MODE, SQL_MODE='NO_AUTO_VALUE_ON_ZERO' */;\n",
    createAccounts(c, caps),
  ];
  for (const db of c.databases) {
    out.push(`CREATE DATABASE /*!32312 IF NOT EXISTS*/ ${quoteId(db)} /*!40100 DEFAULT CHARACTER SET utf8mb4 */;\nUSE ${quoteId(db)};\n`);
    for (const t of c.tables.filter((x) => x.db === db)) {
      const parent = t.kind === 'fk-child' ? c.tables.find((p) => p.kind === 'fk-parent' && p.db === db) : undefined;
      out.push(createTable(t, caps, parent), insertRows(t, caps));
    }
  }
  for (const db of c.databases) {
    const objects = c.objects.filter((o) => o.db === db);
    if (objects.length) out.push(`USE ${quoteId(db)};\n`, renderObjects(objects, c, caps));
  }
  out.push(
    renderOptionObjects(c),
    grantAccounts(c, caps),
    '/*!40101 SET SQL_MODE=@OLD_SQL_MODE */;\n/*!40014 SET FOREIGN_KEY_CHECKS=@OLD_FOREIGN_KEY_CHECKS */;\n',
    '/*!40014 SET UNIQUE_CHECKS=@OLD_UNIQUE_CHECKS */;\n/*!40103 SET TIME_ZONE=@OLD_TIME_ZONE */;\n',
    '-- Dump completed\n',
  );
  return out.join('');
}
